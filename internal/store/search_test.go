package store

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/neotui/neotui/api"
)

func TestSearch(t *testing.T) {
	s := openStore(t)
	ctx := context.Background()
	at := func(h int) time.Time { return time.Date(2024, 2, 1, h, 0, 0, 0, time.UTC) }
	sessions := []api.Session{
		{SessionID: 1, CreateTime: at(1), Messages: []api.Message{
			msg(api.RoleAI, "Ciao! Come posso aiutarti?"),
			msg(api.RoleUser, "Vorrei un appuntamento per lunedì, grazie"),
		}},
		{SessionID: 2, CreateTime: at(2), Messages: []api.Message{
			msg(api.RoleUser, "I need an APPOINTMENT on Monday"),
			msg(api.RoleAI, `Sure: use the "book" (or *reserve*) button. AND NEAR: ok? 50% off_peak`),
			msg(api.RoleUser, "Me llamo José, mi número es 600 123 456"),
		}},
		{SessionID: 3, CreateTime: at(3), Messages: []api.Message{
			msg(api.RoleUser, "東京で予約したいです 🙂"),
			msg("System", "visitor left: go home"),
		}},
	}
	if _, err := s.SaveHistory(ctx, testBot, 0, 0, fetchedAt, sessions); err != nil {
		t.Fatal(err)
	}
	indexedOrNot(t, s, func(t *testing.T) { wantSearch(t, s, sessions) })
}

