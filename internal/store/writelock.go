package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"hash/fnv"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
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

// pgLockWait bounds how long a write transaction on PostgreSQL waits for
// its lock, and for the rows it writes, as busy_timeout does on SQLite: a
// writer stuck with its transaction open is reported, not waited for
// forever. Longer than SQLite's 5 s: a big window takes longer to save.
var pgLockWait = 30 * time.Second

// begin begins a write transaction that holds lock (see writeLock).
func (s *Store) begin(ctx context.Context, lock writeLock) (*sql.Tx, error) {
	return s.beginOn(ctx, s.db, lock)
}

// txBeginner is a *sql.DB, or a *sql.Conn: a connection of the pool held
// for one transaction, whose pgx connection the transaction may use too
// (see withPgx).
type txBeginner interface {
	BeginTx(ctx context.Context, opts *sql.TxOptions) (*sql.Tx, error)
}

// beginOn is begin, on on.
func (s *Store) beginOn(ctx context.Context, on txBeginner, lock writeLock) (*sql.Tx, error) {
	tx, err := on.BeginTx(ctx, nil)
	if err != nil {
		return nil, err
	}
	if s.dialect == postgresDialect {
		// One round trip: the timeout is set (for this transaction) before
		// the lock is waited for, as PostgreSQL evaluates left to right.
		_, err := tx.ExecContext(ctx, `SELECT set_config('lock_timeout', ?, true), pg_advisory_xact_lock(?)`,
			fmt.Sprintf("%dms", pgLockWait.Milliseconds()), lock.key())
		if err != nil {
			tx.Rollback()
			return nil, explainLockWait(err)
		}
	}
	return tx, nil
}

// explainLockWait says what a write that waited too long means.
func explainLockWait(err error) error {
	var pe *pgconn.PgError
	if errors.As(err, &pe) && pe.Code == "55P03" { // lock_not_available
		return fmt.Errorf("the store is busy: another neotui has been writing for %v; try again: %w", pgLockWait, err)
	}
	return err
}
