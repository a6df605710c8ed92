package store

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/neotui/neotui/api"
)

// pgHistory is how SaveHistory writes a window on PostgreSQL: rather than
// two round trips per session and a statement per 16 messages (67 to 124 s
// for 1.1M messages), it sends the sessions' upserts in one pipelined
// batch and copies the messages in with COPY, in the window's transaction
// (the stored hashes are read in one query, storedHashes). The rare
// changed session still reads and deletes its messages as on SQLite,
// before flush writes anything. The window's grams go to search_grams
// (pggrams.go) after its messages.
type pgHistory struct {
	conn     *sql.Conn // the transaction's connection
	sessions pgx.Batch
	messages [][]any
	bot      string
	grams    *gramSet // the window's messages'
}

// newPgHistory is the pgHistory of a window of bot's, saved in tx on conn.
func newPgHistory(ctx context.Context, tx *sql.Tx, conn *sql.Conn, bot string) (*pgHistory, error) {
	if _, err := tx.ExecContext(ctx, pgNoteGrams); err != nil {
		return nil, err
	}
	grams, err := pgGramSet(ctx, tx, bot)
	if err != nil {
		return nil, fmt.Errorf("read the short words noted for search: %w", err)
	}
	return &pgHistory{conn: conn, bot: bot, grams: grams}, nil
}

var pgUpsertSessionSQL = postgresDialect.rebind(upsertSessionSQL)

// pgMessageColumns are the columns the COPY of messages fills.
var pgMessageColumns = []string{"bot", "session_id", "seq", "type", "content", "shown", "folded"}

// upsertSession queues the upsert of a session's row (upsertSessionSQL's
// arguments).
func (h *pgHistory) upsertSession(args []any) {
	h.sessions.Queue(pgUpsertSessionSQL, escapeValues(args)...)
}

// insertMessage queues a message's row for the COPY.
func (h *pgHistory) insertMessage(bot string, session int64, seq int, typ, content string, shown any) {
	folded := foldSearch(searchedText(content, shown))
	h.grams.add(session, folded)
	h.messages = append(h.messages, escapeValues([]any{bot, session, seq, typ, content, shown, folded}))
}

// flush sends what is queued: the sessions first, which the messages
// refer to.
func (h *pgHistory) flush(ctx context.Context) error {
	return withPgx(h.conn, func(conn *pgx.Conn) error {
		if h.sessions.Len() > 0 {
			if err := conn.SendBatch(ctx, &h.sessions).Close(); err != nil {
				return fmt.Errorf("save sessions: %w", err)
			}
		}
		if len(h.messages) > 0 {
			if _, err := conn.CopyFrom(ctx, pgx.Identifier{"messages"}, pgMessageColumns, pgx.CopyFromRows(h.messages)); err != nil {
				return fmt.Errorf("insert messages: %w", err)
			}
		}
		if err := pgWriteGrams(ctx, conn, h.bot, h.grams); err != nil {
			return fmt.Errorf("note the messages' short words for search: %w", err)
		}
		h.sessions, h.messages, h.grams = pgx.Batch{}, nil, newGramSet()
		return nil
	})
}

// withPgx runs f with the pgx connection beneath conn, in whatever
// transaction conn is in: the statements f sends bypass the driver's
// rebinding and escaping (escapeValues).
func withPgx(conn *sql.Conn, f func(*pgx.Conn) error) error {
	return conn.Raw(func(dc any) error { return f(dc.(*pgConn).Conn.Conn()) })
}

// escapeValues escapes the text among values in place, as the driver does
// its arguments (escapeText), and returns them.
func escapeValues(values []any) []any {
	for i, v := range values {
		if s, ok := v.(string); ok {
			values[i] = escapeText(s)
		}
	}
	return values
}

var pgUpsertLeadSQL = postgresDialect.rebind(upsertLeadSQL)

// pgUpsertLeads is SaveLeads' writing on PostgreSQL: the upserts of the
// leads new or changed (rows, leadRow's), in one pipelined batch instead of
// a round trip a lead.
func pgUpsertLeads(ctx context.Context, conn *sql.Conn, leads []api.Lead, rows [][]any) error {
	if len(rows) == 0 {
		return nil
	}
	var batch pgx.Batch
	for _, row := range rows {
		batch.Queue(pgUpsertLeadSQL, escapeValues(row)...)
	}
	return withPgx(conn, func(conn *pgx.Conn) error {
		results := conn.SendBatch(ctx, &batch)
		for _, l := range leads {
			if _, err := results.Exec(); err != nil {
				results.Close()
				return leadError(l, err)
			}
		}
		return results.Close()
	})
}
