package store

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
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

// Lead is a stored lead with its identity and its triage state.
type Lead struct {
	Key, Bot string
	api.Lead
	// triage is filled by Leads and Related; nil for a lead nobody has
	// touched, as most are: a Triage is 128 bytes, 3 MB at 25k leads.
	triage *Triage
}

// untouched is the triage state of a lead nobody has touched.
var untouched = Triage{Status: StatusNew}

// Triage is the lead's triage state.
func (l Lead) Triage() Triage {
	if l.triage == nil {
		return untouched
	}
	return *l.triage
}

// SetTriage sets the lead's triage state.
func (l *Lead) SetTriage(t Triage) {
	if t == untouched || t == (Triage{}) {
		l.triage = nil
		return
	}
	// Not &t: t would then move to the heap on every call, for the
	// untouched too.
	l.triage = new(Triage)
	*l.triage = t
}

// LeadQuery selects leads. Zero fields do not filter.
type LeadQuery struct {
	Bot       string
	AllBots   bool    // every bot's leads (Bot is ignored); each Lead carries its Bot
	From, To  api.Day // inclusive UTC days of CreateTime; zero = unbounded
	Type      string  // "" any, api.TypeLead or api.TypeAppointment
	SessionID int64   // 0 any
	Limit     int     // 0 = no limit

	Status        Status    // "" any; StatusNew includes leads never touched
	Unseen        bool      // only leads nobody has opened
	Starred       bool      // only starred leads
	HideSnoozedAt time.Time // non-zero: leave out the leads snoozed past this instant
}

// Leads returns the leads matching q, newest first, with their triage state.
func (s *Store) Leads(ctx context.Context, q LeadQuery) ([]Lead, error) {
	var blocks leadBlocks
	if err := s.EachLead(ctx, q, blocks.add); err != nil {
		return nil, err
	}
	return blocks.all(), nil
}

// EachLead calls fn with each lead matching q, newest first, with its
// triage state: for a caller that keeps them its own way.
func (s *Store) EachLead(ctx context.Context, q LeadQuery, fn func(Lead)) error {
	if !q.AllBots {
		if err := requireBot(q.Bot); err != nil {
			return err
		}
	}
	if q.Limit == 0 && s.dialect == sqliteDialect {
		return s.eachLeadDay(ctx, q, fn)
	}
	query, args := leadsQuery(q)
	if err := s.eachLead(ctx, query, args, fn); err != nil {
		return fmt.Errorf("read leads: %w", err)
	}
	return nil
}

// leadColumns, read by queryLeads, are selected from leadsFrom.
const (
	leadColumns = `
		l.bot, l.key, l.type, l.name, l.email, l.phone, l.create_time, l.content, l.session_id, l.uri, l.count,` +
		triageColumns
	leadsFrom = `
		FROM leads l LEFT JOIN triage t ON t.bot = l.bot AND t.lead_key = l.key`
)

// queryLeads runs a query selecting leadColumns.
func (s *Store) queryLeads(ctx context.Context, query string, args []any) ([]Lead, error) {
	var blocks leadBlocks
	if err := s.eachLead(ctx, query, args, blocks.add); err != nil {
		return nil, err
	}
	return blocks.all(), nil
}

// eachLead runs a query selecting leadColumns, and calls fn with each lead.
func (s *Store) eachLead(ctx context.Context, query string, args []any, fn func(Lead)) error {
	// Bots, types and pages repeat from lead to lead.
	return s.eachLeadIn(ctx, query, args, interner{}, zones{}, fn)
}

// eachLeadIn is eachLead sharing the leads' repeated values through shared
// and zones.
func (s *Store) eachLeadIn(ctx context.Context, query string, args []any, shared interner, zones zones, fn func(Lead)) error {
	rows, err := s.db.QueryContext(ctx, query, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	// One set of destinations for every row: Scan overwrites each of them.
	var (
		l       Lead
		created string
		tr      triageRow
	)
	dest := append([]any{&l.Bot, &l.Key, &l.Type, &l.Name, &l.Email, &l.PhoneNumber, &created,
		&l.Content, &l.SessionID, &l.URI, &l.Count}, tr.dest()...)
	for rows.Next() {
		if err := rows.Scan(dest...); err != nil {
			return err
		}
		if l.CreateTime, err = parseTime(created); err != nil {
			return err
		}
		l.CreateTime = zones.share(l.CreateTime)
		l.Bot, l.Type, l.URI = shared.of(l.Bot), shared.of(l.Type), shared.of(l.URI)
		t := tr.triage()
		t.UpdatedBy = shared.of(t.UpdatedBy)
		l.SetTriage(t)
		fn(l)
	}
	return rows.Err()
}

// leadBlocks collects leads into blocks, each twice the last up to 4096
// leads, then copies them into one slice of the exact size: append grows a
// long slice by a quarter at a time, and would allocate and copy 25k leads
// of 300 bytes five times over.
type leadBlocks [][]Lead

func (b *leadBlocks) add(l Lead) {
	if n := len(*b); n == 0 || len((*b)[n-1]) == cap((*b)[n-1]) {
		*b = append(*b, make([]Lead, 0, 16<<min(n, 8)))
	}
	last := &(*b)[len(*b)-1]
	*last = append(*last, l)
}

func (b leadBlocks) all() []Lead {
	if len(b) == 1 {
		return b[0]
	}
	return slices.Concat(b...)
}

func leadsQuery(q LeadQuery) (query string, args []any) {
	lo, hi := dayBounds(q.From, q.To)
	return leadsQueryIn(q, lo, hi)
}

// leadsQueryIn is leadsQuery over the days lo..hi, not q's.
func leadsQueryIn(q LeadQuery, lo, hi int64) (query string, args []any) {
	where, args := leadsWhere(q, lo, hi)
	query = `SELECT ` + leadColumns + leadsFrom + where + `
		ORDER BY l.day DESC, l.create_ns DESC, l.session_id DESC`
	if q.AllBots {
		query += `, l.bot DESC`
	}
	query += ` LIMIT ?`
	return query, append(args, sqlLimit(q.Limit))
}

// leadsWhere is the WHERE clause of the leads q selects in the days
// lo..hi, from leadsFrom.
func leadsWhere(q LeadQuery, lo, hi int64) (query string, args []any) {
	query = `
		WHERE l.day BETWEEN ? AND ?`
	args = []any{lo, hi}
	if !q.AllBots {
		query += ` AND l.bot = ?`
		args = append(args, q.Bot)
	}
	if q.Type != "" {
		query += ` AND l.type = ?`
		args = append(args, q.Type)
	}
	if q.SessionID != 0 {
		query += ` AND l.session_id = ?`
		args = append(args, q.SessionID)
	}
	if q.Status != "" {
		query += ` AND coalesce(t.status, 'new') = ?`
		args = append(args, string(q.Status))
	}
	if q.Unseen {
		query += ` AND t.seen_at IS NULL`
	}
	if q.Starred {
		query += ` AND t.starred = 1`
	}
	if !q.HideSnoozedAt.IsZero() {
		query += ` AND (t.snoozed_until IS NULL OR t.snoozed_until <= ?)`
		args = append(args, unixNano(q.HideSnoozedAt))
	}
	return query, args
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
