package store

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/neotui/neotui/api"
)

// sampleSessions covers what a store must keep verbatim: offsets, Unicode,
// a long message, escape sequences, an unknown type, an empty session.
func sampleSessions(t testing.TB) []api.Session {
	return []api.Session{
		{SessionID: 31302, CreateTime: mustTime(t, "2023-11-21T16:22:42.264484Z"), URI: "https://example.it/prenota",
			Messages: []api.Message{
				{Type: api.RoleAI, Content: "Ciao! Come posso aiutarti?"},
				{Type: api.RoleUser, Content: "voglio prenotare un appuntamento, perché è urgente"},
				{Type: api.RoleAI, Content: "Perfetto! Seleziona la data e l'orario che preferisci...\n\n- **lunedì**\n- martedì"},
			}},
		{SessionID: 31305, CreateTime: mustTime(t, "2023-11-23T18:36:21.512302-08:00"), URI: "www.xxx.com",
			Messages: []api.Message{
				{Type: api.RoleAI, Content: "こんにちは 🙂"},
				{Type: "System", Content: "visitor joined from 東京"},
				{Type: api.RoleUser, Content: "\x1b[31mred\x1b]0;owned\x07 \u202eevil\x00 \r\n\ttab &#27;[2J"},
				{Type: api.RoleAI, Content: strings.Repeat("long reply 🦙 ", 3500)}, // ~50 KB
				{Type: api.RoleUser, Content: ""},
			}},
		{SessionID: 31310, CreateTime: mustTime(t, "2023-11-24T09:00:00+05:30"), URI: ""},
	}
}

func sampleLeads(t testing.TB) []api.Lead {
	return []api.Lead{
		{Type: api.TypeLead, Name: "test", Email: "test@qq.com", CreateTime: mustTime(t, "2023-11-23T18:36:21.512302-08:00"),
			Content: "test", SessionID: 31305, URI: "www.xxx.com", Count: 2},
		{Type: api.TypeAppointment, Name: "José 山田 🙂", Email: "jose@example.es", PhoneNumber: "+34 600 000 000",
			CreateTime: mustTime(t, "2023-11-21T19:13:44.054019-08:00"), Content: "Please share anything", SessionID: 31313,
			URI: "www.xxx.com", Count: 2},
		{Type: api.TypeLead, Name: "\x1b]8;;http://evil\x07click\x1b]8;;\x07", CreateTime: mustTime(t, "2023-11-25T00:00:00Z"),
			SessionID: 31320, Count: -1},
	}
}

// sessionText and leadText print every field, times with their offsets, so
// that differences show and time.Location pointers do not matter.
func sessionText(s api.Session) string {
	return fmt.Sprintf("%d %s %q %q", s.SessionID, formatTime(s.CreateTime), s.URI, s.Messages)
}

func leadText(l api.Lead) string {
	return fmt.Sprintf("%q %q %q %q %s %q %d %q %d", l.Type, l.Name, l.Email, l.PhoneNumber,
		formatTime(l.CreateTime), l.Content, l.SessionID, l.URI, l.Count)
}

func summaryText(s SessionSummary) string {
	return fmt.Sprintf("%q %d %s %q %d %q", s.Bot, s.SessionID, formatTime(s.CreateTime), s.URI, s.MessageCount, s.Preview)
}

func msg(typ, content string) api.Message { return api.Message{Type: typ, Content: content} }

