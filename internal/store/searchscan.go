package store

import (
	"context"
	"database/sql"
	"errors"
	"sync"
)

// scanHits reads every message for the short words of q, after the
// cursor, up to limit hits: the slowest search there is (a rare word of one
// or two letters, which trigrams cannot index), so it reads the two halves
// of the messages' ids at once, on two connections and two cores.
func (s *Store) scanHits(ctx context.Context, bot string, q searchQuery, after Cursor, limit int) (found, error) {
	var lo, hi sql.NullInt64
	// Apart: SQLite reads min and max of a rowid at once only alone.
	if err := s.db.QueryRowContext(ctx, `SELECT (SELECT min(id) FROM messages), (SELECT max(id) FROM messages)`).Scan(&lo, &hi); err != nil {
		return found{}, err
	}
	return s.scanIDs(ctx, bot, q, lo.Int64, hi.Int64, after, limit)
}

// scanIDs is scanHits over the messages of ids lo..hi alone.
func (s *Store) scanIDs(ctx context.Context, bot string, q searchQuery, lo, hi int64, after Cursor, limit int) (found, error) {
	mid := lo + (hi-lo)/2
	halves := [2][2]int64{{lo, mid}, {mid + 1, hi}}
	var (
		parts [2]found
		errs  [2]error
		wg    sync.WaitGroup
	)
	for i, ids := range halves {
		wg.Go(func() {
			half := q.and(` AND m.id BETWEEN ? AND ?`, ids[0], ids[1])
			parts[i], errs[i] = s.readHits(ctx, bot, scanSQL(half, after), walkArgs(bot, half, after, limit))
		})
	}
	wg.Wait()
	if err := errors.Join(errs[:]...); err != nil {
		return found{}, err
	}
	return merge(parts[0], parts[1], limit), nil
}

// scanSQL reads the messages in the order they are stored and sorts the
// matches. +m.bot keeps SQLite from reading them through an index, one seek
// per message; with m.id IN (…) among q's conditions (holding), it reads
// those messages alone, by id.
func scanSQL(q searchQuery, after Cursor) string {
	return `
		SELECT s.day, s.create_ns, s.create_time, m.session_id, m.seq, m.type, m.content
		FROM messages m CROSS JOIN sessions s ON s.bot = m.bot AND s.session_id = m.session_id
		WHERE +m.bot = ?` + after.hitsFrom() + joinConds(q) + `
		ORDER BY s.day DESC, s.create_ns DESC, s.session_id DESC, m.seq LIMIT ?`
}

// merge is the hits of a and b, each in search order, in search order, up
// to limit (0: all).
func merge(a, b found, limit int) found {
	var f found
	for (len(a.hits) > 0 || len(b.hits) > 0) && (limit <= 0 || len(f.hits) < limit) {
		from := &a
		if len(a.hits) == 0 || len(b.hits) > 0 && b.at[0].before(a.at[0]) {
			from = &b
		}
		f.hits, f.at = append(f.hits, from.hits[0]), append(f.at, from.at[0])
		from.hits, from.at = from.hits[1:], from.at[1:]
	}
	return f
}

// before reports whether the hit at c comes before the one at d in a
// search: its session newer, or in one session, its message earlier.
func (c Cursor) before(d Cursor) bool {
	if c.day != d.day {
		return c.day > d.day
	}
	if c.ns != d.ns {
		return c.ns > d.ns
	}
	if c.session != d.session {
		return c.session > d.session
	}
	return c.seq < d.seq
}
