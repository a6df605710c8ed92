package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"sync"
	"time"
)

// A bot's sync lease says which neotui syncs it: one at a time, across
// processes, as two syncs of one bot would fetch the same windows.
//
// In a SQLite file the lease is a row with an expiry, which its holder
// renews while it syncs: one killed mid-sync holds the bot until the
// lease expires. On PostgreSQL the lease is also a session-level advisory
// lock, held on a connection of its own for the length of the sync: the
// server releases it the moment that connection ends, so another neotui
// takes over from one killed mid-sync (kill -9, a machine gone) at its next
// try, without waiting out the expiry. The row then only says since when
// the holder syncs.

// ErrLeaseLost means that a sync lost its lease of the bot while it ran:
// on PostgreSQL, the connection holding it ended (a restart of the server,
// a network cut), so another neotui may have taken the bot over.
var ErrLeaseLost = errors.New("the sync lost its hold on the bot (the store's connection ended); sync again")

// leaseConns holds, on PostgreSQL, the connection that holds each lease
// taken by this store.
type leaseConns struct {
	mu    sync.Mutex
	conns map[[2]string]*sql.Conn // by bot and owner
}

// syncingLock is the advisory lock that a bot's sync holds for its whole
// length: not lockSync, which write transactions of the lease and the
// request budget take, and which must stay free while a sync runs.
func syncingLock(bot string) writeLock { return writeLock("syncing " + bot) }

// TakeSync takes bot's sync lease for owner until now+ttl, unless another
// owner holds one that has not expired (on PostgreSQL: another owner
// holds it at all, see above): then ok is false and since is when that
// owner's sync began. A holder renews its lease (RenewSync) while it syncs
// and releases it (ReleaseSync) when done.
func (s *Store) TakeSync(ctx context.Context, bot, owner string, now time.Time, ttl time.Duration) (ok bool, since time.Time, err error) {
	var held *sql.Conn
	if s.dialect == postgresDialect {
		if held, err = s.lockSyncing(ctx, bot); err != nil {
			return false, time.Time{}, fmt.Errorf("take the sync lease: %w", err)
		}
		if held == nil {
			return false, s.leaseSince(ctx, bot, now), nil
		}
	}
	ok, since, err = s.takeLease(ctx, bot, owner, now, ttl, held != nil)
	if !ok || err != nil {
		if held != nil {
			s.unlockSyncing(held, bot)
		}
		return ok, since, err
	}
	if held != nil {
		s.leases.mu.Lock()
		if s.leases.conns == nil {
			s.leases.conns = map[[2]string]*sql.Conn{}
		}
		s.leases.conns[[2]string{bot, owner}] = held
		s.leases.mu.Unlock()
	}
	return true, time.Time{}, nil
}

