package store

import (
	"context"
	"database/sql"
	"hash/fnv"
)

// writeLock names what a write transaction must do alone. SQLite has one
// write lock, which every write transaction takes at BEGIN
// (_txlock=immediate), so each reads, decides and writes with no other
// writer in between. PostgreSQL lets writers run at once; there a write
// transaction first takes an advisory lock of its name, held to its end,
// so that what it read stays true until it commits, as on SQLite. Only
// transactions of one name wait for each other: a save of one bot waits
// neither for a triage action nor for a save of another bot.
type writeLock string

// lockTriage is taken by every write of triage and notes. Beyond making
// each version check hold until its write, it makes triage_log's seq grow
// in the order of commits: readers poll its max (TriageSeq), and a seq
// committed after a higher one would never be seen as new.
const lockTriage writeLock = "triage"

// lockSchema is taken to migrate the schema.
const lockSchema writeLock = "schema"

// lockSave is taken to save a bot's fetched data.
func lockSave(bot string) writeLock { return writeLock("save " + bot) }

// lockSync is taken for a bot's sync lease and request budget.
func lockSync(bot string) writeLock { return writeLock("sync " + bot) }

// key is the advisory lock's number: a digest of its name, so that every
// bot has its own.
func (l writeLock) key() int64 {
	h := fnv.New64a()
	h.Write([]byte("neotui " + l))
	return int64(h.Sum64())
}

// begin begins a write transaction that holds lock (see writeLock).
func (s *Store) begin(ctx context.Context, lock writeLock) (*sql.Tx, error) {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return nil, err
	}
	if s.dialect == postgresDialect {
		if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock(?)`, lock.key()); err != nil {
			tx.Rollback()
			return nil, err
		}
	}
	return tx, nil
}
