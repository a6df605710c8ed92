package store

import (
	"context"
	"fmt"
	"reflect"
	"testing"
	"time"
	"unsafe"

	"github.com/neotui/neotui/api"
)

// TestEachSessionRows: a row says what the session's summary says, and rows
// of one page share one copy of its URI; read whole (a day at a time, on
// SQLite) or a first page (row by row), over days and texts of any bytes.
func TestEachSessionRows(t *testing.T) {
	s := openStore(t)
	ctx := context.Background()
	rome := time.FixedZone("CET", 3600)
	var sessions []api.Session
	for i := range 9 {
		sess := api.Session{SessionID: int64(i + 1), CreateTime: time.Date(2024, 2, 1, i*5, 0, 0, i, rome),
			URI: fmt.Sprintf("https://shop.example/page-%d", i%2)}
		for j := range i {
			sess.Messages = append(sess.Messages, msg(api.RoleUser, fmt.Sprintf("message %d of %d", j, i)))
		}
		sessions = append(sessions, sess)
	}
	// Texts whose bytes and lengths a reader could get wrong: NUL, letters
	// of two and three bytes, spaces and digits where numbers are read.
	sessions[3].Messages[0].Content = "a\x00b é 日本 12 34"
	sessions[4].URI = "https://shop.example/ü 5 6\x00?q=日"
	sessions[5].SessionID = 1 << 40
	if _, err := s.SaveHistory(ctx, testBot, 0, 0, fetchedAt, sessions); err != nil {
		t.Fatal(err)
	}
	if _, err := s.SaveLeads(ctx, testBot, 0, 0, fetchedAt, []api.Lead{{Type: api.TypeLead, Name: "Ana",
		SessionID: sessions[2].SessionID, CreateTime: sessions[2].CreateTime}}); err != nil {
		t.Fatal(err)
	}
	sums, err := s.Sessions(ctx, SessionQuery{Bot: testBot})
	if err != nil {
		t.Fatal(err)
	}
	for _, limit := range []int{0, len(sums) + 1} {
		var rows []SessionRow
		if err := s.EachSession(ctx, SessionQuery{Bot: testBot, Limit: limit}, func(r SessionRow) { rows = append(rows, r) }); err != nil {
			t.Fatal(err)
		}
		if len(rows) != len(sums) {
			t.Fatalf("limit %d: %d rows, %d sessions", limit, len(rows), len(sums))
		}
		uris := map[string]*byte{}
		for i, r := range rows {
			sum := sums[i]
			if r.SessionID != sum.SessionID || !r.CreateTime.Equal(sum.CreateTime) || r.CreateTime.Location() != time.UTC ||
				r.MessageCount != sum.MessageCount || r.URI != sum.URI || r.Preview != sum.Preview ||
				r.Line != fmt.Sprint(sum.SessionID, " ", sum.Preview) || r.Lead != (r.SessionID == sessions[2].SessionID) {
				t.Errorf("limit %d: row %+v, summary %+v", limit, r, sum)
			}
			if p, ok := uris[r.URI]; ok && p != unsafe.StringData(r.URI) {
				t.Errorf("limit %d: row %d holds its own copy of %s", limit, i, r.URI)
			}
			uris[r.URI] = unsafe.StringData(r.URI)
		}
	}
}

// TestLeadsShareRepeats: leads of one page, one type and one zone hold one
// copy of each, and their times read as the API sent them.
func TestLeadsShareRepeats(t *testing.T) {
	s := openStore(t)
	ctx := context.Background()
	var sent []api.Lead
	for i := range 4 {
		sent = append(sent, api.Lead{Type: api.TypeLead, Name: fmt.Sprint("visitor ", i), SessionID: int64(i + 1),
			URI: "https://shop.example/pricing", CreateTime: mustTime(t, fmt.Sprintf("2024-02-01T1%d:00:00.5-08:00", i))})
	}
	if _, err := s.SaveLeads(ctx, testBot, 0, 0, fetchedAt, sent); err != nil {
		t.Fatal(err)
	}
	leads, err := s.Leads(ctx, LeadQuery{Bot: testBot})
	if err != nil || len(leads) != len(sent) {
		t.Fatalf("%d leads, %v", len(leads), err)
	}
	first := leads[0]
	for i, l := range leads {
		want := sent[len(sent)-1-i].CreateTime.Format(time.RFC3339Nano)
		if got := l.CreateTime.Format(time.RFC3339Nano); got != want {
			t.Errorf("lead %d created %s, want %s", i, got, want)
		}
		if unsafe.StringData(l.URI) != unsafe.StringData(first.URI) || unsafe.StringData(l.Type) != unsafe.StringData(first.Type) ||
			unsafe.StringData(l.Bot) != unsafe.StringData(first.Bot) || l.CreateTime.Location() != first.CreateTime.Location() {
			t.Errorf("lead %d holds its own copy of a value the others share", i)
		}
	}
}

