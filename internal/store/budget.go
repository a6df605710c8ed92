package store

import (
	"context"
	"fmt"
	"time"
)

// Budget paces one bot's history requests for every neotui on this store:
// two syncs, or a sync beside the browser, spend one rate limit, not one
// each. It is an api.Limiter.
type Budget struct {
	s     *Store
	bot   string
	every time.Duration
}

// Budget is bot's budget of perMinute requests a minute (perMinute > 0).
func (s *Store) Budget(bot string, perMinute float64) *Budget {
	return &Budget{s: s, bot: bot, every: time.Duration(float64(time.Minute) / perMinute)}
}

// Wait takes the bot's next slot and sleeps until it. A slot after ctx's
// deadline fails at once, unused. A store too busy to answer costs one
// interval instead: this process keeps its pace, and the sync's next write
// reports the store's trouble.
func (b *Budget) Wait(ctx context.Context) error {
	now := time.Now()
	slot, err := b.s.TakeSlot(ctx, b.bot, now, b.every)
	if err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		slot = now.Add(b.every)
	}
	if deadline, ok := ctx.Deadline(); ok && deadline.Before(slot) {
		return fmt.Errorf("the next request slot, %s, is past the deadline", slot.Format(time.TimeOnly))
	}
	t := time.NewTimer(time.Until(slot))
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// TakeSlot takes bot's next request slot: now, or every after the slot
// taken before it if that is later. One statement, so processes taking
// slots at once get one each.
func (s *Store) TakeSlot(ctx context.Context, bot string, now time.Time, every time.Duration) (time.Time, error) {
	// A next slot more than an hour ahead can only come from a clock set
	// back since: it starts again from now rather than hold the bot.
	var slot int64
	err := s.db.QueryRowContext(ctx, `
INSERT INTO request_slots (bot, next) VALUES (?1, ?2 + ?3)
ON CONFLICT (bot) DO UPDATE
	SET next = CASE WHEN next > ?2 + ?4 THEN ?2 ELSE max(next, ?2) END + ?3
RETURNING next - ?3`, bot, now.UnixNano(), int64(every), int64(time.Hour)).Scan(&slot)
	if err != nil {
		return time.Time{}, fmt.Errorf("take a request slot: %w", err)
	}
	return time.Unix(0, slot), nil
}
