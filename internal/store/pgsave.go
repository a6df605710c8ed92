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
// for 1.1M messages), it reads the stored hashes of the window's sessions
// in one query, sends the sessions' upserts in one pipelined batch and
// copies the messages in with COPY, all in the window's transaction. The
// rare changed session still reads and deletes its messages as on SQLite,
// before flush writes anything.
type pgHistory struct {
	conn     *sql.Conn        // the transaction's connection
	stored   map[int64][]byte // the hash of each of the window's stored sessions
	sessions pgx.Batch
	messages [][]any
}

var pgUpsertSessionSQL = postgresDialect.rebind(upsertSessionSQL)

// pgMessageColumns are the columns the COPY of messages fills.
var pgMessageColumns = []string{"bot", "session_id", "seq", "type", "content", "shown", "folded"}

func newPgHistory(ctx context.Context, tx *sql.Tx, conn *sql.Conn, bot string, sessions []api.Session) (*pgHistory, error) {
	ids := make([]int64, len(sessions))
	for i, s := range sessions {
		ids[i] = s.SessionID
	}
	rows, err := tx.QueryContext(ctx, `SELECT session_id, hash FROM sessions WHERE bot = ? AND session_id = ANY(?)`, bot, ids)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	h := &pgHistory{conn: conn, stored: map[int64][]byte{}}
	for rows.Next() {
		var id int64
		var hash []byte
		if err := rows.Scan(&id, &hash); err != nil {
			return nil, err
		}
		h.stored[id] = hash
	}
	return h, rows.Err()
}

// upsertSession queues the upsert of a session's row (upsertSessionSQL's
// arguments).
func (h *pgHistory) upsertSession(args []any) {
	h.sessions.Queue(pgUpsertSessionSQL, escapeValues(args)...)
}

// insertMessage queues a message's row for the COPY.
func (h *pgHistory) insertMessage(bot string, session int64, seq int, typ, content string, shown any) {
	h.messages = append(h.messages, escapeValues([]any{bot, session, seq, typ, content, shown,
		foldSearch(searchedText(content, shown))}))
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
		h.sessions, h.messages = pgx.Batch{}, nil
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

// pgSaveLeads is SaveLeads' work on PostgreSQL, as pgHistory's for
// history: the stored hashes of the window's leads in one query, the
// upserts of those new or changed in one pipelined batch (instead of two
// round trips a lead: 5 s of a big bot's year).
func pgSaveLeads(ctx context.Context, tx *sql.Tx, conn *sql.Conn, bot string, leads []api.Lead, ch *Changes) error {
	keys := make([]string, len(leads))
	for i, l := range leads {
		keys[i] = LeadKey(bot, l)
	}
	rows, err := tx.QueryContext(ctx, `SELECT key, hash FROM leads WHERE bot = ? AND key = ANY(?)`, bot, keys)
	if err != nil {
		return err
	}
	defer rows.Close()
	stored := map[string][]byte{}
	for rows.Next() {
		var key string
		var hash []byte
		if err := rows.Scan(&key, &hash); err != nil {
			return err
		}
		stored[key] = hash
	}
	if err := rows.Err(); err != nil {
		return err
	}
	var batch pgx.Batch
	var queued []api.Lead
	for i, l := range leads {
		sum := leadHash(l)
		old, ok := stored[keys[i]]
		switch {
		case !ok:
			ch.NewLeads++
		case string(old) == string(sum):
			continue
		default:
			ch.UpdatedLeads++
		}
		batch.Queue(pgUpsertLeadSQL, escapeValues(leadRow(bot, keys[i], sum, l))...)
		queued = append(queued, l)
	}
	if len(queued) == 0 {
		return nil
	}
	return withPgx(conn, func(conn *pgx.Conn) error {
		results := conn.SendBatch(ctx, &batch)
		for _, l := range queued {
			if _, err := results.Exec(); err != nil {
				results.Close()
				return leadError(l, err)
			}
		}
		return results.Close()
	})
}