func TestSaveHistoryRoundTrip(t *testing.T) {
	s := openStore(t)
	ctx := context.Background()
	want := sampleSessions(t)
	ch, err := s.SaveHistory(ctx, testBot, mustDay(t, "2023-11-21"), mustDay(t, "2023-11-24"), fetchedAt, want)
	if err != nil {
		t.Fatal(err)
	}
	if ch != (Changes{NewSessions: 3, NewMessages: 8}) {
		t.Errorf("changes = %+v", ch)
	}
	for _, w := range want {
		got, err := s.Session(ctx, testBot, w.SessionID)
		if err != nil {
			t.Fatal(err)
		}
		if sessionText(got) != sessionText(w) {
			t.Errorf("session %d:\n got %.300s\nwant %.300s", w.SessionID, sessionText(got), sessionText(w))
		}
		if got.CreateTime.Format(time.RFC3339Nano) != w.CreateTime.Format(time.RFC3339Nano) {
			t.Errorf("session %d: offset lost: %v", w.SessionID, got.CreateTime)
		}
	}

	all, err := s.Transcripts(ctx, SessionQuery{Bot: testBot})
	if err != nil {
		t.Fatal(err)
	}
	order := []int{2, 1, 0} // newest first
	if len(all) != len(order) {
		t.Fatalf("Transcripts returned %d sessions, want %d", len(all), len(order))
	}
	for i, j := range order {
		if sessionText(all[i]) != sessionText(want[j]) {
			t.Errorf("Transcripts[%d] = session %d, want %d intact", i, all[i].SessionID, want[j].SessionID)
		}
	}

	sums, err := s.Sessions(ctx, SessionQuery{Bot: testBot})
	if err != nil {
		t.Fatal(err)
	}
	wantSums := []SessionSummary{
		{Bot: testBot, SessionID: 31310, CreateTime: want[2].CreateTime},
		{Bot: testBot, SessionID: 31305, CreateTime: want[1].CreateTime, URI: "www.xxx.com", MessageCount: 5,
			Preview: want[1].Messages[2].Content},
		{Bot: testBot, SessionID: 31302, CreateTime: want[0].CreateTime, URI: "https://example.it/prenota", MessageCount: 3,
			Preview: want[0].Messages[1].Content},
	}
	if len(sums) != len(wantSums) {
		t.Fatalf("Sessions returned %d summaries, want %d", len(sums), len(wantSums))
	}
	for i := range sums {
		if summaryText(sums[i]) != summaryText(wantSums[i]) {
			t.Errorf("Sessions[%d] =\n%s\nwant\n%s", i, summaryText(sums[i]), summaryText(wantSums[i]))
		}
	}
	checkIntegrity(t, s)
}

func TestPreview(t *testing.T) {
	long := strings.Repeat("a", 199) + "é" + "tail" // é straddles byte 200
	for _, tc := range []struct {
		name string
		msgs []api.Message
		want string
	}{
		{"no messages", nil, ""},
		{"first user message", []api.Message{msg(api.RoleAI, "hello"), msg(api.RoleUser, "hi"), msg(api.RoleUser, "again")}, "hi"},
		{"no user message", []api.Message{msg("System", "note"), msg(api.RoleAI, "hello")}, "note"},
		{"cut on a rune boundary", []api.Message{msg(api.RoleUser, long)}, strings.Repeat("a", 199)},
		{"exactly 200 bytes", []api.Message{msg(api.RoleUser, strings.Repeat("b", 200))}, strings.Repeat("b", 200)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := preview(tc.msgs); got != tc.want {
				t.Errorf("preview = %q, want %q", got, tc.want)
			}
		})
	}
}

func TestSaveLeadsRoundTrip(t *testing.T) {
	s := openStore(t)
	ctx := context.Background()
	want := sampleLeads(t)
	ch, err := s.SaveLeads(ctx, testBot, mustDay(t, "2023-11-20"), mustDay(t, "2023-11-25"), fetchedAt, want)
	if err != nil {
		t.Fatal(err)
	}
	if ch != (Changes{NewLeads: 3}) {
		t.Errorf("changes = %+v", ch)
	}
	got, err := s.Leads(ctx, LeadQuery{Bot: testBot})
	if err != nil {
		t.Fatal(err)
	}
	order := []int{2, 0, 1} // newest first
	if len(got) != len(order) {
		t.Fatalf("got %d leads, want %d", len(got), len(order))
	}
	for i, j := range order {
		if leadText(got[i].Lead) != leadText(want[j]) {
			t.Errorf("lead %d:\n got %s\nwant %s", i, leadText(got[i].Lead), leadText(want[j]))
		}
		if got[i].Key != LeadKey(testBot, want[j]) || got[i].Bot != testBot {
			t.Errorf("lead %d: key %q bot %q, want %q %q", i, got[i].Key, got[i].Bot, LeadKey(testBot, want[j]), testBot)
		}
	}
}

