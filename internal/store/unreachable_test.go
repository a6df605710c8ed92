package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"net"
	"syscall"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

func TestIsUnreachable(t *testing.T) {
	dial := &net.OpError{Op: "dial", Net: "tcp", Err: syscall.ECONNREFUSED}
	for _, tt := range []struct {
		name string
		err  error
		want bool
	}{
		{"nil", nil, false},
		{"no rows", sql.ErrNoRows, false},
		{"not found", ErrNotFound, false},
		{"a conflict", &ConflictError{}, false},
		{"refused connection", fmt.Errorf("save: %w", dial), true},
		{"server shut down", &pgconn.PgError{Code: "57P01"}, true},
		{"server starting up", &pgconn.PgError{Code: "57P03"}, true},
		{"connection failure", &pgconn.PgError{Code: "08006"}, true},
		{"wrong password", &pgconn.PgError{Code: "28P01"}, false},
		{"a unique violation", &pgconn.PgError{Code: "23505"}, false},
		{"connection closed", pgconn.ErrConnClosed, true},
		{"bad connection", driver.ErrBadConn, true},
		{"cut mid-answer", fmt.Errorf("read: %w", io.ErrUnexpectedEOF), true},
		{"another error", errors.New("disk full"), false},
		// A context that ended is the caller's (a SQLite read past a
		// deadline), though context's deadline error passes for a net.Error;
		// a connection that timed out is the server's.
		{"a deadline passed", fmt.Errorf("read: %w", context.DeadlineExceeded), false},
		{"cancelled", context.Canceled, false},
		{"connect timed out", &pgconn.ConnectError{Config: &pgconn.Config{}}, true},
	} {
		if got := IsUnreachable(tt.err); got != tt.want {
			t.Errorf("%s: IsUnreachable(%v) = %v, want %v", tt.name, tt.err, got, tt.want)
		}
	}
}

// TestServerOf: the store is named by its server, never with its password.
func TestServerOf(t *testing.T) {
	for url, want := range map[string]string{
		"postgres://neotui:s3cret@db.example.com:5433/neotui": "db.example.com:5433",
		"postgres://neotui@[::1]/neotui":                      "[::1]:5432",
		"postgres://neotui@/neotui?host=/run/postgresql":      "/run/postgresql",
	} {
		cfg, err := pgx.ParseConfig(url)
		if err != nil {
			t.Fatal(err)
		}
		if got := serverOf(cfg); got != want {
			t.Errorf("%s: %q, want %q", url, got, want)
		}
	}
}
