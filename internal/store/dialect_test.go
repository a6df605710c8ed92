package store

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/neotui/neotui/api"
)

func TestRebind(t *testing.T) {
	for _, tc := range []struct{ query, want string }{
		{`SELECT a FROM t WHERE b = ? AND c = ?`, `SELECT a FROM t WHERE b = $1 AND c = $2`},
		{`WHERE bot = ?1 AND day BETWEEN ?2 AND ?3 OR bot = ?1`, `WHERE bot = $1 AND day BETWEEN $2 AND $3 OR bot = $1`},
		{`?2, ?`, `$2, $3`}, // a bare ? follows the highest number, as in SQLite
		{`LIKE ? ESCAPE '\'`, `LIKE $1 ESCAPE '\'`},
		{`'?' || 'it''s ?' || ?`, `'?' || 'it''s ?' || $1`},
		{`SELECT "odd?name" FROM t WHERE x = ?`, `SELECT "odd?name" FROM t WHERE x = $1`},
		{"-- who? why?\nSELECT ?", "-- who? why?\nSELECT $1"},
		{`no placeholders`, `no placeholders`},
		{`'unterminated ?`, `'unterminated ?`},
	} {
		if got := postgresDialect.rebind(tc.query); got != tc.want {
			t.Errorf("rebind(%q) = %q, want %q", tc.query, got, tc.want)
		}
		if got := sqliteDialect.rebind(tc.query); got != tc.query {
			t.Errorf("SQLite's rebind(%q) = %q, want it unchanged", tc.query, got)
		}
	}
}

func TestEscapeText(t *testing.T) {
	for _, s := range []string{"", "plain", "nul\x00inside", "\x00", "\uffff", "\uffff0", "\uffff\x00\uffff\uffff0", "José 🙂"} {
		e := escapeText(s)
		for _, r := range e {
			if r == 0 {
				t.Errorf("escapeText(%q) = %q still holds a NUL", s, e)
			}
		}
		if back := unescapeText(e); back != s {
			t.Errorf("unescapeText(escapeText(%q)) = %q", s, back)
		}
	}
	if e := escapeText("plain"); e != "plain" {
		t.Errorf("escapeText changed plain text to %q", e)
	}
}

