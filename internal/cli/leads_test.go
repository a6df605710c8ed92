package cli

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/neotui/neotui/api"
	"github.com/neotui/neotui/api/apitest"
	"github.com/neotui/neotui/internal/store"
)

func TestLeadsTableJSONCSV(t *testing.T) {
	c := newCLI(t, apitest.Options{})
	today := api.DayOf(time.Now())
	want := c.bot.Leads(today-6, today) // 7d: today and the 6 days before

	table := c.mustRun("leads", "--since", "7d")
	if !strings.HasPrefix(table.stdout, "WHEN") || strings.Count(table.stdout, "\n") != len(want)+1 {
		t.Errorf("table of %d leads:\n%s", len(want), table.stdout)
	}
	if table.stderr != "" { // not a terminal: no progress line
		t.Errorf("stderr: %q", table.stderr)
	}
	noEscapes(t, table.stdout)

	js := c.mustRun("leads", "--since", "7d", "--format", "json", "--offline")
	var got []map[string]any
	if err := json.Unmarshal([]byte(js.stdout), &got); err != nil {
		t.Fatalf("json: %v\n%s", err, js.stdout)
	}
	if len(got) != len(want) {
		t.Fatalf("%d JSON records, want %d", len(got), len(want))
	}
	for _, field := range []string{"Type", "Name", "Email", "PhoneNumber", "CreateTime", "Content", "SessionID", "URI", "Count"} {
		if _, ok := got[0][field]; !ok {
			t.Errorf("JSON record lacks the API's field %s: %v", field, got[0])
		}
	}
	noEscapes(t, js.stdout)
	var typed []api.Lead
	if err := json.Unmarshal([]byte(js.stdout), &typed); err != nil {
		t.Fatal(err)
	}
	for i := range typed { // newest first, and the visitor's text intact
		if i > 0 && typed[i].CreateTime.After(typed[i-1].CreateTime) {
			t.Errorf("not newest first at %d", i)
		}
	}

	cs := c.mustRun("leads", "--since", "7d", "--format", "csv", "--offline")
	rows, err := csv.NewReader(strings.NewReader(cs.stdout)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != len(want)+1 || strings.Join(rows[0], ",") != "Type,Name,Email,PhoneNumber,CreateTime,Content,SessionID,URI,Count,Status,Starred,SnoozedUntil,Seen,Notes" {
		t.Errorf("csv header %v, %d rows", rows[0], len(rows))
	}
	noEscapes(t, cs.stdout)

	appts := c.mustRun("leads", "--since", "7d", "--type", "appointment", "--format", "json", "--offline")
	var onlyAppts []api.Lead
	json.Unmarshal([]byte(appts.stdout), &onlyAppts)
	for _, l := range onlyAppts {
		if l.Type != api.TypeAppointment {
			t.Errorf("--type appointment printed a %s", l.Type)
		}
	}
}

func TestCSVNeutralizesFormulas(t *testing.T) {
	c := newCLI(t, apitest.Options{})
	c.bot.AddLead(api.Lead{Type: api.TypeLead, Name: "\x1b[0m=HYPERLINK(\"http://evil\")", Email: "\u202e@SUM(A1)",
		PhoneNumber: "+1 555 0100", CreateTime: time.Now().Add(-time.Hour), Content: "  -2+3", SessionID: 999999})
	r := c.mustRun("leads", "--since", "24h", "--session", "999999", "--format", "csv")
	rows, err := csv.NewReader(strings.NewReader(r.stdout)).ReadAll()
	if err != nil || len(rows) != 2 {
		t.Fatalf("csv: %v %v", err, rows)
	}
	for _, cell := range []string{rows[1][1], rows[1][2], rows[1][3], rows[1][5]} {
		if !strings.HasPrefix(cell, "'") {
			t.Errorf("cell %q is not neutralized", cell)
		}
	}
}

func TestLeadsSyncOnlyLeads(t *testing.T) {
	c := newCLI(t, apitest.Options{})
	c.mustRun("leads", "--since", "90d")
	for _, r := range c.srv.Requests() {
		if r.Endpoint != apitest.LeadList {
			t.Errorf("leads made a %s request: printing leads needs only LeadList", r.Endpoint)
		}
	}
}

func TestLeadsOfAnOldConversation(t *testing.T) {
	c := newCLI(t, apitest.Options{})
	c.mustRun("sync", "--since", "50d")
	old := c.bot.Leads(api.DayOf(time.Now())-50, api.DayOf(time.Now())-40)
	if len(old) == 0 {
		t.Fatal("no old lead to look for")
	}
	r := c.mustRun("leads", "--session", fmt.Sprint(old[0].SessionID), "--format", "json")
	var got []api.Lead
	if err := json.Unmarshal([]byte(r.stdout), &got); err != nil || len(got) == 0 {
		t.Errorf("leads --session %d: %v %s", old[0].SessionID, err, r.stdout)
	}
}

// triage opens the store the CLI uses and applies triage to the leads of
// the given sessions, as an operator in the browser would.
func (c *cli) triage(apply func(ctx context.Context, st *store.Store, lead func(session int64) store.Lead)) {
	c.t.Helper()
	st, err := store.Open(c.storePath())
	if err != nil {
		c.t.Fatal(err)
	}
	defer st.Close()
	ctx := context.Background()
	leads, err := st.Leads(ctx, store.LeadQuery{Bot: serial})
	if err != nil {
		c.t.Fatal(err)
	}
	apply(ctx, st, func(session int64) store.Lead {
		for _, l := range leads {
			if l.SessionID == session {
				return l
			}
		}
		c.t.Fatalf("no stored lead of session %d", session)
		return store.Lead{}
	})
}

func TestLeadsTriage(t *testing.T) {
	c := newCLI(t, apitest.Options{})
	c.mustRun("sync", "--since", "7d")
	today := api.DayOf(time.Now())
	all := c.bot.Leads(today-6, today)
	if len(all) < 4 {
		t.Fatalf("only %d leads to triage", len(all))
	}
	a, b, seen := all[0], all[2], all[3]
	at := time.Date(2026, 3, 1, 14, 5, 0, 0, time.UTC)
	snooze := time.Now().Add(72 * time.Hour).UTC().Truncate(time.Second)
	c.triage(func(ctx context.Context, st *store.Store, lead func(int64) store.Lead) {
		must := func(_ any, err error) {
			t.Helper()
			if err != nil {
				t.Fatal(err)
			}
		}
		la, lb := lead(a.SessionID), lead(b.SessionID)
		must(st.SetStatus(ctx, serial, la.Key, store.StatusContacted, -1, at, "ana"))
		must(st.SetStarred(ctx, serial, la.Key, true, -1, at, "ana"))
		must(st.Snooze(ctx, serial, la.Key, snooze, -1, at, "ana"))
		must(st.AddNote(ctx, serial, la.Key, "ana", "called, no answer", at))
		must(st.AddNote(ctx, serial, la.Key, "bo", "=sent the quote\n\x1b[31mred", at.Add(time.Hour)))
		must(st.SetStatus(ctx, serial, lb.Key, store.StatusContacted, -1, at, "bo"))
		must(st.SetSeen(ctx, serial, lead(seen.SessionID).Key, true, -1, at, "bo"))
	})

	// JSON: only the two contacted leads, their triage and notes.
	r := c.mustRun("leads", "--since", "7d", "--offline", "--status", "contacted", "--format", "json")
	noEscapes(t, r.stdout)
	var got []leadRecord
	if err := json.Unmarshal([]byte(r.stdout), &got); err != nil {
		t.Fatalf("json: %v\n%s", err, r.stdout)
	}
	if len(got) != 2 || got[0].SessionID != a.SessionID || got[1].SessionID != b.SessionID {
		t.Fatalf("--status contacted printed %d leads: %+v", len(got), got)
	}
	ga, gb := got[0], got[1]
	if ga.Name != a.Name || ga.Email != a.Email || !ga.CreateTime.Equal(a.CreateTime) || ga.Content != a.Content {
		t.Errorf("the API's fields changed: %+v, want %+v", ga.Lead, a)
	}
	if ga.Status != "contacted" || !ga.Starred || ga.Seen || ga.SnoozedUntil == nil || !ga.SnoozedUntil.Equal(snooze) {
		t.Errorf("first lead's triage: %+v", ga)
	}
	if len(ga.Notes) != 2 || ga.Notes[0].Author != "ana" || ga.Notes[0].Body != "called, no answer" || !ga.Notes[0].CreatedAt.Equal(at) ||
		ga.Notes[1].Author != "bo" || ga.Notes[1].Body != "=sent the quote\n\x1b[31mred" {
		t.Errorf("first lead's notes: %+v", ga.Notes)
	}
	if gb.Status != "contacted" || gb.Starred || gb.SnoozedUntil != nil || len(gb.Notes) != 0 {
		t.Errorf("second lead's triage: %+v", gb)
	}

	// CSV: the same, in columns; the note cleaned and in one cell.
	r = c.mustRun("leads", "--since", "7d", "--offline", "--status", "contacted", "--format", "csv")
	noEscapes(t, r.stdout)
	rows, err := csv.NewReader(strings.NewReader(r.stdout)).ReadAll()
	if err != nil || len(rows) != 3 {
		t.Fatalf("csv: %v, %d rows", err, len(rows))
	}
	col := map[string]int{}
	for i, h := range rows[0] {
		col[h] = i
	}
	first := rows[1]
	if first[col["SessionID"]] != fmt.Sprint(a.SessionID) || first[col["Status"]] != "contacted" || first[col["Starred"]] != "true" ||
		first[col["Seen"]] != "false" || first[col["SnoozedUntil"]] != snooze.Format(time.RFC3339) {
		t.Errorf("csv row %q", first)
	}
	if n := first[col["Notes"]]; n != "2026-03-01 14:05 ana: called, no answer\n2026-03-01 15:05 bo: =sent the quote\n  red" {
		t.Errorf("csv notes %q", n)
	}
	if rows[2][col["Notes"]] != "" || rows[2][col["Starred"]] != "false" {
		t.Errorf("second csv row %q", rows[2])
	}

	// --starred, --unseen, --status new.
	starred := c.mustRun("leads", "--since", "7d", "--offline", "--starred", "--format", "json").stdout
	if err := json.Unmarshal([]byte(starred), &got); err != nil || len(got) != 1 || got[0].SessionID != a.SessionID {
		t.Errorf("--starred: %v %+v", err, got)
	}
	unseen := c.mustRun("leads", "--since", "7d", "--offline", "--unseen", "--format", "json").stdout
	if err := json.Unmarshal([]byte(unseen), &got); err != nil || len(got) != len(all)-1 {
		t.Errorf("--unseen: %v, %d leads of %d", err, len(got), len(all))
	}
	for _, l := range got {
		if l.Seen || l.SessionID == seen.SessionID {
			t.Errorf("--unseen printed a seen lead: %+v", l)
		}
	}
	fresh := c.mustRun("leads", "--since", "7d", "--offline", "--status", "NEW", "--format", "json").stdout
	if err := json.Unmarshal([]byte(fresh), &got); err != nil || len(got) != len(all)-2 {
		t.Errorf("--status new: %v, %d leads of %d", err, len(got), len(all))
	}

	// The table: a STATUS column and a star, now that some lead has them.
	c.env["COLUMNS"] = "200"
	table := c.mustRun("leads", "--since", "7d", "--offline").stdout
	lines := strings.Split(table, "\n")
	if !strings.Contains(lines[0], "STATUS") {
		t.Errorf("no STATUS column:\n%s", table)
	}
	if !strings.HasPrefix(lines[1], "★ ") || !strings.Contains(lines[1], "contacted") || strings.Count(table, "★") != 1 {
		t.Errorf("the starred, contacted lead is not marked:\n%s", table)
	}
}

// TestTriageSurvivesResync: a lead Neoagent sends again, changed, is
// updated in place; its status, star and notes stay.
func TestTriageSurvivesResync(t *testing.T) {
	c := newCLI(t, apitest.Options{})
	lead := api.Lead{Type: api.TypeLead, Name: "Ana Rossi", Email: "ana@example.it", PhoneNumber: "06 123",
		CreateTime: time.Now().Add(-time.Hour).UTC().Truncate(time.Millisecond), Content: "a quote, please", SessionID: 888001, Count: 1}
	c.bot.AddLead(lead)
	c.mustRun("sync", "--since", "7d")
	c.triage(func(ctx context.Context, st *store.Store, find func(int64) store.Lead) {
		key := find(lead.SessionID).Key
		if _, err := st.SetStatus(ctx, serial, key, store.StatusQualified, -1, time.Now(), "ana"); err != nil {
			t.Fatal(err)
		}
		if _, err := st.SetStarred(ctx, serial, key, true, -1, time.Now(), "ana"); err != nil {
			t.Fatal(err)
		}
		if _, err := st.AddNote(ctx, serial, key, "ana", "budget 5k", time.Now()); err != nil {
			t.Fatal(err)
		}
	})
	before := c.mustRun("leads", "--since", "7d", "--offline", "--status", "qualified", "--format", "json").stdout

	changed := lead
	changed.Content, changed.Count = "a quote, please — and a call back", 2
	c.bot.AddLead(changed) // the same lead (session, time), sent again with more
	c.mustRun("sync", "--since", "7d")
	c.mustRun("sync", "--since", "7d")

	r := c.mustRun("leads", "--since", "7d", "--offline", "--status", "qualified", "--format", "json")
	var got []leadRecord
	if err := json.Unmarshal([]byte(r.stdout), &got); err != nil || len(got) != 1 {
		t.Fatalf("after re-sync: %v\nbefore:\n%s\nafter:\n%s", err, before, r.stdout)
	}
	g := got[0]
	if g.Content != changed.Content || g.Count != 2 {
		t.Errorf("the lead was not updated: %+v", g.Lead)
	}
	if g.Status != "qualified" || !g.Starred || len(g.Notes) != 1 || g.Notes[0].Body != "budget 5k" {
		t.Errorf("the triage did not survive the re-sync: %+v", g)
	}
}

func TestBadStatusListsTheStatuses(t *testing.T) {
	c := newCLI(t, apitest.Options{})
	c.run("leads", "--status", "done").failsWith(t, 2, `--status "done"`, "new, contacted, qualified, booked, won, lost, spam")
	if len(c.srv.Requests()) != 0 {
		t.Errorf("a bad --status made %d requests", len(c.srv.Requests()))
	}
}

// TestTimesInTheUsersZone: the table shows times in time_zone, else in the
// local zone, whatever offset Neoagent wrote; JSON keeps Neoagent's own
// time string; CSV writes UTC, marked Z, the same for every user.
func TestTimesInTheUsersZone(t *testing.T) {
	c := newCLI(t, apitest.Options{})
	pacific := time.FixedZone("", -8*3600) // as Neoagent writes leads
	created := time.Now().Add(-2 * time.Hour).Truncate(time.Second).In(pacific)
	c.bot.AddLead(api.Lead{Type: api.TypeLead, Name: "Zoe Zone", Email: "zoe@example.com", CreateTime: created,
		Content: "hi", SessionID: 999777})
	c.mustRun("sync", "--since", "24h")
	leads := []string{"leads", "--since", "24h", "--session", "999777", "--offline"}

	for _, tt := range []struct{ tz, timeZone, shown string }{
		{"UTC", "", "UTC"},
		{"America/New_York", "", "America/New_York"},
		{"UTC", "Asia/Tokyo", "Asia/Tokyo"},
	} {
		loc, err := time.LoadLocation(tt.shown)
		if err != nil {
			t.Skipf("no time zone data: %v", err)
		}
		c.env["TZ"] = tt.tz
		config := "rate_limit: 100000\n"
		if tt.timeZone != "" {
			config += "time_zone: " + tt.timeZone + "\n"
		}
		c.writeConfig(config, 0o600)
		if table := c.mustRun(leads...).stdout; !strings.Contains(table, created.In(loc).Format("2006-01-02 15:04")) {
			t.Errorf("TZ=%s, time_zone %q: the table does not show the lead at %v:\n%s", tt.tz, tt.timeZone, created.In(loc), table)
		}
	}

	js := c.mustRun(append(leads, "--format", "json")...).stdout
	if !strings.Contains(js, `"CreateTime": "`+created.Format(time.RFC3339Nano)+`"`) {
		t.Errorf("JSON does not keep Neoagent's time %s:\n%s", created.Format(time.RFC3339Nano), js)
	}
	rows, err := csv.NewReader(strings.NewReader(c.mustRun(append(leads, "--format", "csv")...).stdout)).ReadAll()
	if err != nil || len(rows) != 2 {
		t.Fatalf("csv: %v %v", err, rows)
	}
	if got, want := rows[1][4], created.UTC().Format(time.RFC3339Nano); got != want {
		t.Errorf("CSV CreateTime %q, want UTC %q", got, want)
	}
}
