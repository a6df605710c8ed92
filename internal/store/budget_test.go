package store

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/neotui/neotui/api"
	"github.com/neotui/neotui/api/apitest"
)

// TestBudgetIsSharedByProcesses: two programs on one store file (two store
// handles, two clients) each send a budget's worth of history requests at
// once. Each alone keeps the budget; together they would spend it twice.
// Sharing the store's budget, Neoagent sees them as one and refuses
// nothing: half go at once, half a period later.
func TestBudgetIsSharedByProcesses(t *testing.T) {
	// The fake serves 3 in any 300 ms; the budget spends 3 in any 600 ms,
	// whatever the scheduling jitter below 300 ms.
	srv := apitest.Start(t, apitest.Options{HistoryPerMinute: 3, Minute: 300 * time.Millisecond})
	a, b := openTwice(t)
	today := api.DayOf(time.Now())
	var wg sync.WaitGroup
	for _, st := range []*Store{a, b} {
		c, err := api.New(api.Options{BaseURL: srv.URL, Key: srv.Key, Limiter: st.Budget(apitest.DemoSerial, api.Rate{N: 3, Per: 600 * time.Millisecond})})
		if err != nil {
			t.Fatal(err)
		}
		for i := range 3 {
			wg.Go(func() {
				q := api.HistoryQuery{Serial: apitest.DemoSerial, From: today - api.Day(i), To: today - api.Day(i)}
				if _, err := c.History(context.Background(), q); err != nil {
					t.Error(err)
				}
			})
		}
	}
	wg.Wait()
	reqs := srv.Requests()
	for _, r := range reqs {
		if r.Status == http.StatusTooManyRequests {
			t.Errorf("Neoagent refused a request at %s: the two programs did not share the budget", r.Time.Format("15:04:05.000"))
		}
	}
	if len(reqs) != 6 {
		t.Errorf("Neoagent saw %d requests, want 6", len(reqs))
	}
}

// TestTakeSlot: a budget of 3 a minute gives 3 slots at once, then each
// slot a minute (and a second: Reuse) after the one 3 before it, whoever
// took it; a bot's slots are its own; a quiet bot starts again at once; a
// slot hours ahead (the clock was set back) does not hold the bot for hours.
func TestTakeSlot(t *testing.T) {
	s := openStore(t)
	ctx := context.Background()
	t0 := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	r := api.Rate{N: 3, Per: time.Minute}
	take := func(bot string, now time.Time) time.Time {
		t.Helper()
		slot, err := s.TakeSlot(ctx, bot, now, r)
		if err != nil {
			t.Fatal(err)
		}
		return slot
	}
	for i, tt := range []struct{ now, want time.Time }{
		{t0, t0}, {t0, t0}, {t0, t0}, // the budget, at once
		{t0, t0.Add(61 * time.Second)},
		{t0.Add(10 * time.Second), t0.Add(61 * time.Second)},
		{t0.Add(20 * time.Second), t0.Add(61 * time.Second)},
		{t0.Add(30 * time.Second), t0.Add(122 * time.Second)},
		{t0.Add(200 * time.Second), t0.Add(200 * time.Second)},
	} {
		if got := take(testBot, tt.now); !got.Equal(tt.want) {
			t.Errorf("slot %d = %s, want %s", i, got, tt.want)
		}
	}
	if got := take("bot-b", t0); !got.Equal(t0) {
		t.Errorf("another bot's first slot = %s, want now", got)
	}
	later := t0.Add(10 * time.Minute)
	if got := take(testBot, later); !got.Equal(later) {
		t.Errorf("after quiet minutes the slot = %s, want now (%s)", got, later)
	}
	for range 4 {
		take(testBot, t0.Add(3*time.Hour))
	}
	if got := take(testBot, t0); !got.Equal(t0) {
		t.Errorf("after the clock went back 3 h the slot = %s, want now", got)
	}
}