func TestSaveTwiceChangesNothing(t *testing.T) {
	s := openStore(t)
	ctx := context.Background()
	from, to := mustDay(t, "2023-11-20"), mustDay(t, "2023-11-25")
	save := func() Changes {
		var ch Changes
		c, err := s.SaveHistory(ctx, testBot, from, to, fetchedAt, sampleSessions(t))
		if err != nil {
			t.Fatal(err)
		}
		ch.Add(c)
		if c, err = s.SaveLeads(ctx, testBot, from, to, fetchedAt, sampleLeads(t)); err != nil {
			t.Fatal(err)
		}
		ch.Add(c)
		return ch
	}
	if ch := save(); ch.IsZero() {
		t.Fatal("the first save reported no changes")
	}
	before := dump(t, s)
	if ch := save(); !ch.IsZero() {
		t.Errorf("the second save reported %+v, want no changes", ch)
	}
	if after := dump(t, s); after != before {
		t.Errorf("the second save changed the store:\n%s\nvs\n%s", before, after)
	}
}

func TestChangedSession(t *testing.T) {
	base := api.Session{SessionID: 7, CreateTime: time.Date(2024, 5, 1, 10, 0, 0, 0, time.UTC), URI: "u",
		Messages: []api.Message{msg(api.RoleAI, "hello there"), msg(api.RoleUser, "first question"), msg(api.RoleAI, "first answer")}}
	with := func(f func(*api.Session)) api.Session {
		s := base
		s.Messages = append([]api.Message(nil), base.Messages...)
		f(&s)
		return s
	}
	for _, tc := range []struct {
		name    string
		changed api.Session
		want    Changes
	}{
		{"conversation went on", with(func(s *api.Session) {
			s.Messages = append(s.Messages, msg(api.RoleUser, "second question"), msg(api.RoleAI, "second answer"))
		}), Changes{UpdatedSessions: 1, NewMessages: 2}},
		{"middle message edited", with(func(s *api.Session) { s.Messages[1].Content = "edited question" }),
			Changes{UpdatedSessions: 1, NewMessages: 2}},
		{"messages dropped", with(func(s *api.Session) { s.Messages = s.Messages[:1] }),
			Changes{UpdatedSessions: 1}},
		{"uri changed", with(func(s *api.Session) { s.URI = "v" }), Changes{UpdatedSessions: 1}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := openStore(t)
			ctx := context.Background()
			day := api.DayOf(base.CreateTime)
			if _, err := s.SaveHistory(ctx, testBot, day, day, fetchedAt, []api.Session{base}); err != nil {
				t.Fatal(err)
			}
			ch, err := s.SaveHistory(ctx, testBot, day, day, fetchedAt, []api.Session{tc.changed})
			if err != nil {
				t.Fatal(err)
			}
			if ch != tc.want {
				t.Errorf("changes = %+v, want %+v", ch, tc.want)
			}
			got, err := s.Session(ctx, testBot, base.SessionID)
			if err != nil {
				t.Fatal(err)
			}
			if sessionText(got) != sessionText(tc.changed) {
				t.Errorf("stored %s\nwant %s", sessionText(got), sessionText(tc.changed))
			}
			sums, _ := s.Sessions(ctx, SessionQuery{Bot: testBot})
			if len(sums) != 1 || sums[0].MessageCount != len(tc.changed.Messages) || sums[0].URI != tc.changed.URI {
				t.Errorf("summary not updated: %+v", sums)
			}
			checkIntegrity(t, s)
		})
	}
}

