package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/neotui/neotui/api"
)

// Reads are single statements outside transactions: each sees one consistent
// snapshot (WAL), and a transaction here would take the write lock
// (_txlock=immediate) and queue behind a sync.

// Marks returns, for each day in from..to that was fetched for ep, when it
// was fetched (in UTC).
func (s *Store) Marks(ctx context.Context, bot string, ep Endpoint, from, to api.Day) (map[api.Day]time.Time, error) {
	if err := requireBot(bot); err != nil {
		return nil, err
	}
	lo, hi := dayBounds(from, to)
	rows, err := s.db.QueryContext(ctx, `
		SELECT day, fetched FROM sync_marks
		WHERE bot = ? AND endpoint = ? AND day BETWEEN ? AND ?`, bot, string(ep), lo, hi)
	if err != nil {
		return nil, fmt.Errorf("read sync marks: %w", err)
	}
	defer rows.Close()
	marks := make(map[api.Day]time.Time)
	for rows.Next() {
		var day, fetched int64
		if err := rows.Scan(&day, &fetched); err != nil {
			return nil, fmt.Errorf("read sync marks: %w", err)
		}
		marks[api.Day(day)] = time.Unix(0, fetched).UTC()
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read sync marks: %w", err)
	}
	return marks, nil
}

// LastSync returns the latest fetched time of any mark of the bot, in UTC, or
// the zero time if the bot was never synced.
func (s *Store) LastSync(ctx context.Context, bot string) (time.Time, error) {
	if err := requireBot(bot); err != nil {
		return time.Time{}, err
	}
	var fetched sql.NullInt64
	err := s.db.QueryRowContext(ctx, `SELECT max(fetched) FROM sync_marks WHERE bot = ?`, bot).Scan(&fetched)
	if err != nil {
		return time.Time{}, fmt.Errorf("read the last sync time: %w", err)
	}
	if !fetched.Valid {
		return time.Time{}, nil
	}
	return time.Unix(0, fetched.Int64).UTC(), nil
}

// Lead is a stored lead with its identity.
type Lead struct {
	Key, Bot string
	api.Lead
}

// LeadQuery selects leads. Zero fields do not filter.
type LeadQuery struct {
	Bot       string
	From, To  api.Day // inclusive UTC days of CreateTime; zero = unbounded
	Type      string  // "" any, api.TypeLead or api.TypeAppointment
	SessionID int64   // 0 any
	Limit     int     // 0 = no limit
}

// Leads returns the leads matching q, newest first.
func (s *Store) Leads(ctx context.Context, q LeadQuery) ([]Lead, error) {
	if err := requireBot(q.Bot); err != nil {
		return nil, err
	}
	query, args := leadsQuery(q)
	rows, err := s.db.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("read leads: %w", err)
	}
	defer rows.Close()
	var leads []Lead
	for rows.Next() {
		l := Lead{Bot: q.Bot}
		var created string
		if err := rows.Scan(&l.Key, &l.Type, &l.Name, &l.Email, &l.PhoneNumber, &created,
			&l.Content, &l.SessionID, &l.URI, &l.Count); err != nil {
			return nil, fmt.Errorf("read leads: %w", err)
		}
		if l.CreateTime, err = parseTime(created); err != nil {
			return nil, fmt.Errorf("read leads: %w", err)
		}
		leads = append(leads, l)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read leads: %w", err)
	}
	return leads, nil
}

func leadsQuery(q LeadQuery) (query string, args []any) {
	lo, hi := dayBounds(q.From, q.To)
	query = `
		SELECT key, type, name, email, phone, create_time, content, session_id, uri, count
		FROM leads WHERE bot = ? AND day BETWEEN ? AND ?`
	args = []any{q.Bot, lo, hi}
	if q.Type != "" {
		query += ` AND type = ?`
		args = append(args, q.Type)
	}
	if q.SessionID != 0 {
		query += ` AND session_id = ?`
		args = append(args, q.SessionID)
	}
	query += ` ORDER BY day DESC, create_ns DESC, session_id DESC LIMIT ?`
	return query, append(args, sqlLimit(q.Limit))
}

// SessionSummary is a session without its messages, for lists.
type SessionSummary struct {
	Bot          string
	SessionID    int64
	CreateTime   time.Time
	URI          string
	MessageCount int
	Preview      string // first User message, else first message, at most 200 bytes on a rune boundary
}

