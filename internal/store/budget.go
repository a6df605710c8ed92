package store

import (
	"context"
	"fmt"
	"time"

	"github.com/neotui/neotui/api"
)

// Budget spends one bot's history request budget for every neotui on this
// store: two syncs, or a sync beside the browser, spend one rate limit, not
// one each. Like api.Budget, it lets the first requests go at once and keeps
// any period of the rate's length to its N requests. It is an api.Limiter.
type Budget struct {
	s    *Store
	bot  string
	rate api.Rate
}

// Budget is bot's budget of r (r.N > 0), e.g. api.PerMinute(10).
func (s *Store) Budget(bot string, r api.Rate) *Budget {
	return &Budget{s: s, bot: bot, rate: r}
}

// Wait takes the bot's next slot and sleeps until it. A slot after ctx's
// deadline fails at once, unused. A store too busy to answer costs one
// period's share instead: this process keeps a pace, and the sync's next
// write reports the store's trouble.
func (b *Budget) Wait(ctx context.Context) error {
	now := time.Now()
	slot, err := b.s.TakeSlot(ctx, b.bot, now, b.rate)
	if err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		slot = now.Add(b.rate.Per / time.Duration(b.rate.N))
	}
	return api.WaitUntil(ctx, slot)
}

// TakeSlot takes bot's next request slot under r: now, or the N-th slot
// before it plus r.Reuse() if that is later. Processes taking slots at once get
// one each: the slot is chosen and written in one write transaction.
func (s *Store) TakeSlot(ctx context.Context, bot string, now time.Time, r api.Rate) (time.Time, error) {
	tx, err := s.begin(ctx, lockSync(bot))
	if err != nil {
		return time.Time{}, fmt.Errorf("take a request slot: %w", err)
	}
	defer tx.Rollback()
	// Slots a period old bound no future slot; one more than an hour ahead
	// can only come from a clock set back since, and must not hold the bot.
	if _, err := tx.ExecContext(ctx, `DELETE FROM request_log WHERE bot = ? AND (at <= ? OR at > ?)`,
		bot, now.Add(-r.Reuse()).UnixNano(), now.Add(time.Hour).UnixNano()); err != nil {
		return time.Time{}, fmt.Errorf("take a request slot: %w", err)
	}
	var slot int64
	err = tx.QueryRowContext(ctx, `
INSERT INTO request_log (bot, at)
SELECT ?1, `+s.dialect.greatest()+`(?2, coalesce((SELECT at FROM request_log WHERE bot = ?1 ORDER BY at DESC LIMIT 1 OFFSET ?3) + ?4, 0))
RETURNING at`, bot, now.UnixNano(), r.N-1, int64(r.Reuse())).Scan(&slot)
	if err != nil {
		return time.Time{}, fmt.Errorf("take a request slot: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return time.Time{}, fmt.Errorf("take a request slot: %w", err)
	}
	return time.Unix(0, slot), nil
}
