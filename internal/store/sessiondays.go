package store

import (
	"context"
	"database/sql"
)

// On SQLite, a whole Conversations list reads a day's sessions as three
// texts (rowdays.go). Aggregating them as the list loads cost SQLite's
// engine most of the load: ~0.7 µs a session, 70 ms of CPU at 100k. So
// session_days (migration 16) keeps each day's texts ready, and the list
// reads ~365 rows. Triggers on sessions mark a day stale (its texts NULL)
// when one of its sessions comes, goes or changes what the list shows; a
// write refreshes the stale days before it commits (refreshSessionDays),
// and the list aggregates any day still stale as it reads it. A writer that
// does not refresh costs speed, never rightness.

// The aggregates of a day's sessions, in the list's order (newest first):
// their lines ("ID preview") and their URIs, each joined by NULs; and two
// numbers a session, create_ns from the day's start (five digits fewer)
// and message_count and has_lead as one (2n or 2n+1), joined by spaces.
// Each value a row costs SQLite about as much as the row's step: lengths to
// cut the texts by would cost a third more, and concat_ws, or count(*),
// more than ||.
const (
	dayLines  = `string_agg(s.session_id || ' ' || s.preview, char(0)`
	dayURIs   = `string_agg(s.uri, char(0)`
	dayFields = `string_agg((s.create_ns - s.day * 86400000000000) || ' ' || (s.message_count * 2 + s.has_lead), ' '`
	// newestFirst orders an aggregate's rows. The three texts must list the
	// sessions in one order, the same in each; read apart, each sorts its own.
	newestFirst = ` ORDER BY s.create_ns DESC, s.session_id DESC)`
	ofTheDay    = ` FROM sessions s WHERE s.bot = d.bot AND s.day = d.day)`
)

// sessionDaysQuery reads what sessionRowsQuery does, a result row per day,
// newest first: the day and its three texts, aggregated anew for a day
// that is stale.
const sessionDaysQuery = `
	SELECT d.day, coalesce(d.lines, (SELECT ` + dayLines + newestFirst + ofTheDay + `),
	       coalesce(d.uris, (SELECT ` + dayURIs + newestFirst + ofTheDay + `),
	       coalesce(d.fields, (SELECT ` + dayFields + newestFirst + ofTheDay + `)
	FROM session_days d WHERE d.bot = ? AND d.day BETWEEN ? AND ?
	ORDER BY d.day DESC`

// refreshDaysSQL aggregates the stale days' texts again, and forgets the
// days left with no session. The three aggregates of one SELECT take the
// rows in one order: that of the subquery, the index's, with no sort (were
// it another, the reader would sort the day's rows: giveDay).
const refreshDaysSQL = `
	UPDATE session_days AS d SET (lines, uris, fields) =
		(SELECT ` + dayLines + `), ` + dayURIs + `), ` + dayFields + `)
		 FROM (SELECT session_id, preview, uri, create_ns, day, message_count, has_lead FROM sessions
		       WHERE bot = d.bot AND day = d.day ORDER BY create_ns DESC, session_id DESC) s)
	WHERE d.lines IS NULL;
	DELETE FROM session_days WHERE lines IS NULL`

// refreshSessionDays aggregates again, in tx, the days whose sessions tx
// changed; on SQLite only (PostgreSQL reads its lists row by row).
func refreshSessionDays(ctx context.Context, tx *sql.Tx, d dialect) error {
	if d != sqliteDialect {
		return nil
	}
	_, err := tx.ExecContext(ctx, refreshDaysSQL)
	return err
}
