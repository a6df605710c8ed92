package store

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/neotui/neotui/api"
)

func TestMain(m *testing.M) {
	if path := os.Getenv(crashChildEnv); path != "" {
		crashChild(path) // never returns
	}
	if path := os.Getenv(triageCrashChildEnv); path != "" {
		triageCrashChild(path) // never returns
	}
	// The store indexes saved messages for search once idle: not under a
	// test that means to search them unindexed (indexedOrNot). The tests of
	// the tidier set their own.
	tidyIdle = time.Hour
	code := m.Run()
	removeBenchStore()
	os.Exit(code)
}

const testBot = "bot-a"

var fetchedAt = time.Date(2024, 3, 1, 12, 0, 0, 0, time.UTC)

func openStore(t testing.TB) *Store {
	t.Helper()
	s, err := Open(newStoreAt(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func mustTime(t testing.TB, s string) time.Time {
	t.Helper()
	tm, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		t.Fatal(err)
	}
	return tm
}

func mustDay(t testing.TB, s string) api.Day {
	t.Helper()
	d, err := api.ParseDay(s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// dump prints every row of every table, to compare whole stores.
func dump(t testing.TB, s *Store) string {
	t.Helper()
	var b strings.Builder
	for _, table := range []string{"sessions", "messages", "leads", "sync_marks", "triage", "notes"} {
		dumpRows(t, s, &b, table, "SELECT * FROM "+table+" ORDER BY 1, 2, 3")
	}
	return b.String()
}

// dumpRows prints to b every row query reads, each after name.
func dumpRows(t testing.TB, s *Store, b *strings.Builder, name, query string) {
	t.Helper()
	rows, err := s.db.Query(query)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	cols, _ := rows.Columns()
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(b, "%s %q\n", name, vals)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
}

// checkIntegrity checks the file, the foreign keys and that the full-text
// index matches the messages; on PostgreSQL, which keeps its files, keys and
// index itself, that each message's folded text is what search compares.
func checkIntegrity(t testing.TB, s *Store) {
	t.Helper()
	if s.dialect == postgresDialect {
		checkFolded(t, s)
		return
	}
	var res string
	if err := s.db.QueryRow("PRAGMA integrity_check").Scan(&res); err != nil || res != "ok" {
		t.Fatalf("integrity_check = %q, %v", res, err)
	}
	rows, err := s.db.Query("PRAGMA foreign_key_check")
	if err != nil {
		t.Fatal(err)
	}
	if rows.Next() {
		t.Error("foreign_key_check found orphaned rows")
	}
	rows.Close()
	// What waits for the index first: the check compares every message.
	if err := s.IndexSearch(context.Background(), nil); err != nil {
		t.Fatal(err)
	}
	if _, err := s.db.Exec(`INSERT INTO messages_fts (messages_fts, rank) VALUES ('integrity-check', 1)`); err != nil {
		t.Fatalf("full-text index out of step with messages: %v", err)
	}
}

func TestOpenPermissions(t *testing.T) {
	sqliteOnly(t, "SQLite's files: PostgreSQL keeps its own")
	dir := filepath.Join(t.TempDir(), "new", "dir")
	path := filepath.Join(dir, "neotui.db")
	s, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.SaveHistory(context.Background(), testBot, 1, 1, fetchedAt, nil); err != nil {
		t.Fatal(err)
	}
	s.Close()
	wantMode(t, dir, 0o700)
	wantMode(t, path, 0o600)

	// A store left readable by others is made private on the next open.
	if err := os.Chmod(path, 0o644); err != nil {
		t.Fatal(err)
	}
	s, err = Open(path)
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	wantMode(t, path, 0o600)
}

func wantMode(t *testing.T, path string, want os.FileMode) {
	t.Helper()
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if got := fi.Mode().Perm(); got != want {
		t.Errorf("%s has mode %o, want %o", path, got, want)
	}
}

func TestOpenNotADatabase(t *testing.T) {
	sqliteOnly(t, "SQLite's files: PostgreSQL keeps its own")
	for _, content := range []string{"hello", strings.Repeat("not sqlite at all\n", 100)} {
		path := filepath.Join(t.TempDir(), "neotui.db")
		if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		_, err := Open(path)
		if !errors.Is(err, ErrNotDatabase) {
			t.Fatalf("Open of a text file: err = %v, want ErrNotDatabase", err)
		}
		if msg := err.Error(); !strings.Contains(msg, path) || !strings.Contains(msg, "move it aside") {
			t.Errorf("error %q should name the file and say what to do", msg)
		}
		got, _ := os.ReadFile(path)
		if string(got) != content {
			t.Errorf("the file was changed to %q", got)
		}
		wantMode(t, path, 0o644)
		if _, err := os.Stat(path + "-wal"); err == nil {
			t.Error("a -wal file was created beside it")
		}
	}
}

func TestOpenNewerStore(t *testing.T) {
	path := newStoreAt(t)
	s, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	newer := fmt.Sprintf("PRAGMA user_version = %d", len(migrations)+1)
	if onPostgres() {
		newer = fmt.Sprintf("UPDATE neotui_schema SET version = %d", len(pgMigrations)+1)
	}
	if _, err := s.db.Exec(newer); err != nil {
		t.Fatal(err)
	}
	s.Close()
	_, err = Open(path)
	if err == nil || !strings.Contains(err.Error(), "newer neotui") {
		t.Fatalf("Open of a newer store: err = %v, want a refusal naming a newer neotui", err)
	}
}

func TestReopenKeepsData(t *testing.T) {
	sqliteOnly(t, "SQLite's file names and journal")
	// Spaces, ? and # would break a naively built SQLite URI.
	path := filepath.Join(t.TempDir(), "a dir?#x", "neotui.db")
	s, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if _, err := s.SaveHistory(ctx, testBot, 1, 2, fetchedAt, sampleSessions(t)); err != nil {
		t.Fatal(err)
	}
	before := dump(t, s)
	s.Close()

	s, err = Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if after := dump(t, s); after != before {
		t.Error("the store changed across close and open")
	}
	var version int
	s.db.QueryRow("PRAGMA user_version").Scan(&version)
	if version != len(migrations) {
		t.Errorf("user_version = %d, want %d", version, len(migrations))
	}
	var mode string
	s.db.QueryRow("PRAGMA journal_mode").Scan(&mode)
	if mode != "wal" {
		t.Errorf("journal_mode = %q, want wal", mode)
	}
}

// TestQueryPlans keeps the list queries on their indexes: with 100k sessions
// a sort would cost the first frame its budget, and a read of each row a
// third of the whole list's load.
func TestQueryPlans(t *testing.T) {
	sqliteOnly(t, "SQLite's query plans; PostgreSQL's planner chooses by the statistics of tables, which a test's have not")
	s := openStore(t)
	leads, leadArgs := leadsQuery(LeadQuery{Bot: "b", From: 1, To: 9, Type: api.TypeLead, Limit: 500})
	for _, tc := range []struct {
		query, index string
		args         []any
	}{
		{sessionsQuery, "INDEX sessions_rows", []any{"b", 1, 9, 500}},
		{sessionRowsQuery, "COVERING INDEX sessions_rows", []any{"b", 1, 9, 500}}, // no table row read
		{leads, "INDEX leads_report", leadArgs},
	} {
		rows, err := s.db.Query("EXPLAIN QUERY PLAN "+tc.query, tc.args...)
		if err != nil {
			t.Fatal(err)
		}
		var plan strings.Builder
		for rows.Next() {
			var id, parent, unused int
			var detail string
			rows.Scan(&id, &parent, &unused, &detail)
			plan.WriteString(detail + "\n")
		}
		rows.Close()
		if p := plan.String(); strings.Contains(p, "TEMP B-TREE") || !strings.Contains(p, tc.index) {
			t.Errorf("plan of %s\n%s: want a walk of %s without a sort", tc.query, p, tc.index)
		}
	}
}
