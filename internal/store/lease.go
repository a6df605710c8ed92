package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// TakeSync takes bot's sync lease for owner until now+ttl, unless another
// owner holds one that has not expired: then ok is false and since is when
// that owner's sync began. A holder renews its lease (RenewSync) while it
// syncs and releases it (ReleaseSync) when done; one killed mid-sync holds
// the bot until its lease expires.
func (s *Store) TakeSync(ctx context.Context, bot, owner string, now time.Time, ttl time.Duration) (ok bool, since time.Time, err error) {
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
	case err == nil && holder != owner && expires > now.UnixNano():
		return false, time.Unix(0, sinceNs), nil
	case err != nil && !errors.Is(err, sql.ErrNoRows):
		return false, time.Time{}, fmt.Errorf("take the sync lease: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `
		INSERT INTO sync_leases (bot, owner, since, expires) VALUES (?, ?, ?, ?)
		ON CONFLICT (bot) DO UPDATE SET owner = excluded.owner, since = excluded.since, expires = excluded.expires`,
		bot, owner, now.UnixNano(), now.Add(ttl).UnixNano()); err != nil {
		return false, time.Time{}, fmt.Errorf("take the sync lease: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return false, time.Time{}, fmt.Errorf("take the sync lease: %w", err)
	}
	return true, time.Time{}, nil
}

// RenewSync moves owner's lease of bot on to now+ttl; it does nothing if
// the lease is no longer owner's.
func (s *Store) RenewSync(ctx context.Context, bot, owner string, now time.Time, ttl time.Duration) error {
	_, err := s.db.ExecContext(ctx, `UPDATE sync_leases SET expires = ? WHERE bot = ? AND owner = ?`,
		now.Add(ttl).UnixNano(), bot, owner)
	return err
}

// ReleaseSync ends owner's lease of bot, if it still holds it.
func (s *Store) ReleaseSync(ctx context.Context, bot, owner string) error {
	_, err := s.db.ExecContext(ctx, `DELETE FROM sync_leases WHERE bot = ? AND owner = ?`, bot, owner)
	return err
}
