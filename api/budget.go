package api

import (
	"context"
	"fmt"
	"math"
	"sync"
	"time"
)

// Rate is a request budget: at most N requests in any period of length Per.
// Neoagent states its limit this way ("10 requests per minute"): a budget
// to spend, not a pace. The first N requests go at once; only a sustained
// stream waits.
type Rate struct {
	N   int
	Per time.Duration
}

// PerMinute is the budget of n requests a minute, n > 0: n in any minute,
// or for a fraction the whole requests it allows, 0.5 being 1 per 2 minutes.
func PerMinute(n float64) Rate {
	whole := max(1, math.Floor(n))
	return Rate{N: int(whole), Per: time.Duration(whole / n * float64(time.Minute))}
}

// Reuse is how long after its slot a request's token may be spent again:
// Per, and a sixtieth more (a second a minute), since a request reaches
// Neoagent a little after its slot (a new connection's handshake, a store
// busy for a moment) and the one N requests later must not reach it within
// the same period.
func (r Rate) Reuse() time.Duration { return r.Per + r.Per/60 }

// Budget is a Limiter that spends a Rate in one process; the store's Budget
// shares one among processes. Each request takes a token, and the token
// comes back a period (Reuse) after the slot it was taken for. A token
// bucket refilling steadily (N/Per) would let through N at once and then one
// every Per/N, 2N−1 within one Per; returning each token a whole period
// after its use keeps every period of length Per to N requests.
type Budget struct {
	rate Rate
	mu   sync.Mutex
	sent []time.Time // the slots of the last N requests, oldest first
}

// NewBudget returns a Budget spending r (r.N > 0).
func NewBudget(r Rate) *Budget { return &Budget{rate: r} }

// Wait takes the next slot and sleeps until it.
func (b *Budget) Wait(ctx context.Context) error {
	return WaitUntil(ctx, b.Take(time.Now()))
}

// Take takes the next slot a request may go at, now or later: the N-th
// request's slot before it plus Reuse, if that is later than now.
func (b *Budget) Take(now time.Time) time.Time {
	b.mu.Lock()
	defer b.mu.Unlock()
	slot := now
	if len(b.sent) >= b.rate.N {
		if back := b.sent[0].Add(b.rate.Reuse()); back.After(slot) {
			slot = back
		}
		b.sent = b.sent[1:]
	}
	b.sent = append(b.sent, slot)
	return slot
}

// WaitUntil sleeps until slot, or until ctx ends. A slot past ctx's deadline
// fails at once: the request could not be sent in time anyway.
func WaitUntil(ctx context.Context, slot time.Time) error {
	if deadline, ok := ctx.Deadline(); ok && deadline.Before(slot) {
		return fmt.Errorf("the next request slot, %s, is past the deadline", slot.Format(time.TimeOnly))
	}
	d := time.Until(slot)
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
