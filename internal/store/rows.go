package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"
)

// List rows: what the browser's lists draw and filter, read without the
// rest of each record, for lists of 100k rows.

// SessionRow is a session as a list row shows it: no messages.
type SessionRow struct {
	SessionID    int64
	CreateTime   time.Time // in UTC
	MessageCount int
	URI          string
	Preview      string // as SessionSummary.Preview: the end of Line
	Lead         bool   // the session produced a lead
	// Line is the ID, a space and the preview, read as one string: a row
	// that shows both keeps it as it is, where copying the two together
	// would allocate 4.5 MB more at 100k conversations.
	Line string
}

// sessionRowsQuery reads only sessions_rows, no table row: see migrations 7 and 8.
const sessionRowsQuery = `
	SELECT session_id || ' ' || preview, create_ns, message_count, has_lead, uri FROM sessions
	WHERE bot = ? AND day BETWEEN ? AND ?
	ORDER BY day DESC, create_ns DESC, session_id DESC LIMIT ?`

// EachSession calls fn with each session matching q, newest first. Equal
// URIs arrive as one shared string: a bot has a few pages and may have 100k
// conversations on them.
func (s *Store) EachSession(ctx context.Context, q SessionQuery, fn func(SessionRow)) error {
	if err := requireBot(q.Bot); err != nil {
		return err
	}
	lo, hi := dayBounds(q.From, q.To)
	return s.eachSession(ctx, q.Bot, lo, hi, q.Limit, fn)
}

// EachSessionParts is EachSession over parts ranges of days at once, the
// newest first, each read on its own connection: fn(part, row) is called
// from one goroutine per part, each part's rows newest first, and part 0
// holds the newest rows. A list of 100k conversations reads in half the
// time on two cores. With a limit the read is one part, part 0.
func (s *Store) EachSessionParts(ctx context.Context, q SessionQuery, parts int, fn func(part int, r SessionRow)) error {
	if err := requireBot(q.Bot); err != nil {
		return err
	}
	lo, hi := dayBounds(q.From, q.To)
	one := func(r SessionRow) { fn(0, r) }
	if q.Limit > 0 || parts < 2 {
		return s.eachSession(ctx, q.Bot, lo, hi, q.Limit, one)
	}
	// The days the bot's sessions span, within lo..hi: apart, since SQLite
	// reads the min and the max of an index at once only alone.
	var first, last sql.NullInt64
	if err := s.db.QueryRowContext(ctx, `
		SELECT (SELECT min(day) FROM sessions WHERE bot = ?1 AND day BETWEEN ?2 AND ?3),
		       (SELECT max(day) FROM sessions WHERE bot = ?1 AND day BETWEEN ?2 AND ?3)`,
		q.Bot, lo, hi).Scan(&first, &last); err != nil {
		return fmt.Errorf("read sessions: %w", err)
	}
	if !first.Valid || last.Int64-first.Int64+1 < int64(parts) {
		return s.eachSession(ctx, q.Bot, lo, hi, 0, one)
	}
	span := last.Int64 - first.Int64 + 1
	errs := make([]error, parts)
	var wg sync.WaitGroup
	for p := range parts {
		// Part p: the p-th newest slice of the days, its edges the query's.
		top, bottom := last.Int64-span*int64(p)/int64(parts), last.Int64-span*int64(p+1)/int64(parts)+1
		if p == 0 {
			top = hi
		}
		if p == parts-1 {
			bottom = lo
		}
		wg.Go(func() {
			errs[p] = s.eachSession(ctx, q.Bot, bottom, top, 0, func(r SessionRow) { fn(p, r) })
		})
	}
	wg.Wait()
	return errors.Join(errs...)
}

// eachSession reads the bot's sessions of the days lo..hi: all of them a
// day at a time on SQLite (eachSessionDay), else row by row.
func (s *Store) eachSession(ctx context.Context, bot string, lo, hi int64, limit int, fn func(SessionRow)) error {
	if limit == 0 && s.dialect == sqliteDialect {
		return s.eachSessionDay(ctx, bot, lo, hi, fn)
	}
	return s.eachSessionRow(ctx, bot, lo, hi, limit, interner{}, fn)
}

// eachSessionRow reads the bot's sessions of the days lo..hi row by row,
// their URIs the copies in uris.
func (s *Store) eachSessionRow(ctx context.Context, bot string, lo, hi int64, limit int, uris interner, fn func(SessionRow)) error {
	rows, err := s.db.QueryContext(ctx, sessionRowsQuery, bot, lo, hi, sqlLimit(limit))
	if err != nil {
		return fmt.Errorf("read sessions: %w", err)
	}
	defer rows.Close()
	var (
		r  SessionRow
		ns int64
	)
	for rows.Next() {
		if err := rows.Scan(&r.Line, &ns, &r.MessageCount, &r.Lead, &r.URI); err != nil {
			return fmt.Errorf("read sessions: %w", err)
		}
		id, preview, _ := strings.Cut(r.Line, " ")
		if r.SessionID, err = strconv.ParseInt(id, 10, 64); err != nil {
			return fmt.Errorf("read sessions: %w", err)
		}
		r.Preview = preview
		r.CreateTime = time.Unix(0, ns).UTC()
		r.URI = uris.of(r.URI)
		fn(r)
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("read sessions: %w", err)
	}
	return nil
}

// interner hands out one copy of each string it is given, so that rows
// repeating a value (a page, a type, a bot) share its memory.
type interner map[string]string

func (m interner) of(s string) string {
	if t, ok := m[s]; ok {
		return t
	}
	m[s] = s
	return s
}

// zones hands out one *time.Location per zone: time.Parse makes a new one
// for every time it reads with an offset other than the local zone's.
type zones map[zone]*time.Location

type zone struct {
	name   string
	offset int
}

// share is t in the shared location of its zone: the same instant, shown
// the same way.
func (z zones) share(t time.Time) time.Time {
	if loc := t.Location(); loc == time.UTC || loc == time.Local {
		return t
	}
	var k zone
	k.name, k.offset = t.Zone()
	loc, ok := z[k]
	if !ok {
		loc = time.FixedZone(k.name, k.offset)
		z[k] = loc
	}
	return t.In(loc)
}

// EachLeadWho calls fn with the conversation and the name and email of each
// lead of bot whose conversation's ID is within lo..hi: who the visitor of
// a conversation was, for the Conversations list, in one pass over the
// bot's leads (leads_by_session) rather than a query per row.
func (s *Store) EachLeadWho(ctx context.Context, bot string, lo, hi int64, fn func(sessionID int64, name, email string)) error {
	if err := requireBot(bot); err != nil {
		return err
	}
	if s.dialect == sqliteDialect {
		if done, err := s.eachLeadWhoAtOnce(ctx, bot, lo, hi, fn); done || err != nil {
			return err
		}
	}
	rows, err := s.db.QueryContext(ctx, `
		SELECT session_id, name, email FROM leads
		WHERE bot = ? AND session_id BETWEEN ? AND ?`, bot, lo, hi)
	if err != nil {
		return fmt.Errorf("read leads: %w", err)
	}
	defer rows.Close()
	var (
		id          int64
		name, email string
	)
	for rows.Next() {
		if err := rows.Scan(&id, &name, &email); err != nil {
			return fmt.Errorf("read leads: %w", err)
		}
		fn(id, name, email)
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("read leads: %w", err)
	}
	return nil
}
