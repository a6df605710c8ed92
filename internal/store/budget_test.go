package store

import (
	"context"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/neotui/neotui/api"
	"github.com/neotui/neotui/api/apitest"
)

// TestBudgetIsSharedByProcesses: two programs on one store file (two store
// handles, two clients) ask for history at the same moments. Each alone
// keeps the pace; together they would be twice as fast. Sharing the store's
// budget, Neoagent sees them as one and refuses nothing.
func TestBudgetIsSharedByProcesses(t *testing.T) {
	// The fake refuses a request within 100 ms of the last; the budget
	// spaces them 200 ms apart, whatever the scheduling jitter below 100 ms.
	srv := apitest.Start(t, apitest.Options{HistoryPerMinute: 600})
	a, b := openTwice(t)
	today := api.DayOf(time.Now())
	var wg sync.WaitGroup
	for _, st := range []*Store{a, b} {
		c, err := api.New(api.Options{BaseURL: srv.URL, Key: srv.Key, Limiter: st.Budget(apitest.DemoSerial, 300)})
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

// TestTakeSlot: each slot is an interval after the one before, whoever took
// it; a bot's slots are its own; a quiet bot starts again at once; and a
// slot hours ahead (the clock was set back) does not hold the bot for hours.
func TestTakeSlot(t *testing.T) {
	s := openStore(t)
	ctx := context.Background()
	t0 := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	every := 6 * time.Second
	take := func(bot string, now time.Time) time.Time {
		t.Helper()
		slot, err := s.TakeSlot(ctx, bot, now, every)
		if err != nil {
			t.Fatal(err)
		}
		return slot
	}
	for i, want := range []time.Time{t0, t0.Add(every), t0.Add(2 * every)} {
		if got := take(testBot, t0); !got.Equal(want) {
			t.Errorf("slot %d = %s, want %s", i, got, want)
		}
	}
	if got := take("bot-b", t0); !got.Equal(t0) {
		t.Errorf("another bot's first slot = %s, want now", got)
	}
	later := t0.Add(time.Minute)
	if got := take(testBot, later); !got.Equal(later) {
		t.Errorf("after a quiet minute the slot = %s, want now (%s)", got, later)
	}
	take(testBot, t0.Add(3*time.Hour))
	if got := take(testBot, t0); !got.Equal(t0) {
		t.Errorf("after the clock went back 3 h the slot = %s, want now", got)
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