func wantSearch(t *testing.T, s *Store, sessions []api.Session) {
	ctx := context.Background()
	for _, tc := range []struct {
		query string
		want  []string // "session/seq", in order
	}{
		{"appointment", []string{"2/0"}},
		{"APPUNTAMENTO", []string{"1/1"}},
		{"appointment monday", []string{"2/0"}},
		{"appointment tuesday", nil},
		{"mon", []string{"2/0"}},                           // a trigram inside a word, any case
		{"go", []string{"3/1"}},                            // short word: LIKE
		{"me jos", []string{"2/2"}},                        // short and long together
		{"José", []string{"2/2"}},                          // accents
		{"jose", []string{"2/2"}},                          // accents ignored
		{"número", []string{"2/2"}},                        // accents
		{"東京", []string{"3/0"}},                            // two CJK characters: LIKE
		{"予約した", []string{"3/0"}},                          // CJK through the index
		{"🙂", []string{"3/0"}},                             // a lone emoji
		{`"book"`, []string{"2/1"}},                        // quotes are text
		{`*reserve*`, []string{"2/1"}},                     // so are asterisks
		{`(or`, []string{"2/1"}},                           // and parentheses
		{`AND NEAR:`, []string{"2/1"}},                     // and FTS5 operators
		{`"unbalanced`, nil},                               // never a syntax error
		{"appoint\x00ment", []string{"2/0"}},               // nor is a NUL, which nothing shown holds
		{"50%", []string{"2/1"}},                           // through the index
		{"%", []string{"2/1"}},                             // LIKE wildcards are text
		{"_", []string{"2/1"}},                             // so is _
		{`\`, nil},                                         // and the escape character
		{"off_peak", []string{"2/1"}},                      // underscores through the index
		{"  ", nil},                                        // nothing to look for
		{"a", []string{"2/0", "2/1", "2/2", "1/0", "1/1"}}, // newest session first, in order
	} {
		t.Run(tc.query, func(t *testing.T) {
			hits, err := s.Search(ctx, testBot, tc.query, 0)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, h := range hits {
				got = append(got, fmt.Sprintf("%d/%d", h.SessionID, h.Seq))
				if want := sessions[h.SessionID-1].Messages[h.Seq]; h.Type != want.Type || h.Content != want.Content ||
					!h.CreateTime.Equal(sessions[h.SessionID-1].CreateTime) || h.Bot != testBot {
					t.Errorf("hit %+v does not match the stored message", h)
				}
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("Search(%q) = %v, want %v", tc.query, got, tc.want)
			}
		})
	}

	if hits, _ := s.Search(ctx, testBot, "a", 2); len(hits) != 2 {
		t.Errorf("limit 2 returned %d hits", len(hits))
	}
}

// TestSearchStrategiesAgree checks that a search with many matches, which
// walks the sessions, returns what sorting all matches returns.
func TestSearchStrategiesAgree(t *testing.T) {
	s := openStore(t)
	ctx := context.Background()
	var sessions []api.Session
	for i := range denseMatches/4 + 50 {
		sess := api.Session{SessionID: int64(i), CreateTime: time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(i%97) * time.Hour)}
		for j := range 5 {
			sess.Messages = append(sess.Messages, msg(api.RoleUser, fmt.Sprintf("Appointment %d-%d", i, j)))
		}
		sessions = append(sessions, sess)
	}
	if _, err := s.SaveHistory(ctx, testBot, 0, 0, fetchedAt, sessions); err != nil {
		t.Fatal(err)
	}
	indexedOrNot(t, s, func(t *testing.T) { wantStrategiesAgree(t, s, len(sessions)) })
}

func wantStrategiesAgree(t *testing.T, s *Store, sessions int) {
	ctx := context.Background()
	all, err := s.Search(ctx, testBot, "appointment -", 0) // sorts every match
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != sessions*5 {
		t.Fatalf("%d hits, want %d", len(all), sessions*5)
	}
	top, err := s.Search(ctx, testBot, "appointment -", 300) // walks the sessions
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(top) != fmt.Sprint(all[:300]) {
		t.Errorf("the walk found\n%v\nwhere sorting found\n%.1000v", top[:5], all[:5])
	}
}

// TestSearchPagesAddUp: a search read a page at a time finds what it finds
// in one read, in order, whichever way it goes: through the index's sorted
// matches, walking the sessions for a dense word, through the index's terms
// for a short word it holds rarely (beside a dense word too: each message
// asking the index about it, or the set of its matches; on PostgreSQL, the
// conversations search_grams lists for it); and when every
// short word is common, walking for a short one, or reading every message
// for one only old sessions hold.
//
// Also with the messages indexed only in part, some saved since (a search
// then reads them one by one and merges their hits with the index's): what
// is found must not depend on it.
func TestSearchPagesAddUp(t *testing.T) {
	found := map[string]string{} // query → what a read of all its hits found
	for _, rare := range []int{rareTerms, 1} {
		for _, indexed := range []string{"all", "part", "none"} {
			if onPostgres() && indexed != "all" {
				continue // its index keeps itself up to date
			}
			if rare == 1 && indexed == "none" {
				continue // with no index to read, rareTerms decides nothing
			}
			t.Run(fmt.Sprintf("rare below %d, %s indexed", rare, indexed), func(t *testing.T) {
				defer func(n, m int) { rareTerms, pgRareSessions = n, m }(rareTerms, pgRareSessions)
				rareTerms = rare
				if rare == 1 { // on PostgreSQL too, every short word is common
					pgRareSessions = 1
				}
				testSearchPagesAddUp(t, indexed, found)
			})
		}
	}
}

func testSearchPagesAddUp(t *testing.T, indexed string, found map[string]string) {
	s := openStore(t)
	ctx := context.Background()
	var sessions []api.Session
	for i := range probeSessions + 300 {
		sess := api.Session{SessionID: int64(i), CreateTime: time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(i%97) * time.Hour)}
		for j := range 3 {
			text := fmt.Sprintf("Appointment %d-%d", i, j)
			if i%701 == 5 {
				text += " rarissimo q9" // in few, and old, sessions
			}
			if i%1409 == 7 && j == 0 {
				text += " z8" // in fewer still
			}
			if i%50 == 3 && j == 1 {
				text += " k7" // in more, still few
			}
			sess.Messages = append(sess.Messages, msg(api.RoleUser, text))
		}
		sessions = append(sessions, sess)
	}
	// Saved in two halves, odd sessions and even: the index's part and
	// the rest are interleaved in time.
	index := func() {
		if err := s.IndexSearch(ctx, nil); err != nil {
			t.Fatal(err)
		}
	}
	for half := range 2 {
		var some []api.Session
		for i, sess := range sessions {
			if i%2 == half {
				some = append(some, sess)
			}
		}
		if _, err := s.SaveHistory(ctx, testBot, 0, 0, fetchedAt, some); err != nil {
			t.Fatal(err)
		}
		if indexed == "all" || indexed == "part" && half == 0 {
			index()
		}
	}
	for _, tc := range []struct {
		query string
		limit int
	}{{"rarissimo", 5}, {"appointment -", 499}, {"-", 499}, {"q9", 5}, {"appointment q9", 5}, {"appointment z8", 2}, {"appointment k7", 20}} {
		query := tc.query
		t.Run(query, func(t *testing.T) {
			all, err := s.Search(ctx, testBot, query, 0)
			if err != nil || len(all) == 0 {
				t.Fatalf("%d hits, %v", len(all), err)
			}
			var paged []Hit
			after := Cursor{}
			for pages := 0; ; pages++ {
				page, err := s.SearchPage(ctx, testBot, query, after, tc.limit)
				if err != nil {
					t.Fatal(err)
				}
				paged = append(paged, page.Hits...)
				if !page.More || pages > len(all) {
					break
				}
				after = page.Next
			}
			if fmt.Sprint(paged) != fmt.Sprint(all) {
				t.Errorf("pages of %d found %d hits:\n%.300v\none read found %d:\n%.300v", tc.limit, len(paged), paged, len(all), all)
			}
			if before, ok := found[query]; ok && before != fmt.Sprint(all) {
				t.Errorf("with %s of the messages indexed, one read found %d hits:\n%.300v\nwhere it found before:\n%.300v", indexed, len(all), all, before)
			}
			found[query] = fmt.Sprint(all)
		})
	}
}

// hostileSessions hold words only an escape sequence carries: the screen
// never shows them, so search must not find them.
var hostileSessions = []api.Session{
	{SessionID: 1, CreateTime: time.Date(2024, 2, 1, 1, 0, 0, 0, time.UTC), Messages: []api.Message{
		msg(api.RoleUser, "hello\x1b]0;Pwnedtitle\x07 world \x1b]52;c;QZc2VjcmV0\x07"),
		msg(api.RoleAI, "Sure &#27;]0;Retitled&#7; thing"),
	}},
}

// wantHidden checks that search finds the shown words and none of the
// hidden ones, by trigram (3+ letters) and by scan (1–2 letters).
func wantHidden(t *testing.T, s *Store) {
	t.Helper()
	ctx := context.Background()
	for _, q := range []string{"hello world", "thing"} {
		if hits, err := s.Search(ctx, testBot, q, 100); err != nil || len(hits) != 1 {
			t.Errorf("Search(%q) = %d hits, %v; want the message showing it", q, len(hits), err)
		}
	}
	for _, q := range []string{"pwnedtitle", "c2VjcmV0", "QZ", "#27"} {
		if hits, err := s.Search(ctx, testBot, q, 100); err != nil || len(hits) != 0 {
			t.Errorf("Search(%q) = %d hits, %v; want none: the screen shows no such text", q, len(hits), err)
		}
	}
}

func TestSearchFindsOnlyWhatIsShown(t *testing.T) {
	s := openStore(t)
	if _, err := s.SaveHistory(context.Background(), testBot, 0, 0, fetchedAt, hostileSessions); err != nil {
		t.Fatal(err)
	}
	indexedOrNot(t, s, func(t *testing.T) { wantHidden(t, s) })
}

// TestMigrateVersion3Search: a store indexed before migration 4 held the
// raw text; opened now, its index holds what is shown.
func TestMigrateVersion3Search(t *testing.T) {
	sqliteOnly(t, "SQLite's history of migrations; PostgreSQL's starts at today's schema")
	path := filepath.Join(t.TempDir(), "neotui.db")
	db, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range append(migrations[:3:3], "PRAGMA user_version = 3",
		`INSERT INTO sessions (bot, session_id, create_time, create_ns, day, uri, message_count, preview, hash)
			VALUES ('bot-a', 1, '2024-02-01T01:00:00Z', 0, 0, '', 2, '', x'00')`) {
		if _, err := db.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	for i, m := range hostileSessions[0].Messages {
		if _, err := db.Exec(`INSERT INTO messages (bot, session_id, seq, type, content) VALUES ('bot-a', 1, ?, ?, ?)`,
			i, m.Type, m.Content); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := db.Exec(`INSERT INTO messages_fts (rowid, content) SELECT id, content FROM messages`); err != nil {
		t.Fatal(err)
	}
	db.Close()
	s, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	wantHidden(t, s)
	// The index stays in step as conversations change.
	if _, err := s.SaveHistory(context.Background(), testBot, 0, 0, fetchedAt, []api.Session{{SessionID: 1,
		CreateTime: hostileSessions[0].CreateTime, Messages: []api.Message{msg(api.RoleUser, "bye now")}}}); err != nil {
		t.Fatal(err)
	}
	if hits, _ := s.Search(context.Background(), testBot, "hello", 100); len(hits) != 0 {
		t.Errorf("a replaced message is still found")
	}
	if hits, _ := s.Search(context.Background(), testBot, "bye", 100); len(hits) != 1 {
		t.Errorf("the new message is not found")
	}
}

// TestUpgradeOfABigStoreSaysWhy: rebuilding the index of a big store takes
// long; Open says why before it does, and only for a big store.
func TestUpgradeOfABigStoreSaysWhy(t *testing.T) {
	sqliteOnly(t, "SQLite's history of migrations; PostgreSQL's starts at today's schema")
	for _, tc := range []struct {
		messages int
		told     bool
	}{{10, false}, {50_000, true}} {
		path := filepath.Join(t.TempDir(), "neotui.db")
		db, err := sql.Open("sqlite", "file:"+path)
		if err != nil {
			t.Fatal(err)
		}
		for _, q := range append(migrations[:3:3], "PRAGMA user_version = 3",
			`INSERT INTO sessions (bot, session_id, create_time, create_ns, day, uri, message_count, preview, hash)
				VALUES ('bot-a', 1, '2024-02-01T01:00:00Z', 0, 0, '', 0, '', x'00')`,
			fmt.Sprintf(`WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i+1 FROM n WHERE i+1 < %d)
				INSERT INTO messages (bot, session_id, seq, type, content) SELECT 'bot-a', 1, i, 'User', 'hi' FROM n`, tc.messages),
			`INSERT INTO messages_fts (rowid, content) SELECT id, content FROM messages`) {
			if _, err := db.Exec(q); err != nil {
				t.Fatal(err)
			}
		}
		db.Close()
		var notes []string
		s, err := Open(path, OnUpgrade(func(n string) { notes = append(notes, n) }))
		if err != nil {
			t.Fatal(err)
		}
		s.Close()
		if told := len(notes) == 1 && strings.Contains(notes[0], fmt.Sprint(tc.messages)); told != tc.told {
			t.Errorf("%d messages: told %q, want told %v", tc.messages, notes, tc.told)
		}
	}
}