// TestTakeSlotNeverOverspends: whatever the demand, from two store handles
// at once, no minute holds more than the budget's 10 slots.
func TestTakeSlotNeverOverspends(t *testing.T) {
	a, b := openTwice(t)
	ctx := context.Background()
	t0 := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	r := api.PerMinute(10)
	var mu sync.Mutex
	var slots []time.Time
	var wg sync.WaitGroup
	for i, st := range []*Store{a, b} {
		wg.Go(func() {
			now := t0
			for j := range 40 {
				now = now.Add(time.Duration((i+j)%4) * 3 * time.Second) // bursts and a steady demand
				slot, err := st.TakeSlot(ctx, testBot, now, r)
				if err != nil {
					t.Error(err)
					return
				}
				mu.Lock()
				slots = append(slots, slot)
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	slices.SortFunc(slots, time.Time.Compare)
	for i := range slots[:len(slots)-r.N] {
		if gap := slots[i+r.N].Sub(slots[i]); gap < r.Per {
			t.Fatalf("slots %d and %d are %s apart: %d requests within a minute", i, i+r.N, gap, r.N+1)
		}
	}
}

// TestSyncLease: one sync of a bot at a time; a second owner learns when the
// first began; a lease that is renewed stays; one whose owner died (no
// renewal) lapses after its ttl; an owner that lost its lease cannot end
// the next owner's.
func TestSyncLease(t *testing.T) {
	s := openStore(t)
	ctx := context.Background()
	t0 := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	ttl := 30 * time.Second
	take := func(owner string, now time.Time) (bool, time.Time) {
		t.Helper()
		ok, since, err := s.TakeSync(ctx, testBot, owner, now, ttl)
		if err != nil {
			t.Fatal(err)
		}
		return ok, since
	}
	if ok, _ := take("a", t0); !ok {
		t.Fatal("a could not take a free lease")
	}
	if ok, since := take("b", t0.Add(10*time.Second)); ok || !since.Equal(t0) {
		t.Errorf("b took a's lease (%v) or did not learn when a began (%s)", ok, since)
	}
	if ok, _, _ := s.TakeSync(ctx, "bot-b", "b", t0, ttl); !ok {
		t.Error("a lease of one bot held another")
	}
	if err := s.RenewSync(ctx, testBot, "a", t0.Add(25*time.Second), ttl); err != nil {
		t.Fatal(err)
	}
	if ok, _ := take("b", t0.Add(40*time.Second)); ok {
		t.Error("b took a lease a had renewed")
	}
	if onPostgres() {
		// The lease lasts as long as its holder's connection (see
		// TestSyncLeaseEndsWithItsHolder), not its expiry.
		if ok, _ := take("b", t0.Add(56*time.Second)); ok {
			t.Error("b took the lease of a live owner once its row lapsed")
		}
		if err := s.ReleaseSync(ctx, testBot, "a"); err != nil {
			t.Fatal(err)
		}
		if ok, _ := take("b", t0.Add(57*time.Second)); !ok {
			t.Fatal("b could not take a released lease")
		}
		if err := s.ReleaseSync(ctx, testBot, "b"); err != nil {
			t.Fatal(err)
		}
		return
	}
	// a dies: no more renewals.
	if ok, _ := take("b", t0.Add(56*time.Second)); !ok {
		t.Fatal("b could not take the lease of a dead owner once it lapsed")
	}
	if err := s.ReleaseSync(ctx, testBot, "a"); err != nil {
		t.Fatal(err)
	}
	if ok, _ := take("c", t0.Add(57*time.Second)); ok {
		t.Error("a, which had lost the lease, released b's")
	}
	if err := s.ReleaseSync(ctx, testBot, "b"); err != nil {
		t.Fatal(err)
	}
	if ok, _ := take("c", t0.Add(58*time.Second)); !ok {
		t.Error("c could not take a released lease")
	}
}

// TestSyncLeaseEndsWithItsHolder: on PostgreSQL, the lease of a neotui that
// dies mid-sync (its connections end, as a killed process's do) is free at
// once, without waiting out its expiry; while it lives, no expiry frees it.
func TestSyncLeaseEndsWithItsHolder(t *testing.T) {
	if !onPostgres() {
		t.Skip("PostgreSQL only: a SQLite lease lapses after its ttl (TestSyncLease)")
	}
	url := newStoreAt(t)
	open := func() *Store {
		s, err := Open(url)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		return s
	}
	a, b := open(), open()
	ctx := context.Background()
	t0 := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	if ok, _, err := a.TakeSync(ctx, testBot, "a", t0, time.Minute); !ok || err != nil {
		t.Fatalf("a could not take a free lease: %v", err)
	}
	if ok, since, err := b.TakeSync(ctx, testBot, "b", t0.Add(time.Hour), time.Minute); ok || err != nil || !since.Equal(t0) {
		t.Fatalf("b took a live holder's lease (%v, %v) or did not learn when it began (%s)", ok, err, since)
	}
	// takeSoon takes the lease for owner as a waiting sync does, trying
	// again a moment later while it is held: the server ends a session
	// that was cut a moment after the cut.
	takeSoon := func(s *Store, owner string) bool {
		t.Helper()
		for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
			ok, _, err := s.TakeSync(ctx, testBot, owner, t0.Add(time.Second), time.Minute)
			if err != nil {
				t.Fatal(err)
			}
			if ok {
				return true
			}
		}
		return false
	}
	a.Close() // a dies mid-sync: its connections end
	if !takeSoon(b, "b") {
		t.Fatal("b could not take the lease of a holder gone")
	}
	// The server ends b's session holding the lock (a restart would): b
	// learns that it lost the lease, and c may take it.
	if _, err := b.db.ExecContext(ctx, `
		SELECT pg_terminate_backend(pid) FROM pg_locks
		WHERE locktype = 'advisory' AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`); err != nil {
		t.Fatal(err)
	}
	var err error
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline) && !errors.Is(err, ErrLeaseLost); time.Sleep(20 * time.Millisecond) {
		err = b.RenewSync(ctx, testBot, "b", t0.Add(2*time.Second), time.Minute)
	}
	if !errors.Is(err, ErrLeaseLost) {
		t.Errorf("b renewed a lease whose lock the server dropped: %v", err)
	}
	c := open()
	if !takeSoon(c, "c") {
		t.Fatal("c could not take a lease whose lock the server dropped")
	}
	if err := b.ReleaseSync(ctx, testBot, "b"); err != nil {
		t.Fatal(err)
	}
	if ok, _, _ := b.TakeSync(ctx, testBot, "b", t0.Add(4*time.Second), time.Minute); ok {
		t.Error("b's release of a lease it had lost freed c's")
	}
}
