package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// The search index on SQLite is kept up to date once the store is idle, not
// by the saves: indexing a save's messages in its transaction was 44% of a
// first sync (since migration 13, indexSaved does it in steps, and search
// reads the messages not indexed yet one by one), and FTS5's merging of
// the index's segments as each save went was 40% more (since migration 6,
// TidySearch does it). A search is right at once, only slower until then.

// tidyIdle is how long after the last save of history the merging starts:
// a sync's windows come faster than that. A variable for the tests.
var tidyIdle = 2 * time.Second

const (
	// tidyStep is the FTS5 pages (of about 4 KB) a merge step writes, in
	// its own transaction: a few tens of milliseconds of the write lock.
	tidyStep = 500
)

// indexStep is how many message ids a step of indexing covers, in its own
// transaction: about 150 ms of the write lock, so that a save waits little.
// A variable for the tests.
var indexStep = 20_000

// lockIndex is taken to index saved messages for search.
const lockIndex writeLock = "index"

// Unindexed counts the messages saved but not yet indexed for search (see
// IndexSearch); a search reads them one by one. Always 0 on PostgreSQL.
func (s *Store) Unindexed(ctx context.Context) (int, error) {
	if s.dialect == postgresDialect {
		return 0, nil
	}
	var n int
	err := s.db.QueryRowContext(ctx, `
		SELECT count(*) FROM messages WHERE id > (SELECT upto FROM search_indexed)`).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("count the messages not indexed for search: %w", err)
	}
	return n, nil
}

// IndexSearch indexes for search the messages saved since the index last
// caught up, a short transaction per step, until none is left or ctx ends.
// A save of history leaves that to the store once idle (migration 13); a
// program that ends right after saving, such as neotui sync, calls it so
// that the next one finds the index whole. progress, if not nil, hears
// after each step the share done of what waited when it began, 0 to 1
// (counted in ids, which rewritten conversations leave gaps in: not
// messages). PostgreSQL keeps its
// own index up to date: there it notes the short words of the messages an
// older neotui saved (pgNoteGramsAgain) and brings the planner's
// statistics up to date instead (pgAnalyze).
func (s *Store) IndexSearch(ctx context.Context, progress func(share float64)) error {
	if s.dialect == postgresDialect {
		if err := s.pgNoteGramsAgain(ctx); err != nil {
			return fmt.Errorf("note the messages' short words for search: %w", err)
		}
		return s.pgAnalyze(ctx)
	}
	_, err := s.indexSaved(ctx, func() bool { return false }, progress)
	return err
}

// indexSaved is IndexSearch that also stops, between steps, once stop says
// so. It reports whether it indexed anything.
func (s *Store) indexSaved(ctx context.Context, stop func() bool, progress func(share float64)) (indexed bool, err error) {
	var done, total int // ids
	for !stop() {
		step, left, err := s.indexOneStep(ctx)
		if err != nil {
			return indexed, fmt.Errorf("index saved messages for search: %w", err)
		}
		if step == 0 {
			return indexed, nil
		}
		if !indexed {
			total = step + left
		}
		indexed, done = true, done+step
		if progress != nil {
			progress(min(1, float64(done)/float64(max(total, done+left))))
		}
		if left == 0 {
			return indexed, nil
		}
	}
	return indexed, nil
}

// indexOneStep indexes the next indexStep message ids after the highest
// indexed (step of them: 0 when none was left), and says how many ids are
// left above them.
func (s *Store) indexOneStep(ctx context.Context) (step, left int, err error) {
	tx, err := s.begin(ctx, lockIndex)
	if err != nil {
		return 0, 0, err
	}
	defer tx.Rollback()
	var upto, top int
	if err := tx.QueryRowContext(ctx, `
		SELECT upto, (SELECT coalesce(max(id), 0) FROM messages) FROM search_indexed`).Scan(&upto, &top); err != nil {
		return 0, 0, err
	}
	if top <= upto {
		return 0, 0, nil
	}
	to := min(upto+indexStep, top)
	// In one statement: FTS5 flushes its pending terms at every statement's
	// savepoint, and one per row made ingest three times slower.
	if _, err := tx.ExecContext(ctx, `
		INSERT INTO messages_fts (rowid, content) SELECT id, content FROM messages_indexed WHERE id > ? AND id <= ?`,
		upto, to); err != nil {
		return 0, 0, err
	}
	if _, err := tx.ExecContext(ctx, `UPDATE search_indexed SET upto = ?`, to); err != nil {
		return 0, 0, err
	}
	if err := tx.Commit(); err != nil {
		return 0, 0, err
	}
	return to - upto, top - to, nil
}

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

// tidier indexes the messages saved since, then runs TidySearch, once the
// store has been idle for tidyIdle after a save of history, until Close.
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
			saving := func() bool { return len(s.tidier.saved) > 0 }
			if _, err := s.indexSaved(ctx, saving, nil); err == nil && !saving() {
				s.tidy(ctx, saving)
			}
		}
	}
}

// pgAnalyze analyzes the tables that saves filled faster than autovacuum
// looked at them (a tenth of their rows changed since), as after a first
// sync: without statistics PostgreSQL takes a word in a tenth of 1M
// messages for rare, and a search's first page reads them all (0.6 to
// 3.5 s instead of 2 ms). About 2 s for 1M messages.
func (s *Store) pgAnalyze(ctx context.Context) error {
	rows, err := s.db.QueryContext(ctx, `
		SELECT t.relname FROM pg_stat_user_tables t
		WHERE t.relid IN (to_regclass('sessions'), to_regclass('messages'), to_regclass('leads'))
			AND t.n_mod_since_analyze > t.n_live_tup / 10 + 1000`)
	if err != nil {
		return fmt.Errorf("read the store's statistics: %w", err)
	}
	defer rows.Close()
	var tables []string
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			return fmt.Errorf("read the store's statistics: %w", err)
		}
		tables = append(tables, name)
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("read the store's statistics: %w", err)
	}
	rows.Close()
	for _, t := range tables {
		if _, err := s.db.ExecContext(ctx, `ANALYZE `+t); err != nil {
			return fmt.Errorf("analyze the store's %s: %w", t, err)
		}
	}
	return nil
}
