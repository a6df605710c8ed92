package store

import (
	"context"
	"database/sql/driver"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/stdlib"
)

// pgx's database/sql driver, as the store speaks to it: the store's
// queries are written once, with SQLite's placeholders, which each
// connection rebinds (dialect.rebind); and PostgreSQL's text cannot hold
// NUL, which a visitor's text may, so text goes in with its NULs escaped
// and comes back out with them (escapeText), as SQLite keeps it.

// pgConnector makes pgConns.
type pgConnector struct{ driver.Connector }

func (c pgConnector) Connect(ctx context.Context) (driver.Conn, error) {
	conn, err := c.Connector.Connect(ctx)
	if err != nil {
		return nil, err
	}
	return &pgConn{conn.(*stdlib.Conn)}, nil
}

// pgConn is a connection; the methods it does not override (commit and
// rollback, ping, session reset) are pgx's own.
type pgConn struct{ *stdlib.Conn }

func (c *pgConn) Prepare(query string) (driver.Stmt, error) {
	return c.PrepareContext(context.Background(), query)
}

func (c *pgConn) PrepareContext(ctx context.Context, query string) (driver.Stmt, error) {
	st, err := c.Conn.PrepareContext(ctx, postgresDialect.rebind(query))
	if err != nil {
		return nil, err
	}
	return &pgStmt{st.(*stdlib.Stmt)}, nil
}

func (c *pgConn) ExecContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Result, error) {
	res, err := c.Conn.ExecContext(ctx, postgresDialect.rebind(query), escapeArgs(args))
	return res, badIfUnsent(err)
}

func (c *pgConn) QueryContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Rows, error) {
	rows, err := c.Conn.QueryContext(ctx, postgresDialect.rebind(query), escapeArgs(args))
	return pgRowsOf(rows, badIfUnsent(err))
}

// BeginTx is pgx's, with badIfUnsent.
func (c *pgConn) BeginTx(ctx context.Context, opts driver.TxOptions) (driver.Tx, error) {
	tx, err := c.Conn.BeginTx(ctx, opts)
	return tx, badIfUnsent(err)
}

// badIfUnsent reports a connection found dead before anything was sent
// on it (a pooled one the server or the network dropped while it sat
// idle) as bad: database/sql then runs the statement on another
// connection instead of failing it. pgx does so for a query whose sending
// fails, but not when the failure shows in its first row, nor for BEGIN.
func badIfUnsent(err error) error {
	if err != nil && pgconn.SafeToRetry(err) {
		return driver.ErrBadConn
	}
	return err
}

// pgStmt is a prepared statement, rebound when it was prepared.
type pgStmt struct{ *stdlib.Stmt }

func (s *pgStmt) ExecContext(ctx context.Context, args []driver.NamedValue) (driver.Result, error) {
	res, err := s.Stmt.ExecContext(ctx, escapeArgs(args))
	return res, badIfUnsent(err)
}

func (s *pgStmt) QueryContext(ctx context.Context, args []driver.NamedValue) (driver.Rows, error) {
	rows, err := s.Stmt.QueryContext(ctx, escapeArgs(args))
	return pgRowsOf(rows, badIfUnsent(err))
}

// pgRows unescapes the text it reads.
type pgRows struct{ *stdlib.Rows }

func pgRowsOf(rows driver.Rows, err error) (driver.Rows, error) {
	if err != nil {
		return nil, err
	}
	return &pgRows{rows.(*stdlib.Rows)}, nil
}

func (r *pgRows) Next(dest []driver.Value) error {
	if err := r.Rows.Next(dest); err != nil {
		return err
	}
	for i, v := range dest {
		if s, ok := v.(string); ok {
			dest[i] = unescapeText(s)
		}
	}
	return nil
}

// textEscape starts an escape in text stored in PostgreSQL: followed by '0'
// it stands for NUL, followed by itself for itself. U+FFFF is a
// noncharacter, which no real text holds, so nearly all text is stored as
// it is, and any text comes back exactly.
const textEscape = '\uFFFF'

// escapeText is s as PostgreSQL can store it. Equal texts stay equal, and
// a text inside another stays inside it, so comparisons and LIKE patterns
// escaped alike still match.
func escapeText(s string) string {
	if strings.IndexByte(s, 0) < 0 && !strings.ContainsRune(s, textEscape) {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		switch r {
		case 0:
			b.WriteString(string(textEscape) + "0")
		case textEscape:
			b.WriteString(string(textEscape) + string(textEscape))
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// unescapeText undoes escapeText.
func unescapeText(s string) string {
	if !strings.ContainsRune(s, textEscape) {
		return s
	}
	var b strings.Builder
	escaped := false
	for _, r := range s {
		switch {
		case escaped && r == '0':
			b.WriteByte(0)
		case escaped || r != textEscape:
			b.WriteRune(r)
		default:
			escaped = true
			continue
		}
		escaped = false
	}
	return b.String()
}

// escapeArgs escapes the text among args, copying them only if it must.
func escapeArgs(args []driver.NamedValue) []driver.NamedValue {
	out := args
	for i, a := range args {
		s, ok := a.Value.(string)
		if !ok {
			continue
		}
		if e := escapeText(s); e != s {
			if len(out) > 0 && &out[0] == &args[0] {
				out = append([]driver.NamedValue(nil), args...)
			}
			out[i].Value = e
		}
	}
	return out
}
