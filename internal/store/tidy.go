package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// The search index is a set of FTS5 segments: every save of history adds
// one, or a few for a big window. FTS5 used to merge them as each save went
// (automerge), which took 40% of a first sync; since migration 6 saves
// leave them, and they are merged here once the store is idle. A search
// reads every segment, so it is right at once and only somewhat slower
// until then.
// tidyIdle is how long after the last save of history the merging starts:
// a sync's windows come faster than that. A variable for the tests.
var tidyIdle = 2 * time.Second

const (
	// tidyStep is the FTS5 pages (of about 4 KB) a merge step writes, in
	// its own transaction: a few tens of milliseconds of the write lock.
	tidyStep = 500
)

// TidySearch merges the search index's segments, a short transaction per
// step, until FTS5 finds nothing more worth merging (levels of fewer than
// four segments) or ctx ends. It reports whether it merged anything.
// PostgreSQL keeps its own index tidy: there it does nothing.
func (s *Store) TidySearch(ctx context.Context) (bool, error) {
	if s.dialect == postgresDialect {
		return false, nil
	}
	return s.tidy(ctx, func() bool { return false })
}

// tidy is TidySearch that also stops, between steps, once stop says so.
func (s *Store) tidy(ctx context.Context, stop func() bool) (merged bool, err error) {
	// total_changes() is the connection's: steps and counts on one.
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return false, fmt.Errorf("tidy the search index: %w", err)
	}
	defer conn.Close()
	for !stop() {
		before, err := totalChanges(ctx, conn)
		if err != nil {
			return merged, fmt.Errorf("tidy the search index: %w", err)
		}
		if _, err := conn.ExecContext(ctx, `INSERT INTO messages_fts (messages_fts, rank) VALUES ('merge', ?)`, tidyStep); err != nil {
			return merged, fmt.Errorf("tidy the search index: %w", err)
		}
		after, err := totalChanges(ctx, conn)
		if err != nil {
			return merged, fmt.Errorf("tidy the search index: %w", err)
		}
		// FTS5's documented test: fewer than two changes means no merge.
		if after-before < 2 {
			return merged, nil
		}
		merged = true
	}
	return merged, nil
}

func totalChanges(ctx context.Context, conn *sql.Conn) (n int64, err error) {
	err = conn.QueryRowContext(ctx, `SELECT total_changes()`).Scan(&n)
	return n, err
}

// tidier runs TidySearch once the store has been idle for tidyIdle after a
// save of history, until Close.
type tidier struct {
	saved  chan struct{} // a save happened; buffered, so saves never wait
	cancel context.CancelFunc
	done   chan struct{}
}

func (s *Store) startTidier() {
	ctx, cancel := context.WithCancel(context.Background())
	s.tidier = tidier{saved: make(chan struct{}, 1), cancel: cancel, done: make(chan struct{})}
	// As if after a save: an index left unmerged (a sync cut short, an
	// upgrade that made it anew) is merged once the store is idle.
	s.savedHistory()
	go s.tidyWhenIdle(ctx)
}

// stopTidier ends the tidier, interrupting a merge step (which rolls back).
func (s *Store) stopTidier() {
	if s.tidier.cancel == nil {
		return // never started: a PostgreSQL store
	}
	s.tidier.cancel()
	<-s.tidier.done
}

// savedHistory tells the tidier that the index has new segments.
func (s *Store) savedHistory() {
	select {
	case s.tidier.saved <- struct{}{}:
	default:
	}
}

func (s *Store) tidyWhenIdle(ctx context.Context) {
	defer close(s.tidier.done)
	idle := time.NewTimer(tidyIdle)
	idle.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-s.tidier.saved:
			idle.Reset(tidyIdle)
		case <-idle.C:
			// A save meanwhile stops the merging, which starts again once
			// the store is idle again. An error leaves the index right,
			// only less tidy; the next save tries again.
			s.tidy(ctx, func() bool { return len(s.tidier.saved) > 0 })
		}
	}
}
