package store

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/neotui/neotui/internal/pgtest"
)

// The store's tests run on SQLite; with NEOTUI_TEST_STORE=postgres, every
// store they open is a fresh PostgreSQL database of its own instead (see
// pgtest: NEOTUI_TEST_POSTGRES names the server). CI runs the package both
// ways.
const backendEnv = "NEOTUI_TEST_STORE"

// onPostgres reports whether the tests run on PostgreSQL. Read when asked,
// not once at start: go test caches a result by the variables the tests
// read, and only sees those read while they run.
func onPostgres() bool { return os.Getenv(backendEnv) == "postgres" }

// newStoreAt is where a new, empty store for t goes: a file in t's
// folder, or a database of its own. Open it as often as a test needs, as
// processes sharing a store would.
func newStoreAt(t testing.TB) string {
	t.Helper()
	if onPostgres() {
		return pgtest.Database(t)
	}
	return filepath.Join(t.TempDir(), "data", "neotui.db")
}

// sqliteOnly skips t when the tests run on PostgreSQL, saying why it
// tests what SQLite alone has.
func sqliteOnly(t testing.TB, why string) {
	t.Helper()
	if onPostgres() {
		t.Skip("SQLite only: " + why)
	}
}

// checkFolded checks that every message's folded text is its shown text
// folded, as PostgreSQL's search compares it.
func checkFolded(t testing.TB, s *Store) {
	t.Helper()
	rows, err := s.db.Query(`SELECT id, type, content, folded FROM messages`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var typ, content, folded string
		if err := rows.Scan(&id, &typ, &content, &folded); err != nil {
			t.Fatal(err)
		}
		if want := foldSearch(searchedText(content, shownText(typ, content))); folded != want {
			t.Errorf("message %d: folded %.80q, want %.80q", id, folded, want)
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
}

// indexedOrNot runs check on s's messages as search finds them before the
// store indexed them (read one by one, tailHits), then once it has. On
// PostgreSQL, whose index keeps itself up to date, once.
func indexedOrNot(t *testing.T, s *Store, check func(t *testing.T)) {
	t.Helper()
	if onPostgres() {
		check(t)
		return
	}
	ctx := context.Background()
	if n, err := s.Unindexed(ctx); err != nil || n == 0 {
		t.Fatalf("Unindexed = %d, %v: no message waits for the index, so none would be read unindexed", n, err)
	}
	t.Run("unindexed", check)
	if err := s.IndexSearch(ctx, nil); err != nil {
		t.Fatal(err)
	}
	if n, err := s.Unindexed(ctx); err != nil || n != 0 {
		t.Fatalf("Unindexed = %d, %v after IndexSearch, want 0", n, err)
	}
	t.Run("indexed", check)
}
