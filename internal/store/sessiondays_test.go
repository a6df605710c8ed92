package store

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/neotui/neotui/api"
)

// TestSessionDaysFollowEveryWrite: the whole Conversations list, read from
// the days kept ready, is the list read row by row after every kind of
// write: a save, a changed conversation, a lead, a write that does not
// refresh the days (an older neotui's, a hand's), and a copy.
func TestSessionDaysFollowEveryWrite(t *testing.T) {
	sqliteOnly(t, "PostgreSQL reads its lists row by row")
	s := openStore(t)
	ctx := context.Background()
	var sessions []api.Session
	for i := range 12 {
		sess := api.Session{SessionID: int64(100 + i), CreateTime: time.Date(2024, 2, 1+i%3, i, 0, 0, 0, time.UTC),
			URI: fmt.Sprintf("https://shop.example/%d", i%4)}
		for j := range 1 + i%3 {
			sess.Messages = append(sess.Messages, msg(api.RoleUser, fmt.Sprintf("question %d of %d", j, i)))
		}
		sessions = append(sessions, sess)
	}
	// Two of one day at one instant, on other pages: each text of the day
	// must list them in one order.
	sessions[10].CreateTime = sessions[1].CreateTime
	save := func(sessions ...api.Session) {
		t.Helper()
		if _, err := s.SaveHistory(ctx, testBot, 0, 0, fetchedAt, sessions); err != nil {
			t.Fatal(err)
		}
	}
	save(sessions...)
	wantDaysAsRows(t, s, "after a save")

	changed := sessions[4]
	changed.Messages = append([]api.Message{msg(api.RoleUser, "a new first question")}, changed.Messages...)
	save(changed)
	wantDaysAsRows(t, s, "after a conversation changed")

	if _, err := s.SaveLeads(ctx, testBot, 0, 0, fetchedAt, []api.Lead{{Type: api.TypeLead, Name: "Ana",
		SessionID: sessions[7].SessionID, CreateTime: sessions[7].CreateTime}}); err != nil {
		t.Fatal(err)
	}
	wantDaysAsRows(t, s, "after a lead")

	if _, err := s.db.Exec(`UPDATE sessions SET preview = 'changed by hand' WHERE session_id = 101`); err != nil {
		t.Fatal(err)
	}
	if _, err := s.db.Exec(`INSERT INTO sessions (bot, session_id, create_time, create_ns, day, uri, message_count, preview, hash)
		SELECT bot, 999, create_time, create_ns + 864000000000000, day + 10, uri, 1, 'added by hand', hash FROM sessions WHERE session_id = 100`); err != nil {
		t.Fatal(err)
	}
	if stale(t, s) == 0 {
		t.Fatal("writes that do not refresh the days left none stale")
	}
	rows := wantDaysAsRows(t, s, "after writes that did not refresh the days")
	if rows[0].Preview != "added by hand" {
		t.Errorf("the newest row is %+v, want the one added by hand", rows[0])
	}

	dst, err := Open(filepath.Join(t.TempDir(), "copy.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer dst.Close()
	if _, err := Copy(ctx, dst, s, func(CopyProgress) {}); err != nil {
		t.Fatal(err)
	}
	if copied := wantDaysAsRows(t, dst, "in a copy"); !reflect.DeepEqual(copied, rows) {
		t.Errorf("the copy's list differs from the store's")
	}

	if _, err := s.db.Exec(`DELETE FROM sessions WHERE session_id = 999`); err != nil {
		t.Fatal(err)
	}
	save(sessions[0])
	if rows := wantDaysReady(t, s, "after a save"); len(rows) != len(sessions) {
		t.Errorf("%d rows once the one added by hand is gone, want %d", len(rows), len(sessions))
	}
}

// TestSessionDaysMigrate: a store from before the days were kept (schema
// 15) has every day of its sessions ready once opened.
func TestSessionDaysMigrate(t *testing.T) {
	sqliteOnly(t, "a SQLite migration")
	path := filepath.Join(t.TempDir(), "neotui.db")
	s, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	var sessions []api.Session
	for i := range 5 {
		sessions = append(sessions, api.Session{SessionID: int64(i + 1), CreateTime: time.Date(2024, 5, 1+i, 9, 0, 0, 0, time.UTC),
			URI: "https://shop.example/", Messages: []api.Message{msg(api.RoleUser, fmt.Sprint("hello ", i))}})
	}
	if _, err := s.SaveHistory(context.Background(), testBot, 0, 0, fetchedAt, sessions); err != nil {
		t.Fatal(err)
	}
	s.Close()
	toSchema15(t, path, "")
	if s, err = Open(path); err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if rows := wantDaysReady(t, s, "after the migration"); len(rows) != len(sessions) {
		t.Errorf("%d rows after the migration, want %d", len(rows), len(sessions))
	}
}

// TestSessionDaysMigrateSaysWhy: grouping a big store's conversations by
// day takes seconds (5 a million); Open says why before it does, and only
// for a big store.
func TestSessionDaysMigrateSaysWhy(t *testing.T) {
	sqliteOnly(t, "a SQLite migration")
	for _, tc := range []struct {
		sessions int
		told     bool
	}{{10, false}, {slowMigrations[16].min, true}} {
		path := filepath.Join(t.TempDir(), "neotui.db")
		s, err := Open(path)
		if err != nil {
			t.Fatal(err)
		}
		s.Close()
		toSchema15(t, path, fmt.Sprintf(`WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i+1 FROM n WHERE i+1 < %d)
			INSERT INTO sessions (bot, session_id, create_time, create_ns, day, uri, message_count, preview, hash)
			SELECT 'bot-a', i+1, '2024-02-01T01:00:00Z', 0, 19754 + i/500, '', 1, 'hi', x'00' FROM n`, tc.sessions))
		var notes []string
		if s, err = Open(path, OnUpgrade(func(n string) { notes = append(notes, n) })); err != nil {
			t.Fatal(err)
		}
		s.Close()
		told := len(notes) == 1 && strings.Contains(notes[0], fmt.Sprint(tc.sessions)) && strings.Contains(notes[0], "conversations by day")
		if told != tc.told {
			t.Errorf("%d conversations: told %q, want told %v", tc.sessions, notes, tc.told)
		}
	}
}

// toSchema15 runs first (SQL, or nothing) on the closed store at path,
// then takes it back to before the days were kept: schema 15.
func toSchema15(t *testing.T, path, first string) {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec(first + `; DROP TRIGGER sessions_day_insert; DROP TRIGGER sessions_day_update;
		DROP TRIGGER sessions_day_delete; DROP TABLE session_days; PRAGMA user_version = 15`); err != nil {
		t.Fatal(err)
	}
}

// wantDaysAsRows reads the bot's whole list as the browser does (a day at a
// time, in two parts) and as a page (row by row), wants them alike, and
// returns them.
func wantDaysAsRows(t *testing.T, s *Store, when string) []SessionRow {
	t.Helper()
	read := func(limit int) []SessionRow {
		var parts [2][]SessionRow
		if err := s.EachSessionParts(context.Background(), SessionQuery{Bot: testBot, Limit: limit}, 2,
			func(p int, r SessionRow) { parts[p] = append(parts[p], r) }); err != nil {
			t.Fatal(err)
		}
		return append(parts[0], parts[1]...)
	}
	whole, page := read(0), read(1_000_000)
	if len(whole) == 0 || !reflect.DeepEqual(whole, page) {
		t.Errorf("%s: the whole list differs from the rows:\nwhole %+v\nrows  %+v", when, whole, page)
	}
	return page
}

// wantDaysReady wants no day stale, and the list read by days as it is
// read by rows (wantDaysAsRows), which it returns.
func wantDaysReady(t *testing.T, s *Store, when string) []SessionRow {
	t.Helper()
	if n := stale(t, s); n != 0 {
		t.Errorf("%s: %d days stale", when, n)
	}
	return wantDaysAsRows(t, s, when)
}

// stale counts the days whose texts wait to be aggregated again.
func stale(t *testing.T, s *Store) (n int) {
	t.Helper()
	if err := s.db.QueryRow(`SELECT count(*) FROM session_days WHERE lines IS NULL`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}
