// Package pgtest gives a test a fresh, empty PostgreSQL database of its own.
//
// The server is the one NEOTUI_TEST_POSTGRES names (a postgres:// URL of a
// role that may create databases; .ci/postgres starts a throwaway one). A
// test asking for a database without it skips, saying so; with
// NEOTUI_REQUIRE_POSTGRES=1, as in CI, it fails instead, so that a broken
// setup cannot pass by skipping.
package pgtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"os"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// The environment that configures the tests' server.
const (
	URLEnv     = "NEOTUI_TEST_POSTGRES"
	RequireEnv = "NEOTUI_REQUIRE_POSTGRES"
)

// Database creates an empty database for t, drops it when t ends, and
// returns its URL: the server's URL with the database's name.
func Database(t testing.TB) string {
	t.Helper()
	return databaseOn(t, Server(t))
}

// databaseOn creates a database for t on the server at admin.
func databaseOn(t testing.TB, admin string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	conn, err := pgx.Connect(ctx, admin)
	if err != nil {
		t.Fatalf("connect to the test server (%s): %v", URLEnv, err)
	}
	defer conn.Close(ctx)
	name := "neotui_test_" + randomHex(8)
	// FILE_COPY: half the time of the default strategy for a small template.
	if _, err := conn.Exec(ctx, "CREATE DATABASE "+name+" STRATEGY FILE_COPY"); err != nil {
		t.Fatalf("create a test database: %v", err)
	}
	t.Cleanup(func() { drop(t, admin, name) })
	u, err := url.Parse(admin)
	if err != nil {
		t.Fatalf("%s is not a URL: %v", URLEnv, err)
	}
	u.Path = "/" + name
	return u.String()
}

// Server returns the server's URL, or skips t (fails it, when required)
// if there is none.
func Server(t testing.TB) string {
	t.Helper()
	admin := os.Getenv(URLEnv)
	switch {
	case admin != "":
		return admin
	case os.Getenv(RequireEnv) == "1":
		t.Fatalf("%s=1 but %s is not set: start a server with .ci/postgres start", RequireEnv, URLEnv)
	default:
		t.Skipf("this test needs PostgreSQL: set %s to a postgres:// URL that may create databases (.ci/postgres start prints one)", URLEnv)
	}
	return ""
}

// drop drops the database, closing what connections the test left open.
func drop(t testing.TB, admin, name string) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	conn, err := pgx.Connect(ctx, admin)
	if err != nil {
		t.Errorf("drop test database %s: %v", name, err)
		return
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)"); err != nil {
		t.Errorf("drop test database %s: %v", name, err)
	}
}

func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// keptComplete marks a kept database whose fill finished.
const keptComplete = "neotui: filled"

// Kept returns the URL of a database of the server that outlives the test
// run, for benchmarks whose data takes minutes to build: prefix+version,
// filled by fill (given its URL) when it is missing or an earlier fill did
// not finish. Name the version after what makes an older database unfit
// (the schema it was built with); databases of other versions of prefix
// are dropped. The server is Server's.
func Kept(t testing.TB, prefix, version string, fill func(url string) error) string {
	t.Helper()
	admin := Server(t)
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, admin)
	if err != nil {
		t.Fatalf("connect to the test server (%s): %v", URLEnv, err)
	}
	defer conn.Close(ctx)
	name := prefix + version
	u, err := url.Parse(admin)
	if err != nil {
		t.Fatalf("%s is not a URL: %v", URLEnv, err)
	}
	u.Path = "/" + name
	rows, err := conn.Query(ctx, `SELECT datname, coalesce(shobj_description(oid, 'pg_database'), '') FROM pg_database
		WHERE starts_with(datname, $1)`, prefix)
	if err != nil {
		t.Fatal(err)
	}
	type database struct{ Name, Comment string }
	found, err := pgx.CollectRows(rows, pgx.RowToStructByPos[database])
	if err != nil {
		t.Fatal(err)
	}
	for _, db := range found {
		if db.Name == name && db.Comment == keptComplete {
			return u.String()
		}
	}
	for _, db := range found {
		if _, err := conn.Exec(ctx, "DROP DATABASE "+pgx.Identifier{db.Name}.Sanitize()+" WITH (FORCE)"); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := conn.Exec(ctx, "CREATE DATABASE "+pgx.Identifier{name}.Sanitize()); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	if err := fill(u.String()); err != nil {
		t.Fatalf("fill the database %s: %v", name, err)
	}
	if _, err := conn.Exec(ctx, "COMMENT ON DATABASE "+pgx.Identifier{name}.Sanitize()+" IS '"+keptComplete+"'"); err != nil {
		t.Fatal(err)
	}
	t.Logf("filled the database %s in %v; it is kept for the next runs", name, time.Since(start).Round(time.Second))
	return u.String()
}