func TestChangedLeadKeepsKey(t *testing.T) {
	s := openStore(t)
	ctx := context.Background()
	lead := sampleLeads(t)[0]
	day := api.DayOf(lead.CreateTime)
	if _, err := s.SaveLeads(ctx, testBot, day, day, fetchedAt, []api.Lead{lead}); err != nil {
		t.Fatal(err)
	}
	key := LeadKey(testBot, lead)
	// Triage state is the user's: re-saving leads must never touch it.
	if _, err := s.db.Exec(`INSERT INTO triage (bot, lead_key, status, starred) VALUES (?, ?, 'done', 1)`, testBot, key); err != nil {
		t.Fatal(err)
	}
	if _, err := s.db.Exec(`INSERT INTO notes (bot, lead_key, author, body, created_at, updated_at) VALUES (?, ?, 'ana', 'called', 1, 1)`, testBot, key); err != nil {
		t.Fatal(err)
	}
	triage := func() string {
		d := dump(t, s)
		var keep []string
		for _, line := range strings.Split(d, "\n") {
			if strings.HasPrefix(line, "triage ") || strings.HasPrefix(line, "notes ") {
				keep = append(keep, line)
			}
		}
		return strings.Join(keep, "\n")
	}
	before := triage()

	changed := lead
	changed.Name, changed.Email, changed.Content, changed.Count = "Test Person", "new@example.com", "call me", 3
	ch, err := s.SaveLeads(ctx, testBot, day, day, fetchedAt, []api.Lead{changed})
	if err != nil {
		t.Fatal(err)
	}
	if ch != (Changes{UpdatedLeads: 1}) {
		t.Errorf("changes = %+v, want one updated lead", ch)
	}
	got, err := s.Leads(ctx, LeadQuery{Bot: testBot})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0].Key != key || leadText(got[0].Lead) != leadText(changed) {
		t.Errorf("leads = %+v, want the changed lead under key %s", got, key)
	}
	if after := triage(); after != before || before == "" {
		t.Errorf("triage state changed from\n%s\nto\n%s", before, after)
	}
}

func TestDuplicatesInOneFetch(t *testing.T) {
	s := openStore(t)
	ctx := context.Background()
	sess := sampleSessions(t)[0]
	older := sess
	older.Messages = sess.Messages[:1]
	lead := sampleLeads(t)[0]
	olderLead := lead
	olderLead.Name = "older"
	for range 2 {
		if _, err := s.SaveHistory(ctx, testBot, 1, 1, fetchedAt, []api.Session{older, sess}); err != nil {
			t.Fatal(err)
		}
		if _, err := s.SaveLeads(ctx, testBot, 1, 1, fetchedAt, []api.Lead{olderLead, lead}); err != nil {
			t.Fatal(err)
		}
	}
	ch, err := s.SaveHistory(ctx, testBot, 1, 1, fetchedAt, []api.Session{older, sess})
	if err != nil || !ch.IsZero() {
		t.Errorf("a fetch listing a session twice: %+v, %v; want no changes on the re-save", ch, err)
	}
	got, _ := s.Session(ctx, testBot, sess.SessionID)
	leads, _ := s.Leads(ctx, LeadQuery{Bot: testBot})
	if len(got.Messages) != len(sess.Messages) || len(leads) != 1 || leads[0].Name != lead.Name {
		t.Errorf("the last copy should win: %d messages, leads %+v", len(got.Messages), leads)
	}
}

