package export

import (
	"bytes"
	"encoding/csv"
	"strings"
	"testing"
	"time"

	"github.com/go-json-experiment/json"

	"github.com/neotui/neotui/api"
	"github.com/neotui/neotui/internal/safetext"
	"github.com/neotui/neotui/internal/store"
)

var (
	created = time.Date(2026, 3, 1, 9, 30, 15, 123456789, time.UTC)
	noted   = time.Date(2026, 3, 1, 14, 5, 59, 0, time.UTC)
	snooze  = time.Date(2026, 3, 8, 8, 0, 0, 0, time.UTC)
)

// hostileLeads: a triaged lead whose every field a visitor filled with what a
// terminal or a spreadsheet would act on, and an untouched plain one.
func hostileLeads() ([]store.Lead, map[string][]store.Note) {
	leads := []store.Lead{
		{Key: "k1", Bot: "shop", Lead: api.Lead{
			Type:        api.TypeLead,
			Name:        "\x1b]52;c;aGFjaw==\x07=HYPERLINK(\"http://evil\")",
			Email:       "\u202emoc.live@mallory",
			PhoneNumber: "+1 555 0100",
			CreateTime:  created,
			Content:     "hi\u009b31m red\x7f and \x1b[2J\nsecond line, \"quoted\"",
			SessionID:   31302,
			URI:         "https://shop.example/p?a=1&b=2",
			Count:       2,
		}},
		{Key: "k2", Bot: "shop", Lead: api.Lead{
			Type: api.TypeAppointment, Name: "Ana Rossi", Email: "ana@example.it", CreateTime: created.Add(-time.Hour),
			Content: "-2+3 tomorrow", SessionID: 31301, Count: 1,
		}},
	}
	notes := map[string][]store.Note{"k1": {
		{ID: 1, Bot: "shop", Key: "k1", Author: "ana", Body: "called, no answer", CreatedAt: noted},
		{ID: 2, Bot: "shop", Key: "k1", Author: "bo", Body: "@sent quote\nwaiting \x1b[31m", CreatedAt: noted.Add(24 * time.Hour)},
	}}
	leads[0].SetTriage(store.Triage{Status: "contacted", Starred: true, SnoozedUntil: snooze,
		SeenAt: noted, UpdatedAt: noted, UpdatedBy: "ana", Version: 3, Notes: 2})
	return leads, notes
}

