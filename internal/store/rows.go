package store

import (
	"context"
	"fmt"
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
	Preview      string // as SessionSummary.Preview
}

// sessionRowsQuery reads only sessions_rows, no table row: see migrations 7 and 8.
const sessionRowsQuery = `
	SELECT session_id, create_ns, message_count, uri, preview FROM sessions
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
	rows, err := s.db.QueryContext(ctx, sessionRowsQuery, q.Bot, lo, hi, sqlLimit(q.Limit))
	if err != nil {
		return fmt.Errorf("read sessions: %w", err)
	}
	defer rows.Close()
	var (
		r    SessionRow
		ns   int64
		uris = interner{}
	)
	for rows.Next() {
		if err := rows.Scan(&r.SessionID, &ns, &r.MessageCount, &r.URI, &r.Preview); err != nil {
			return fmt.Errorf("read sessions: %w", err)
		}
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
