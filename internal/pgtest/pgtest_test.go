package pgtest

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
)

func TestDatabaseIsEmptyAndDroppedAfter(t *testing.T) {
	ctx := context.Background()
	var name string
	t.Run("a test", func(t *testing.T) {
		conn, err := pgx.Connect(ctx, Database(t))
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close(ctx)
		var tables int
		if err := conn.QueryRow(ctx, `SELECT current_database(), (SELECT count(*) FROM pg_tables WHERE schemaname = 'public')`).
			Scan(&name, &tables); err != nil {
			t.Fatal(err)
		}
		if tables != 0 {
			t.Errorf("the new database holds %d tables", tables)
		}
	})
	if name == "" {
		t.Skip("the subtest skipped")
	}
	conn, err := pgx.Connect(ctx, Server(t))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	var left bool
	if err := conn.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)`, name).Scan(&left); err != nil {
		t.Fatal(err)
	}
	if left {
		t.Errorf("database %s is still there after its test", name)
	}
}

// recorder is a test that records how it would end instead of ending.
type recorder struct {
	testing.TB
	skipped, failed string
}

func (r *recorder) Skipf(format string, args ...any)  { r.skipped = fmt.Sprintf(format, args...) }
func (r *recorder) Fatalf(format string, args ...any) { r.failed = fmt.Sprintf(format, args...) }

func TestWithoutAServer(t *testing.T) {
	t.Setenv(URLEnv, "")
	t.Setenv(RequireEnv, "")
	r := &recorder{TB: t}
	Server(r)
	if r.failed != "" || !strings.Contains(r.skipped, "needs PostgreSQL") || !strings.Contains(r.skipped, URLEnv) {
		t.Errorf("without a server: skipped %q, failed %q; want a skip saying what to set", r.skipped, r.failed)
	}

	t.Setenv(RequireEnv, "1")
	r = &recorder{TB: t}
	Server(r)
	if r.skipped != "" || !strings.Contains(r.failed, URLEnv) {
		t.Errorf("required without a server: skipped %q, failed %q; want a failure naming %s", r.skipped, r.failed, URLEnv)
	}
}