func TestLeadsJSONRoundTrip(t *testing.T) {
	leads, notes := hostileLeads()
	var out bytes.Buffer
	if err := LeadsJSON(&out, leads, notes, nil); err != nil {
		t.Fatal(err)
	}
	raw := out.String()
	for _, bad := range []string{"\x1b", "\x07", "\x7f", "\u009b", "\u202e"} {
		if strings.Contains(raw, bad) {
			t.Errorf("JSON carries a raw %q", bad)
		}
	}
	for _, esc := range []string{`\u001b`, `\u0007`, `\u007f`, `\u009b`, `\u202e`} {
		if !strings.Contains(raw, esc) {
			t.Errorf("JSON lacks %s: the visitor's text is not kept, escaped", esc)
		}
	}

	var got []LeadRecord
	if err := json.Unmarshal(out.Bytes(), &got); err != nil {
		t.Fatalf("parse back: %v\n%s", err, raw)
	}
	if len(got) != 2 {
		t.Fatalf("%d records, want 2", len(got))
	}
	for i, l := range leads {
		g := got[i]
		// The API's fields, the visitor's text exactly as typed.
		if g.Type != l.Type || g.Name != l.Name || g.Email != l.Email || g.PhoneNumber != l.PhoneNumber ||
			!g.CreateTime.Equal(l.CreateTime) || g.Content != l.Content || g.SessionID != l.SessionID ||
			g.URI != l.URI || g.Count != l.Count {
			t.Errorf("record %d: API fields\n got %+v\nwant %+v", i, g.Lead, l.Lead)
		}
		if g.Bot != "" {
			t.Errorf("record %d: Bot %q for a one-bot export", i, g.Bot)
		}
	}
	want := []struct {
		status        string
		starred, seen bool
		snoozed       time.Time
		notes         []NoteRecord
	}{
		{"contacted", true, true, snooze, []NoteRecord{
			{"ana", "called, no answer", noted}, {"bo", "@sent quote\nwaiting \x1b[31m", noted.Add(24 * time.Hour)}}},
		{"new", false, false, time.Time{}, nil},
	}
	for i, w := range want {
		g := got[i]
		if g.Status != w.status || g.Starred != w.starred || g.Seen != w.seen || !g.SnoozedUntil.Equal(w.snoozed) {
			t.Errorf("record %d: triage %q starred=%v seen=%v snoozed=%v, want %q %v %v %v",
				i, g.Status, g.Starred, g.Seen, g.SnoozedUntil, w.status, w.starred, w.seen, w.snoozed)
		}
		if len(g.Notes) != len(w.notes) {
			t.Fatalf("record %d: %d notes, want %d", i, len(g.Notes), len(w.notes))
		}
		for j, n := range w.notes {
			if g.Notes[j].Author != n.Author || g.Notes[j].Body != n.Body || !g.Notes[j].CreatedAt.Equal(n.CreatedAt) {
				t.Errorf("record %d note %d = %+v, want %+v", i, j, g.Notes[j], n)
			}
		}
	}

	// The shape programs rely on: the API's names at the top level, no
	// "Lead" wrapper, SnoozedUntil only when snoozed, Notes always a list.
	var shape []map[string]any
	if err := json.Unmarshal(out.Bytes(), &shape); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"Type", "Name", "Email", "PhoneNumber", "CreateTime", "Content", "SessionID", "URI", "Count",
		"Status", "Starred", "SnoozedUntil", "Seen", "Notes"} {
		if _, ok := shape[0][k]; !ok {
			t.Errorf("record lacks %s: %v", k, shape[0])
		}
	}
	for _, k := range []string{"Lead", "Bot", "Key", "Triage"} {
		if _, ok := shape[0][k]; ok {
			t.Errorf("record has %s", k)
		}
	}
	if _, ok := shape[1]["SnoozedUntil"]; ok {
		t.Error("SnoozedUntil written for a lead never snoozed")
	}
	if n, ok := shape[1]["Notes"].([]any); !ok || len(n) != 0 {
		t.Errorf("Notes of a lead without notes = %#v, want []", shape[1]["Notes"])
	}
	if s, _ := shape[0]["SnoozedUntil"].(string); s != "2026-03-08T08:00:00Z" {
		t.Errorf("SnoozedUntil = %q, want RFC 3339", s)
	}
}