func TestFoldSearch(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"José NÚMERO", "jose numero"},
		{"Ça Marche, Straße", "ca marche, straße"},
		{"ΣΊΣΥΦΟΣ", "σίσυφοσ"},           // not Latin: the case goes, the accent stays
		{"東京で予約したいです 🙂", "東京で予約したいです 🙂"}, // the marks of kana stay
		{"off_peak 50% \\", "off_peak 50% \\"},
	} {
		if got := foldSearch(tc.in); got != tc.want {
			t.Errorf("foldSearch(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// TestTextKeptExactly: whatever a visitor typed comes back as typed,
// NULs and all, on either store (PostgreSQL's text cannot hold a NUL).
func TestTextKeptExactly(t *testing.T) {
	s := openStore(t)
	ctx := context.Background()
	odd := "a\x00b \uffff0 \uffff\uffff c\x00"
	at := mustTime(t, "2024-02-01T10:00:00Z")
	sess := api.Session{SessionID: 1, CreateTime: at, URI: odd, Messages: []api.Message{msg(api.RoleUser, odd), msg(odd, "x")}}
	if _, err := s.SaveHistory(ctx, testBot, 0, 0, fetchedAt, []api.Session{sess}); err != nil {
		t.Fatal(err)
	}
	lead := api.Lead{Type: api.TypeLead, Name: odd, Email: odd, PhoneNumber: odd, Content: odd, URI: odd, SessionID: 1, CreateTime: at}
	if _, err := s.SaveLeads(ctx, testBot, 0, 0, fetchedAt, []api.Lead{lead}); err != nil {
		t.Fatal(err)
	}
	got, err := s.Session(ctx, testBot, 1)
	if err != nil || sessionText(got) != sessionText(sess) {
		t.Errorf("session read back as\n%s, %v\nwant\n%s", sessionText(got), err, sessionText(sess))
	}
	leads, err := s.Leads(ctx, LeadQuery{Bot: testBot})
	if err != nil || len(leads) != 1 || leadText(leads[0].Lead) != leadText(lead) {
		t.Fatalf("leads read back as %+v, %v; want %s", leads, err, leadText(lead))
	}
	// A save of the same session finds it unchanged: nothing rewritten.
	if ch, err := s.SaveHistory(ctx, testBot, 0, 0, fetchedAt, []api.Session{sess}); err != nil || !ch.IsZero() {
		t.Errorf("saving it again changed %+v, %v", ch, err)
	}
	n, err := s.AddNote(ctx, testBot, leads[0].Key, "ana", odd, at)
	if err != nil {
		t.Fatal(err)
	}
	if notes, err := s.Notes(ctx, testBot, n.Key); err != nil || len(notes) != 1 || notes[0].Body != odd {
		t.Errorf("the note reads %+v, %v; want its body as typed", notes, err)
	}
}

// TestPostgresSearchCanUseItsIndex: the trigram index serves the test
// search makes of a word (the folded column, LIKE), so that on a big store
// a rare word is found without reading every message. Which plan wins is
// the planner's, by the table's statistics; here, with reading the table
// ruled out, the index must be the way.
func TestPostgresSearchCanUseItsIndex(t *testing.T) {
	if !onPostgres() {
		t.Skip("PostgreSQL's index: runs with " + backendEnv + "=postgres")
	}
	s := openStore(t)
	ctx := context.Background()
	conn, err := s.db.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, `SET enable_seqscan = off`); err != nil {
		t.Fatal(err)
	}
	var plan strings.Builder
	rows, err := conn.QueryContext(ctx, `EXPLAIN SELECT id FROM messages m WHERE m.folded LIKE ? ESCAPE '\'`, pgLikePattern("Lunedì"))
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var line string
		if err := rows.Scan(&line); err != nil {
			t.Fatal(err)
		}
		plan.WriteString(line + "\n")
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(plan.String(), "Index Scan on messages_search") {
		t.Errorf("the trigram index cannot serve a search's test of a word:\n%s", plan.String())
	}
}

// TestOpenAtOnce: neotui processes opening one new store at once all open
// it, and it is migrated once.
func TestOpenAtOnce(t *testing.T) {
	at := newStoreAt(t)
	stores := make([]*Store, 4)
	errs := make([]error, len(stores))
	var wg sync.WaitGroup
	for i := range stores {
		wg.Go(func() { stores[i], errs[i] = Open(at) })
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("open %d: %v", i, err)
		}
		defer stores[i].Close()
	}
	// Each works on what the others wrote.
	key := saveTestLeads(t, stores[0], testBot, 1)[0]
	for i, s := range stores {
		if _, err := s.SetStarred(context.Background(), testBot, key, i%2 == 0, -1, actAt, "ana"); err != nil {
			t.Errorf("store %d: %v", i, err)
		}
	}
}

// TestHoldsFoldedAsFoldSearch: the byte-by-byte comparison of an ASCII
// text finds what folding a copy of it finds, for words of every kind.
func TestHoldsFoldedAsFoldSearch(t *testing.T) {
	texts := []string{"", "Hello World", "MERCOLEDÌ alle 10", "José", "ſtraße", "\u212a kelvin", "abc", "ABC", "a_b%c", "Appointment 12-3"}
	words := []string{"", "hello", "world", "o w", "mercoledi", "jose", "s", "k", "kelvin", "abc", "abcd", "_b%", "é", "ppointment 1", "12-3"}
	for _, text := range texts {
		for _, w := range words {
			fw := foldSearch(w)
			want := strings.Contains(foldSearch(text), fw)
			if got := holdsFolded(text, []string{fw}); got != want {
				t.Errorf("holdsFolded(%q, %q) = %v, want %v", text, fw, got, want)
			}
		}
	}
}

// TestPostgresIndexSearchAnalyzes: after a sync saves many messages, the
// IndexSearch it ends with gives PostgreSQL's planner their statistics, so
// that the next search plans by them rather than by guesses (which take a
// common word for rare and read all of its messages).
func TestPostgresIndexSearchAnalyzes(t *testing.T) {
	if !onPostgres() {
		t.Skip("PostgreSQL's statistics: runs with " + backendEnv + "=postgres")
	}
	s := openStore(t)
	ctx := context.Background()
	at := mustTime(t, "2024-02-01T10:00:00Z")
	var sessions []api.Session
	for i := range 300 {
		sess := api.Session{SessionID: int64(i + 1), CreateTime: at.Add(time.Duration(i) * time.Minute)}
		for j := range 10 {
			sess.Messages = append(sess.Messages, msg(api.RoleUser, fmt.Sprintf("message %d of %d", j, i)))
		}
		sessions = append(sessions, sess)
	}
	if _, err := s.SaveHistory(ctx, testBot, 0, 0, fetchedAt, sessions); err != nil {
		t.Fatal(err)
	}
	// The server counts a transaction's rows within a second or so of it.
	var changed int
	for deadline := time.Now().Add(20 * time.Second); changed < 3000 && time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		if err := s.db.QueryRow(`SELECT n_mod_since_analyze FROM pg_stat_user_tables WHERE relid = to_regclass('messages')`).Scan(&changed); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.IndexSearch(ctx, nil); err != nil {
		t.Fatal(err)
	}
	var columns int
	if err := s.db.QueryRow(`SELECT count(*) FROM pg_stats WHERE tablename = 'messages' AND attname = 'folded'`).Scan(&columns); err != nil {
		t.Fatal(err)
	}
	if columns == 0 {
		t.Errorf("no statistics of the messages after IndexSearch (%d rows changed since the last analyze)", changed)
	}
}