// SessionQuery selects sessions. Zero fields do not filter.
type SessionQuery struct {
	Bot      string
	From, To api.Day // inclusive UTC days of CreateTime; zero = unbounded
	Limit    int     // 0 = no limit
}

const sessionsQuery = `
	SELECT session_id, create_time, uri, message_count, preview FROM sessions
	WHERE bot = ? AND day BETWEEN ? AND ?
	ORDER BY day DESC, create_ns DESC, session_id DESC LIMIT ?`

// Sessions returns summaries of the sessions matching q, newest first.
func (s *Store) Sessions(ctx context.Context, q SessionQuery) ([]SessionSummary, error) {
	if err := requireBot(q.Bot); err != nil {
		return nil, err
	}
	lo, hi := dayBounds(q.From, q.To)
	rows, err := s.db.QueryContext(ctx, sessionsQuery, q.Bot, lo, hi, sqlLimit(q.Limit))
	if err != nil {
		return nil, fmt.Errorf("read sessions: %w", err)
	}
	defer rows.Close()
	var list []SessionSummary
	for rows.Next() {
		ss := SessionSummary{Bot: q.Bot}
		var created string
		if err := rows.Scan(&ss.SessionID, &created, &ss.URI, &ss.MessageCount, &ss.Preview); err != nil {
			return nil, fmt.Errorf("read sessions: %w", err)
		}
		if ss.CreateTime, err = parseTime(created); err != nil {
			return nil, fmt.Errorf("read sessions: %w", err)
		}
		list = append(list, ss)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read sessions: %w", err)
	}
	return list, nil
}

// Transcripts returns whole sessions (their messages in order) matching q,
// newest first.
func (s *Store) Transcripts(ctx context.Context, q SessionQuery) ([]api.Session, error) {
	if err := requireBot(q.Bot); err != nil {
		return nil, err
	}
	lo, hi := dayBounds(q.From, q.To)
	sessions, err := s.transcripts(ctx, `
		SELECT session_id, create_time, create_ns, day, uri FROM sessions
		WHERE bot = ?1 AND day BETWEEN ?2 AND ?3
		ORDER BY day DESC, create_ns DESC, session_id DESC LIMIT ?4`,
		q.Bot, lo, hi, sqlLimit(q.Limit))
	if err != nil {
		return nil, fmt.Errorf("read transcripts: %w", err)
	}
	return sessions, nil
}

// Session returns one whole session, or an error wrapping ErrNotFound.
func (s *Store) Session(ctx context.Context, bot string, id int64) (api.Session, error) {
	if err := requireBot(bot); err != nil {
		return api.Session{}, err
	}
	sessions, err := s.transcripts(ctx, `
		SELECT session_id, create_time, create_ns, day, uri FROM sessions
		WHERE bot = ?1 AND session_id = ?2`, bot, id)
	switch {
	case err != nil:
		return api.Session{}, fmt.Errorf("read session %d: %w", id, err)
	case len(sessions) == 0:
		return api.Session{}, fmt.Errorf("session %d of %s: %w (sync to fetch it)", id, bot, ErrNotFound)
	}
	return sessions[0], nil
}

// transcripts reads the sessions that pick selects (session_id, create_time,
// create_ns, day, uri of the bot given as parameter ?1) with their messages,
// in one statement so that a concurrent save cannot split a session from its
// messages.
func (s *Store) transcripts(ctx context.Context, pick string, args ...any) ([]api.Session, error) {
	rows, err := s.db.QueryContext(ctx, `
		WITH picked AS (`+pick+`)
		SELECT p.session_id, p.create_time, p.uri, m.type, m.content
		FROM picked p LEFT JOIN messages m ON m.bot = ?1 AND m.session_id = p.session_id
		ORDER BY p.day DESC, p.create_ns DESC, p.session_id DESC, m.seq`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var sessions []api.Session
	for rows.Next() {
		var (
			id           int64
			created, uri string
			typ, content sql.NullString
		)
		if err := rows.Scan(&id, &created, &uri, &typ, &content); err != nil {
			return nil, err
		}
		if n := len(sessions); n == 0 || sessions[n-1].SessionID != id {
			t, err := parseTime(created)
			if err != nil {
				return nil, err
			}
			sessions = append(sessions, api.Session{SessionID: id, CreateTime: t, URI: uri})
		}
		if typ.Valid { // NULL: a session without messages
			last := &sessions[len(sessions)-1]
			last.Messages = append(last.Messages, api.Message{Type: typ.String, Content: content.String})
		}
	}
	return sessions, rows.Err()
}