func TestBotsAreIsolated(t *testing.T) {
	s := openStore(t)
	ctx := context.Background()
	mk := func(text string) []api.Session {
		return []api.Session{{SessionID: 1, CreateTime: fetchedAt, Messages: []api.Message{msg(api.RoleUser, text)}}}
	}
	day := api.DayOf(fetchedAt)
	if _, err := s.SaveHistory(ctx, "bot-a", day, day, fetchedAt, mk("apples from a")); err != nil {
		t.Fatal(err)
	}
	ch, err := s.SaveHistory(ctx, "bot-b", day, day, fetchedAt.Add(time.Hour), mk("bananas from b"))
	if err != nil {
		t.Fatal(err)
	}
	if ch.NewSessions != 1 {
		t.Errorf("the same SessionID in another bot is a new session: %+v", ch)
	}
	lead := api.Lead{Type: api.TypeLead, Name: "x", CreateTime: fetchedAt, SessionID: 1}
	if _, err := s.SaveLeads(ctx, "bot-b", day, day, fetchedAt, []api.Lead{lead}); err != nil {
		t.Fatal(err)
	}
	if LeadKey("bot-a", lead) == LeadKey("bot-b", lead) {
		t.Error("LeadKey ignores the bot")
	}

	a, err := s.Session(ctx, "bot-a", 1)
	if err != nil || a.Messages[0].Content != "apples from a" {
		t.Errorf("bot-a's session 1 = %+v, %v", a, err)
	}
	if hits, _ := s.Search(ctx, "bot-a", "bananas", 0); len(hits) != 0 {
		t.Errorf("bot-a's search found bot-b's messages: %+v", hits)
	}
	if leads, _ := s.Leads(ctx, LeadQuery{Bot: "bot-a"}); len(leads) != 0 {
		t.Errorf("bot-a sees bot-b's leads: %+v", leads)
	}
	if last, _ := s.LastSync(ctx, "bot-a"); !last.Equal(fetchedAt) {
		t.Errorf("bot-a's LastSync = %v, want %v", last, fetchedAt)
	}
	if _, err := s.Session(ctx, "bot-c", 1); !errors.Is(err, ErrNotFound) {
		t.Errorf("an unknown bot's session: err = %v, want ErrNotFound", err)
	}
	if _, err := s.Sessions(ctx, SessionQuery{}); err == nil {
		t.Error("a query without a bot should fail, not mix bots")
	}
}

func TestMarksAndLastSync(t *testing.T) {
	s := openStore(t)
	ctx := context.Background()
	t0, t1, t2 := fetchedAt.Add(-time.Hour), fetchedAt, fetchedAt.Add(time.Hour)
	if last, err := s.LastSync(ctx, testBot); err != nil || !last.IsZero() {
		t.Fatalf("LastSync of a new store = %v, %v; want zero", last, err)
	}
	steps := []struct {
		from, to api.Day
		at       time.Time
	}{
		{10, 12, t1},
		{11, 14, t2},
		{10, 10, t0}, // an older fetch finishing late does not move a mark back
	}
	for _, st := range steps {
		if _, err := s.SaveHistory(ctx, testBot, st.from, st.to, st.at, nil); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.SaveLeads(ctx, testBot, 20, 20, t0, nil); err != nil {
		t.Fatal(err)
	}
	got, err := s.Marks(ctx, testBot, EndpointHistory, 9, 13)
	if err != nil {
		t.Fatal(err)
	}
	want := map[api.Day]time.Time{10: t1, 11: t2, 12: t2, 13: t2}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("history marks = %v, want %v", got, want)
	}
	if got, _ := s.Marks(ctx, testBot, EndpointLeads, 0, 0); fmt.Sprint(got) != fmt.Sprint(map[api.Day]time.Time{20: t0}) {
		t.Errorf("leads marks = %v", got)
	}
	if last, _ := s.LastSync(ctx, testBot); !last.Equal(t2) {
		t.Errorf("LastSync = %v, want %v", last, t2)
	}

	// An undated fetch stores data but cannot vouch for any day.
	if _, err := s.SaveHistory(ctx, "undated", 0, 0, t2, sampleSessions(t)); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.Marks(ctx, "undated", EndpointHistory, 0, 0); len(got) != 0 {
		t.Errorf("an undated fetch left marks %v", got)
	}
	if _, err := s.SaveHistory(ctx, testBot, 5, 4, t2, nil); err == nil {
		t.Error("a backwards window was accepted")
	}
}

