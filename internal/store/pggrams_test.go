package store

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/neotui/neotui/api"
)

func TestGramSet(t *testing.T) {
	defer func(n int) { pgRareSessions = n }(pgRareSessions)
	pgRareSessions = 2
	g := newGramSet()
	g.holders(gram{'q', noRune}).common = true // as pgGramSet reads them
	g.holders(gram{'東', noRune}).common = true
	g.add(7, "ab a\x00")
	g.add(7, "b東")  // the same session again: listed once
	g.add(8, "zz")  // ab is not in it
	g.add(9, "zz")  //
	g.add(10, "zz") // a third session: past pgRareSessions
	grams, holders := g.rows()
	got := map[string]string{}
	for i, gram := range grams {
		got[gram] = holders[i]
	}
	want := map[string]string{
		"a": "{7}", "b": "{7}", "ab": "{7}", escapeText("\x00"): "{7}", escapeText("a\x00"): "{7}",
		"東": "", "b東": "{7}", // 東 common already, q in none of them
		"z": "", "zz": "", // common
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("grams = %v\nwant    %v", got, want)
	}
	if !slices.IsSorted(grams) {
		t.Errorf("grams not sorted: %q", grams)
	}
}

// TestShortWordsFollowSaves: a word of one or two characters is found, or
// not, as the messages saved hold it right after each save: a word in no
// message, then in one, then in none again once its message is replaced,
// and in more conversations than a rare word's (on PostgreSQL, what
// search_grams notes of it at each step).
func TestShortWordsFollowSaves(t *testing.T) {
	defer func(n int) { pgRareSessions = n }(pgRareSessions)
	pgRareSessions = 3
	s := openStore(t)
	ctx := context.Background()
	at := func(h int) time.Time { return time.Date(2024, 2, 1, h, 0, 0, 0, time.UTC) }
	save := func(sessions ...api.Session) {
		t.Helper()
		if _, err := s.SaveHistory(ctx, testBot, 0, 0, fetchedAt, sessions); err != nil {
			t.Fatal(err)
		}
	}
	want := func(query string, hits ...string) {
		t.Helper()
		wantHits(t, s, query, hits...)
	}
	save(api.Session{SessionID: 1, CreateTime: at(1), Messages: []api.Message{msg(api.RoleUser, "hello there")}})
	want("qx")
	want("ll", "1/0")
	want("qx hello")

	save(api.Session{SessionID: 2, CreateTime: at(2), Messages: []api.Message{
		msg(api.RoleUser, "where is qx?"), msg(api.RoleAI, "qx marks the spot")}})
	want("qx", "2/0", "2/1")
	want("qx marks", "2/1")
	want("? qx", "2/0")

	// Its messages replaced from the second on: qx only in the first.
	save(api.Session{SessionID: 2, CreateTime: at(2), Messages: []api.Message{
		msg(api.RoleUser, "where is qx?"), msg(api.RoleAI, "no more"), msg(api.RoleUser, "ok")}})
	want("qx", "2/0")
	want("mo", "2/1")
	want("qx ok")
	// And from the first on.
	save(api.Session{SessionID: 2, CreateTime: at(2), Messages: []api.Message{msg(api.RoleUser, "gone")}})
	want("qx")
	want("?")

	// zz in more conversations than a rare word, over two saves: common
	// after the second.
	var more []api.Session
	for i := range 4 {
		more = append(more, api.Session{SessionID: int64(10 + i), CreateTime: at(10 + i), Messages: []api.Message{
			msg(api.RoleUser, fmt.Sprintf("zz %d", i))}})
	}
	save(more[:2]...)
	want("zz", "11/0", "10/0")
	save(more[2:]...)
	want("zz", "13/0", "12/0", "11/0", "10/0")
	want("zz 2", "12/0")
	want("zz qx")
}

