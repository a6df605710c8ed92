package store

import (
	"context"
	"database/sql/driver"
	"errors"
	"io"
	"net"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"
)

// IsUnreachable reports whether err means that the store's server could
// not be reached, or went away mid-request: PostgreSQL stopped, restarting
// or shutting down, or the network to it down. Such an error passes: the
// connection pool connects again once the server is back. A SQLite file
// is never unreachable.
func IsUnreachable(err error) bool {
	if err == nil {
		return false
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		switch {
		case pe.Code == "57P01", pe.Code == "57P02", pe.Code == "57P03": // admin_shutdown, crash_shutdown, cannot_connect_now
			return true
		case strings.HasPrefix(pe.Code, "08"): // connection_exception
			return true
		}
		return false // the server answered: a wrong password, a missing database…
	}
	var ce *pgconn.ConnectError
	if errors.As(err, &ce) {
		return true // a connection that could not be made, for whatever reason
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		// The caller's context ended, on any store: a SQLite read that
		// waited out a deadline is not a server gone (and context's
		// deadline error passes for a net.Error). A poll that gets no
		// answer in time says so apart (tui's pollTimeout).
		return false
	}
	var ne net.Error
	return errors.As(err, &ne) || errors.Is(err, pgconn.ErrConnClosed) || errors.Is(err, driver.ErrBadConn) ||
		errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF)
}

// Where names the store for messages, never with a password: "PostgreSQL
// at db.example.com:5432", or the SQLite file's path.
func (s *Store) Where() string { return s.where }

// OnServer reports whether the store is a PostgreSQL server's, which can be
// unreachable for a while, rather than a SQLite file, which cannot.
func (s *Store) OnServer() bool { return s.dialect == postgresDialect }