func TestFailedSaveLeavesNothing(t *testing.T) {
	failing := func(t *testing.T) *Store {
		s := openStore(t)
		// Fails the save after earlier rows of the same window were written.
		triggers := []string{
			`CREATE TRIGGER fail_message BEFORE INSERT ON messages WHEN new.content = 'boom'
			 BEGIN SELECT RAISE(ABORT, 'forced failure'); END`,
			`CREATE TRIGGER fail_lead BEFORE INSERT ON leads WHEN new.name = 'boom'
			 BEGIN SELECT RAISE(ABORT, 'forced failure'); END`,
		}
		if onPostgres() {
			triggers = []string{
				`CREATE FUNCTION fail() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE 'forced failure'; END $$`,
				`CREATE TRIGGER fail_message BEFORE INSERT ON messages FOR EACH ROW WHEN (new.content = 'boom') EXECUTE FUNCTION fail()`,
				`CREATE TRIGGER fail_lead BEFORE INSERT ON leads FOR EACH ROW WHEN (new.name = 'boom') EXECUTE FUNCTION fail()`,
			}
		}
		for _, q := range triggers {
			if _, err := s.db.Exec(q); err != nil {
				t.Fatal(err)
			}
		}
		return s
	}
	sessions := sampleSessions(t)
	sessions = append(sessions, api.Session{SessionID: 99, CreateTime: fetchedAt, Messages: []api.Message{msg(api.RoleUser, "boom")}})
	leads := append(sampleLeads(t), api.Lead{Name: "boom", CreateTime: fetchedAt})
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()

	for _, tc := range []struct {
		name string
		save func(*Store) error
	}{
		{"history, forced error", func(s *Store) error {
			_, err := s.SaveHistory(context.Background(), testBot, 1, 7, fetchedAt, sessions)
			return err
		}},
		{"leads, forced error", func(s *Store) error {
			_, err := s.SaveLeads(context.Background(), testBot, 1, 7, fetchedAt, leads)
			return err
		}},
		{"history, cancelled", func(s *Store) error {
			_, err := s.SaveHistory(cancelled, testBot, 1, 7, fetchedAt, sampleSessions(t))
			return err
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := failing(t)
			empty := dump(t, s)
			if err := tc.save(s); err == nil {
				t.Fatal("the save succeeded")
			}
			if got := dump(t, s); got != empty {
				t.Errorf("a failed save left rows:\n%.2000s", got)
			}
			if hits, _ := s.Search(context.Background(), testBot, "prenotare", 0); len(hits) != 0 {
				t.Errorf("a failed save left index entries: %+v", hits)
			}
			checkIntegrity(t, s)
		})
	}
}

// TestSaveAcrossMessageBatches: messages go to the store messageBatch to a
// statement, the rest one by one; conversations of every length around a
// batch, and one that grows across a batch, are stored whole and in order.
func TestSaveAcrossMessageBatches(t *testing.T) {
	s := openStore(t)
	ctx := context.Background()
	day := mustDay(t, "2024-05-01")
	conversation := func(id int64, n int) api.Session {
		sess := api.Session{SessionID: id, CreateTime: day.Time().Add(time.Duration(id) * time.Minute), URI: "u"}
		for i := range n {
			sess.Messages = append(sess.Messages, msg(api.RoleUser, fmt.Sprintf("conversation %d message %d: c%dm%d", id, i, id, i)))
		}
		return sess
	}
	var want []api.Session
	total := 0
	for i, n := range []int{1, messageBatch - 1, messageBatch, messageBatch + 1, 2*messageBatch + 3, 0, 2} {
		want = append(want, conversation(int64(i+1), n))
		total += n
	}
	ch, err := s.SaveHistory(ctx, testBot, day, day, fetchedAt, want)
	if err != nil {
		t.Fatal(err)
	}
	if ch != (Changes{NewSessions: len(want), NewMessages: total}) {
		t.Errorf("changes = %+v", ch)
	}
	grown := conversation(2, 2*messageBatch+1) // from messageBatch-1 messages
	if _, err := s.SaveHistory(ctx, testBot, day, day, fetchedAt, []api.Session{grown}); err != nil {
		t.Fatal(err)
	}
	want[1] = grown
	for _, w := range want {
		got, err := s.Session(ctx, testBot, w.SessionID)
		if err != nil {
			t.Fatal(err)
		}
		if sessionText(got) != sessionText(w) {
			t.Errorf("conversation %d of %d messages stored as %d: %.200s", w.SessionID, len(w.Messages), len(got.Messages), sessionText(got))
		}
	}
	hits, err := s.Search(ctx, testBot, fmt.Sprintf("c2m%d", 2*messageBatch), 0)
	if err != nil || len(hits) != 1 {
		t.Errorf("the grown conversation's last message: %d hits, %v", len(hits), err)
	}
	checkIntegrity(t, s)
}