// wantHits checks that query finds the messages hits ("session/seq"), in
// order.
func wantHits(t *testing.T, s *Store, query string, hits ...string) {
	t.Helper()
	found, err := s.Search(context.Background(), testBot, query, 0)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, h := range found {
		got = append(got, fmt.Sprintf("%d/%d", h.SessionID, h.Seq))
	}
	if !slices.Equal(got, hits) {
		t.Errorf("Search(%q) = %v, want %v", query, got, hits)
	}
}

// TestMigrateGrams: a PostgreSQL store of schema version 4 (before
// search_grams) finds its short words once opened by this neotui.
func TestMigrateGrams(t *testing.T) {
	if !onPostgres() {
		t.Skip("search_grams is PostgreSQL's")
	}
	at := newStoreAt(t)
	s, err := Open(at)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	sessions := []api.Session{
		{SessionID: 1, CreateTime: fetchedAt, Messages: []api.Message{msg(api.RoleUser, "where is qx?"), msg(api.RoleAI, "here")}},
		{SessionID: 2, CreateTime: fetchedAt.Add(time.Hour), Messages: []api.Message{msg(api.RoleUser, "qx again")}},
	}
	if _, err := s.SaveHistory(ctx, testBot, 0, 0, fetchedAt, sessions); err != nil {
		t.Fatal(err)
	}
	if _, err := s.db.Exec(`
		DROP TRIGGER messages_grams_noted ON messages; DROP FUNCTION messages_grams_noted();
		DROP TABLE search_grams, search_grams_stale; UPDATE neotui_schema SET version = 4`); err != nil {
		t.Fatal(err)
	}
	s.Close()
	s = mustOpen(t, at)
	wantHits(t, s, "qx", "2/0", "1/0")
	wantHits(t, s, "is", "1/0")
	wantHits(t, s, "re", "1/0", "1/1")
	wantHits(t, s, "zq")
}

// TestOlderWriterLeavesGramsStale: messages inserted by a neotui that knows
// no search_grams (as on a server not upgraded yet) are found all the same,
// and once IndexSearch has noted their grams, through search_grams again.
func TestOlderWriterLeavesGramsStale(t *testing.T) {
	if !onPostgres() {
		t.Skip("search_grams is PostgreSQL's")
	}
	s := openStore(t)
	ctx := context.Background()
	if _, err := s.SaveHistory(ctx, testBot, 0, 0, fetchedAt, []api.Session{
		{SessionID: 1, CreateTime: fetchedAt, Messages: []api.Message{msg(api.RoleUser, "hello")}}}); err != nil {
		t.Fatal(err)
	}
	stale := func() (n int) {
		t.Helper()
		if err := s.db.QueryRow(`SELECT count(*) FROM search_grams_stale`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	if n := stale(); n != 0 {
		t.Fatalf("a save marked search_grams stale")
	}
	// As the neotui before search_grams inserts a message.
	if _, err := s.db.Exec(`INSERT INTO messages (bot, session_id, seq, type, content, folded)
		VALUES (?, 1, 1, ?, 'qx marks it', 'qx marks it')`, testBot, api.RoleAI); err != nil {
		t.Fatal(err)
	}
	if n := stale(); n != 1 {
		t.Fatalf("a message inserted without its grams left search_grams_stale with %d rows, want 1", n)
	}
	wantHits(t, s, "qx", "1/1")
	if err := s.IndexSearch(ctx, nil); err != nil {
		t.Fatal(err)
	}
	if n := stale(); n != 0 {
		t.Fatalf("IndexSearch left search_grams stale")
	}
	var holders string
	if err := s.db.QueryRow(`SELECT holders::text FROM search_grams WHERE bot = ? AND gram = 'qx'`, testBot).Scan(&holders); err != nil || holders != "{1}" {
		t.Errorf("qx's holders are %q, %v; want {1}", holders, err)
	}
	wantHits(t, s, "qx", "1/1")
	wantHits(t, s, "zq")
}