func TestLeadsJSONSeveralBots(t *testing.T) {
	leads, _ := hostileLeads()
	leads[1].Bot = "clinic"
	var out bytes.Buffer
	if err := LeadsJSON(&out, leads, nil, map[string]string{"clinic": "Clinic Roma"}); err != nil {
		t.Fatal(err)
	}
	var got []LeadRecord
	if err := json.Unmarshal(out.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	if got[0].Bot != "shop" || got[1].Bot != "clinic" || got[1].BotName != "Clinic Roma" || got[0].BotName != "" {
		t.Errorf("bots %q %q named %q %q, want shop clinic named - and Clinic Roma", got[0].Bot, got[1].Bot, got[0].BotName, got[1].BotName)
	}
	if len(got[0].Notes) != 0 {
		t.Errorf("notes without a notes map: %v", got[0].Notes)
	}
}

func TestLeadsJSONEmpty(t *testing.T) {
	var out bytes.Buffer
	if err := LeadsJSON(&out, nil, nil, nil); err != nil {
		t.Fatal(err)
	}
	if out.String() != "[]\n" {
		t.Errorf("no leads = %q, want []", out.String())
	}
}

func TestLeadsCSVRoundTrip(t *testing.T) {
	leads, notes := hostileLeads()
	var out bytes.Buffer
	if err := LeadsCSV(&out, leads, notes, nil); err != nil {
		t.Fatal(err)
	}
	raw := strings.ReplaceAll(out.String(), "\r\n", "\n")
	for _, bad := range []string{"\x1b", "\x07", "\x7f", "\u009b", "\u202e", "\r"} {
		if strings.Contains(raw, bad) {
			t.Errorf("CSV carries %q", bad)
		}
	}
	rows, err := csv.NewReader(&out).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if h := strings.Join(rows[0], ","); h != "Type,Name,Email,PhoneNumber,CreateTime,Content,SessionID,URI,Count,Status,Starred,SnoozedUntil,Seen,Notes" {
		t.Errorf("header %s", h)
	}
	want := [][]string{
		{"Lead", `'=HYPERLINK("http://evil")`, "moc.live@mallory", "'+1 555 0100", "2026-03-01T09:30:15.123456789Z",
			"hi red and \nsecond line, \"quoted\"", "31302", "https://shop.example/p?a=1&b=2", "2",
			"contacted", "true", "2026-03-08T08:00:00Z", "true",
			"2026-03-01 14:05 ana: called, no answer\n2026-03-02 14:05 bo: @sent quote\n  waiting "}, // the escape cleaned away
		{"Appointment", "Ana Rossi", "ana@example.it", "", "2026-03-01T08:30:15.123456789Z",
			"'-2+3 tomorrow", "31301", "", "1", "new", "false", "", "false", ""},
	}
	if len(rows) != len(want)+1 {
		t.Fatalf("%d rows, want %d", len(rows), len(want)+1)
	}
	for i, w := range want {
		for j, cell := range w {
			if rows[i+1][j] != cell {
				t.Errorf("row %d %s = %q, want %q", i+1, rows[0][j], rows[i+1][j], cell)
			}
		}
	}
}

func TestLeadsCSVSeveralBots(t *testing.T) {
	leads, _ := hostileLeads()
	leads[0].Bot = "clinic"
	var out bytes.Buffer
	if err := LeadsCSV(&out, leads, nil, map[string]string{"clinic": "Clinic Roma", "shop": "=Shop"}); err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(&out).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if n := len(rows[0]); strings.Join(rows[0][n-2:], ",") != "Bot,BotName" ||
		strings.Join(rows[1][n-2:], ",") != "clinic,Clinic Roma" || strings.Join(rows[2][n-2:], ",") != "shop,'=Shop" {
		t.Errorf("Bot columns: %v / %v / %v", rows[0], rows[1], rows[2])
	}
	if rows[1][13] != "" {
		t.Errorf("notes cell %q without a notes map", rows[1][13])
	}
}

func TestCell(t *testing.T) {
	tests := []struct{ in, want string }{
		{"plain", "plain"},
		{"=1+1", "'=1+1"},
		{"+1 555", "'+1 555"},
		{"-2", "'-2"},
		{"@SUM(A1)", "'@SUM(A1)"},
		{"  =1", "'  =1"},
		{"\n=1", "'\n=1"},
		{"\tx", "'\tx"},
		{"\x1b[0m=1", "'=1"},  // cleaned before the check
		{"\u202e=1", "'=1"},   // bidi hides nothing
		{"\u009b1m@x", "'@x"}, // C1 CSI too
		{"a=b", "a=b"},
		{"", ""},
	}
	for _, tt := range tests {
		if got := cell(tt.in); got != tt.want {
			t.Errorf("cell(%q) = %q, want %q", tt.in, got, tt.want)
		}
		if got := cell(tt.in); safetext.Clean(got) != got {
			t.Errorf("cell(%q) = %q is not clean", tt.in, got)
		}
	}
}