// TestEachLeadWho: each lead of a conversation in the range says who its
// visitor was; other bots' leads and conversations outside it do not.
func TestEachLeadWho(t *testing.T) {
	s := openStore(t)
	ctx := context.Background()
	at := time.Date(2024, 2, 1, 9, 0, 0, 0, time.UTC)
	leads := []api.Lead{
		{Type: api.TypeLead, Name: "Ana", Email: "ana@example.com", SessionID: 10, CreateTime: at},
		{Type: api.TypeLead, Email: "bo@example.com", SessionID: 20, CreateTime: at.Add(time.Minute)},
		{Type: api.TypeLead, Name: "Cy", SessionID: 30, CreateTime: at.Add(2 * time.Minute)},
	}
	if _, err := s.SaveLeads(ctx, testBot, 0, 0, fetchedAt, leads); err != nil {
		t.Fatal(err)
	}
	if _, err := s.SaveLeads(ctx, "other-bot", 0, 0, fetchedAt, []api.Lead{{Type: api.TypeLead, Name: "Dee", SessionID: 20, CreateTime: at}}); err != nil {
		t.Fatal(err)
	}
	got := map[int64]string{}
	if err := s.EachLeadWho(ctx, testBot, 10, 20, func(id int64, name, email string) { got[id] = name + "|" + email }); err != nil {
		t.Fatal(err)
	}
	want := map[int64]string{10: "Ana|ana@example.com", 20: "|bo@example.com"}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("EachLeadWho = %v, want %v", got, want)
	}
	// A NUL in a name, where the leads read at once are cut.
	if _, err := s.SaveLeads(ctx, testBot, 0, 0, fetchedAt, []api.Lead{{Type: api.TypeLead, Name: "E\x00d", Email: "e@x",
		SessionID: 15, CreateTime: at.Add(3 * time.Minute)}}); err != nil {
		t.Fatal(err)
	}
	clear(got)
	if err := s.EachLeadWho(ctx, testBot, 10, 20, func(id int64, name, email string) { got[id] = name + "|" + email }); err != nil {
		t.Fatal(err)
	}
	want[15] = "E\x00d|e@x"
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("EachLeadWho = %v, want %v", got, want)
	}
}

// TestLeadsByDayAsByRow: every lead of a whole list (read a day at a time
// on SQLite) reads as the same lead read row by row (a limit), triage
// state and all, whatever bytes its texts hold, for one bot and for all.
func TestLeadsByDayAsByRow(t *testing.T) {
	s := openStore(t)
	ctx := context.Background()
	var leads []api.Lead
	for i := range 12 {
		leads = append(leads, api.Lead{Type: api.TypeLead, Name: fmt.Sprint("Visitor ", i), Email: fmt.Sprintf("v%d@example.com", i),
			PhoneNumber: "+34 600", Content: "quiero saber 12 34", SessionID: int64(100 + i%5),
			URI: fmt.Sprintf("https://shop.example/ü %d", i%3), CreateTime: time.Date(2024, 2, 1+i/4, i, 0, 0, i, time.FixedZone("X", -3600*(i%3)))})
	}
	leads[5].Content = "a\x00b é 日本"       // a NUL: that day is read row by row
	leads[9].Name, leads[9].Email = "", "" // nothing to show
	leads[10].Type = api.TypeAppointment
	leads[11].CreateTime, leads[11].Content = time.Unix(3600, 0), "\x00" // day 0, read row by row
	for _, bot := range []string{testBot, "other-bot"} {
		if _, err := s.SaveLeads(ctx, bot, 0, 0, fetchedAt, leads); err != nil {
			t.Fatal(err)
		}
	}
	key := func(i int) string { return LeadKey(testBot, leads[i]) }
	for _, act := range []func() (Change, error){
		func() (Change, error) { return s.SetStarred(ctx, testBot, key(1), true, -1, fetchedAt, "ana") },
		func() (Change, error) { return s.SetStatus(ctx, testBot, key(2), StatusContacted, -1, fetchedAt, "bo") },
		func() (Change, error) { return s.SetSeen(ctx, testBot, key(3), true, -1, fetchedAt, "ana") },
		func() (Change, error) {
			return s.Snooze(ctx, testBot, key(4), fetchedAt.Add(time.Hour), -1, fetchedAt, "cy")
		},
		func() (Change, error) { return s.SetStatus(ctx, testBot, key(5), StatusWon, -1, fetchedAt, "ana") },
	} {
		if _, err := act(); err != nil {
			t.Fatal(err)
		}
	}
	for _, q := range []LeadQuery{{Bot: testBot}, {AllBots: true}, {Bot: testBot, HideSnoozedAt: fetchedAt}, {Bot: testBot, Starred: true}} {
		whole, err := s.Leads(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		q.Limit = 1000
		byRow, err := s.Leads(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		if len(whole) == 0 || !reflect.DeepEqual(whole, byRow) {
			t.Errorf("%+v: read whole\n%+v\nrow by row\n%+v", q, whole, byRow)
		}
	}
}