// takeLease writes owner's row of bot's lease; locked says that owner
// holds the advisory lock, which makes any other row stale.
func (s *Store) takeLease(ctx context.Context, bot, owner string, now time.Time, ttl time.Duration, locked bool) (ok bool, since time.Time, err error) {
	tx, err := s.begin(ctx, lockSync(bot))
	if err != nil {
		return false, time.Time{}, fmt.Errorf("take the sync lease: %w", err)
	}
	defer tx.Rollback()
	var holder string
	var sinceNs, expires int64
	err = tx.QueryRowContext(ctx, `SELECT owner, since, expires FROM sync_leases WHERE bot = ?`, bot).
		Scan(&holder, &sinceNs, &expires)
	switch {
	case err == nil && holder != owner && expires > now.UnixNano() && !locked:
		return false, time.Unix(0, sinceNs), nil
	case err != nil && !errors.Is(err, sql.ErrNoRows):
		return false, time.Time{}, fmt.Errorf("take the sync lease: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `
		INSERT INTO sync_leases (bot, owner, since, expires, progress) VALUES (?, ?, ?, ?, '')
		ON CONFLICT (bot) DO UPDATE SET owner = excluded.owner, since = excluded.since, expires = excluded.expires,
			progress = CASE WHEN sync_leases.owner = excluded.owner THEN sync_leases.progress ELSE '' END`,
		bot, owner, now.UnixNano(), now.Add(ttl).UnixNano()); err != nil {
		return false, time.Time{}, fmt.Errorf("take the sync lease: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return false, time.Time{}, fmt.Errorf("take the sync lease: %w", err)
	}
	return true, time.Time{}, nil
}

// lockSyncing tries to take bot's advisory sync lock on a connection of its
// own, which it returns; nil if another session holds the lock.
func (s *Store) lockSyncing(ctx context.Context, bot string) (*sql.Conn, error) {
	for try := 0; ; try++ {
		conn, err := s.db.Conn(ctx)
		if err != nil {
			return nil, err
		}
		var got bool
		err = conn.QueryRowContext(ctx, `SELECT pg_try_advisory_lock(?)`, syncingLock(bot).key()).Scan(&got)
		if err == nil && got {
			return conn, nil
		}
		conn.Close()
		// A dead pooled connection is dropped by database/sql but not
		// replaced, as it is for a query on the pool: try another.
		if !errors.Is(err, driver.ErrBadConn) || try == 2 {
			return nil, err
		}
	}
}

// unlockSyncing releases the advisory lock held on conn and hands conn
// back. Should the unlock fail, the connection is discarded instead, which
// releases the lock as surely.
func (s *Store) unlockSyncing(conn *sql.Conn, bot string) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_, err := conn.ExecContext(ctx, `SELECT pg_advisory_unlock(?)`, syncingLock(bot).key())
	if err != nil {
		discard(conn) // its lock may be held
	}
	conn.Close()
}

// leaseSince is when the holder of bot's lease began its sync, as its row
// says; now when the row is not yet written (or was written by a holder
// since gone).
func (s *Store) leaseSince(ctx context.Context, bot string, now time.Time) time.Time {
	var sinceNs int64
	if err := s.db.QueryRowContext(ctx, `SELECT since FROM sync_leases WHERE bot = ?`, bot).Scan(&sinceNs); err != nil {
		return now
	}
	return time.Unix(0, sinceNs)
}

// RenewSync moves owner's lease of bot on to now+ttl; it does nothing if
// the lease is no longer owner's. On PostgreSQL it also uses the lock's
// connection, which a proxy or firewall might otherwise end as idle.
func (s *Store) RenewSync(ctx context.Context, bot, owner string, now time.Time, ttl time.Duration) error {
	s.leases.mu.Lock()
	held := s.leases.conns[[2]string{bot, owner}]
	s.leases.mu.Unlock()
	if held != nil {
		if err := held.PingContext(ctx); err != nil {
			// The server ended the session, and with it the lock: another
			// neotui may be syncing the bot already.
			return fmt.Errorf("%w: %w", ErrLeaseLost, err)
		}
	}
	_, err := s.db.ExecContext(ctx, `UPDATE sync_leases SET expires = ? WHERE bot = ? AND owner = ?`,
		now.Add(ttl).UnixNano(), bot, owner)
	return err
}

// ReleaseSync ends owner's lease of bot, if it still holds it.
func (s *Store) ReleaseSync(ctx context.Context, bot, owner string) error {
	k := [2]string{bot, owner}
	s.leases.mu.Lock()
	held := s.leases.conns[k]
	delete(s.leases.conns, k)
	s.leases.mu.Unlock()
	// The row first: once the lock is free, a row of owner's would say,
	// wrongly, that the next holder's sync began when owner's did.
	_, err := s.db.ExecContext(ctx, `DELETE FROM sync_leases WHERE bot = ? AND owner = ?`, bot, owner)
	if held != nil {
		s.unlockSyncing(held, bot)
	}
	return err
}

// closeAll ends the connections that hold leases, which frees them: the
// store is closing.
func (l *leaseConns) closeAll() {
	l.mu.Lock()
	defer l.mu.Unlock()
	for k, conn := range l.conns {
		discard(conn)
		conn.Close()
		delete(l.conns, k)
	}
}

// SetSyncProgress says, in owner's lease of bot, how far its sync is
// ("history 2/5"), for the neotuis waiting for it; nothing if the lease is
// no longer owner's.
func (s *Store) SetSyncProgress(ctx context.Context, bot, owner, progress string) error {
	_, err := s.db.ExecContext(ctx, `UPDATE sync_leases SET progress = ? WHERE bot = ? AND owner = ?`, progress, bot, owner)
	if err != nil {
		return fmt.Errorf("note the sync's progress: %w", err)
	}
	return nil
}

// SyncProgress is how far the sync of bot under way says it is (see
// SetSyncProgress); "" when it has said nothing yet, or none is under way.
func (s *Store) SyncProgress(ctx context.Context, bot string) (string, error) {
	var progress string
	err := s.db.QueryRowContext(ctx, `SELECT progress FROM sync_leases WHERE bot = ?`, bot).Scan(&progress)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return "", fmt.Errorf("read the sync's progress: %w", err)
	}
	return progress, nil
}

// discard closes conn's connection instead of handing it back to the pool:
// one that may hold a session lock or be left mid-statement is not to be
// reused. Call before conn.Close.
func discard(conn *sql.Conn) {
	conn.Raw(func(any) error { return driver.ErrBadConn })
}
