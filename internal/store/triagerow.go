package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// triageColumns, read with triageRow, are a lead's triage state and notes
// count, from leads l LEFT JOIN triage t.
const triageColumns = `
	t.status, t.starred, t.snoozed_until, t.seen_at, t.updated_at, t.updated_by, t.version, t.notes`

// triageRow scans triageColumns: all NULL for a lead with no triage row.
type triageRow struct {
	status, by                                 sql.NullString
	starred, snoozed, seen, at, version, notes sql.NullInt64
}

func (r *triageRow) dest() []any {
	return []any{&r.status, &r.starred, &r.snoozed, &r.seen, &r.at, &r.by, &r.version, &r.notes}
}

func (r *triageRow) triage() Triage {
	t := Triage{
		Status:       Status(r.status.String),
		Starred:      r.starred.Int64 != 0,
		SnoozedUntil: fromNull(r.snoozed),
		SeenAt:       fromNull(r.seen),
		UpdatedAt:    fromNull(r.at),
		UpdatedBy:    r.by.String,
		Version:      r.version.Int64,
		Notes:        int(r.notes.Int64),
	}
	t.Status = t.status()
	return t
}

// queryRower is a *sql.DB or a *sql.Tx.
type queryRower interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// querier is a *sql.DB or a *sql.Tx.
type querier interface {
	queryRower
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

// readTriage reads a stored lead's triage state, or fails with ErrNotFound.
func readTriage(ctx context.Context, q queryRower, bot, key string) (Triage, error) {
	var r triageRow
	err := q.QueryRowContext(ctx, `SELECT `+triageColumns+`
		FROM leads l LEFT JOIN triage t ON t.bot = l.bot AND t.lead_key = l.key
		WHERE l.bot = ? AND l.key = ?`, bot, key).Scan(r.dest()...)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return Triage{}, leadNotFound(bot, key)
	case err != nil:
		return Triage{}, err
	}
	return r.triage(), nil
}

// leadExists fails with ErrNotFound unless the lead is stored.
func leadExists(ctx context.Context, q queryRower, bot, key string) error {
	var one int
	err := q.QueryRowContext(ctx, `SELECT 1 FROM leads WHERE bot = ? AND key = ?`, bot, key).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return leadNotFound(bot, key)
	}
	return err
}

func leadNotFound(bot, key string) error {
	return fmt.Errorf("lead %s of %s: %w (sync to fetch it)", key, bot, ErrNotFound)
}

// storedTime is t as the store gives it back: UTC, nanoseconds, no
// monotonic reading; zero stays zero.
func storedTime(t time.Time) time.Time {
	if t.IsZero() {
		return time.Time{}
	}
	return time.Unix(0, unixNano(t)).UTC()
}

// nullTime stores a zero time as NULL.
func nullTime(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return unixNano(t)
}

func fromNull(n sql.NullInt64) time.Time {
	if !n.Valid {
		return time.Time{}
	}
	return time.Unix(0, n.Int64).UTC()
}

// boolInt stores a bool as SQLite does, 0 or 1: PostgreSQL takes no bool
// for an integer column.
func boolInt(b bool) int64 {
	if b {
		return 1
	}
	return 0
}

func nullInt(n int64) any {
	if n == 0 {
		return nil
	}
	return n
}
