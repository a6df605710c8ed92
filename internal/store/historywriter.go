package store

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/neotui/neotui/api"
)

// historyWriter holds the statements SaveHistory runs per session, prepared
// once per transaction.
type historyWriter struct {
	storedMessages, deleteMessagesFrom *sql.Stmt
	// On SQLite: the statements that write, and the columns of the
	// messages not inserted yet, messageColumns each: they go messageBatch
	// to a statement.
	upsertSession, insertMessage, insertBatch *sql.Stmt
	pending                                   []any
	// pg, on PostgreSQL, gathers the window's writes to send at flush.
	pg *pgHistory
	// stored is the hash of each of the window's sessions already stored.
	stored map[int64][]byte
}

// A statement per message cost a quarter more than messageBatch of them.
// Not more: the driver looks each parameter up among all of them, so the
// time to bind a statement grows with the square of its rows.

const (
	messageBatch   = 16
	messageColumns = 6
)

// upsertSessionSQL stores a session's row; its arguments are those save
// gathers.
const upsertSessionSQL = `
	INSERT INTO sessions (bot, session_id, create_time, create_ns, day, uri,
	                      message_count, preview, hash, visitor_count, ai_count, has_lead)
	VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,
		CASE WHEN EXISTS (SELECT 1 FROM leads WHERE bot = ? AND session_id = ?) THEN 1 ELSE 0 END)
	ON CONFLICT (bot, session_id) DO UPDATE SET
		create_time = excluded.create_time, create_ns = excluded.create_ns,
		day = excluded.day, uri = excluded.uri, message_count = excluded.message_count,
		preview = excluded.preview, hash = excluded.hash,
		visitor_count = excluded.visitor_count, ai_count = excluded.ai_count`

// newHistoryWriter prepares the statements of a window's save: on
// PostgreSQL (pg) only those of a changed session, pg sending the rest.
func newHistoryWriter(ctx context.Context, tx *sql.Tx, pg *pgHistory) (*historyWriter, error) {
	w := &historyWriter{pg: pg}
	type prepared struct {
		stmt  **sql.Stmt
		query string
	}
	statements := []prepared{
		{&w.storedMessages, `SELECT type, content FROM messages WHERE bot = ? AND session_id = ? ORDER BY seq`},
		{&w.deleteMessagesFrom, `DELETE FROM messages WHERE bot = ? AND session_id = ? AND seq >= ?`},
	}
	if pg == nil {
		const insert = `INSERT INTO messages (bot, session_id, seq, type, content, shown) VALUES `
		w.pending = make([]any, 0, messageBatch*messageColumns)
		statements = append(statements,
			prepared{&w.upsertSession, upsertSessionSQL},
			prepared{&w.insertMessage, insert + valueRows(1, messageColumns)},
			prepared{&w.insertBatch, insert + valueRows(messageBatch, messageColumns)})
	}
	for _, p := range statements {
		stmt, err := tx.PrepareContext(ctx, p.query)
		if err != nil {
			return nil, err
		}
		*p.stmt = stmt
	}
	return w, nil
}

// valueRows is n rows of columns placeholders for VALUES.
func valueRows(n, columns int) string {
	row := "(?" + strings.Repeat(", ?", columns-1) + ")"
	return row + strings.Repeat(", "+row, n-1)
}

// save stores one session, counting what changed into ch. Its new messages
// may wait in w until flush.
func (w *historyWriter) save(ctx context.Context, bot string, sess api.Session, ch *Changes) error {
	sum := sessionHash(sess)
	stored, ok := w.stored[sess.SessionID]
	isNew := !ok
	if ok && string(stored) == string(sum) {
		return nil
	}

	row := []any{bot, sess.SessionID,
		formatTime(sess.CreateTime), unixNano(sess.CreateTime), int64(api.DayOf(sess.CreateTime)),
		sess.URI, len(sess.Messages), preview(sess.Messages), sum, countType(sess.Messages, api.RoleUser), countType(sess.Messages, api.RoleAI),
		bot, sess.SessionID}
	if w.pg != nil {
		w.pg.upsertSession(row)
	} else if _, err := w.upsertSession.ExecContext(ctx, row...); err != nil {
		return err
	}
	keep := 0
	if isNew {
		ch.NewSessions++
	} else {
		ch.UpdatedSessions++
		// A conversation that went on after the last fetch keeps its earlier
		// messages (and their index entries); only what differs is rewritten.
		old, err := w.messages(ctx, bot, sess.SessionID)
		if err != nil {
			return err
		}
		keep = commonPrefix(old, sess.Messages)
		if keep < len(old) {
			if _, err := w.deleteMessagesFrom.ExecContext(ctx, bot, sess.SessionID, keep); err != nil {
				return err
			}
		}
	}
	for seq := keep; seq < len(sess.Messages); seq++ {
		m := sess.Messages[seq]
		shown := shownText(m.Type, m.Content)
		if w.pg != nil {
			w.pg.insertMessage(bot, sess.SessionID, seq, m.Type, m.Content, shown)
			continue
		}
		w.pending = append(w.pending, bot, sess.SessionID, seq, m.Type, m.Content, shown)
		if len(w.pending) == cap(w.pending) {
			if _, err := w.insertBatch.ExecContext(ctx, w.pending...); err != nil {
				return fmt.Errorf("insert messages: %w", err)
			}
			w.pending = w.pending[:0]
		}
	}
	ch.NewMessages += len(sess.Messages) - keep
	return nil
}

// flush inserts the messages still waiting.
func (w *historyWriter) flush(ctx context.Context) error {
	if w.pg != nil {
		return w.pg.flush(ctx)
	}
	for row := range slices.Chunk(w.pending, messageColumns) {
		if _, err := w.insertMessage.ExecContext(ctx, row...); err != nil {
			return fmt.Errorf("insert messages: %w", err)
		}
	}
	w.pending = w.pending[:0]
	return nil
}

func (w *historyWriter) messages(ctx context.Context, bot string, id int64) ([]api.Message, error) {
	rows, err := w.storedMessages.QueryContext(ctx, bot, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var msgs []api.Message
	for rows.Next() {
		var m api.Message
		if err := rows.Scan(&m.Type, &m.Content); err != nil {
			return nil, err
		}
		msgs = append(msgs, m)
	}
	return msgs, rows.Err()
}

func commonPrefix(a, b []api.Message) int {
	n := 0
	for n < len(a) && n < len(b) && a[n] == b[n] {
		n++
	}
	return n
}

// preview is the first User message, else the first message, cut to at most
// previewMax bytes on a rune boundary.
func preview(msgs []api.Message) string {
	if len(msgs) == 0 {
		return ""
	}
	text := msgs[0].Content
	for _, m := range msgs {
		if m.Type == api.RoleUser {
			text = m.Content
			break
		}
	}
	if len(text) <= previewMax {
		return text
	}
	n := previewMax
	for n > 0 && !utf8.RuneStart(text[n]) {
		n--
	}
	return text[:n]
}
