package api_test

import (
	"context"
	"errors"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/neotui/neotui/api"
	"github.com/neotui/neotui/api/apitest"
)

func TestPerMinute(t *testing.T) {
	for _, tt := range []struct {
		n    float64
		want api.Rate
	}{
		{10, api.Rate{N: 10, Per: time.Minute}},
		{1, api.Rate{N: 1, Per: time.Minute}},
		{0.5, api.Rate{N: 1, Per: 2 * time.Minute}},
		{2.5, api.Rate{N: 2, Per: 48 * time.Second}},
	} {
		if got := api.PerMinute(tt.n); got != tt.want {
			t.Errorf("PerMinute(%g) = %+v, want %+v", tt.n, got, tt.want)
		}
	}
}

// mostInAnyPeriod is the most of times (ascending) that fall within one
// period [t, t+per).
func mostInAnyPeriod(times []time.Time, per time.Duration) int {
	most := 0
	for i, t := range times {
		j, _ := slices.BinarySearchFunc(times, t.Add(per), time.Time.Compare)
		most = max(most, j-i)
	}
	return most
}

// TestBudgetIsABudgetNotAPace: 10 a minute lets the first 10 requests go at
// once, and then never more than 10 in any 60 seconds, whatever the demand:
// a burst then one wanted every 6 s (what a steadily refilled token bucket
// would let through 19 of in a minute), or random demand.
func TestBudgetIsABudgetNotAPace(t *testing.T) {
	t0 := time.Date(2025, 3, 7, 12, 0, 0, 0, time.UTC)
	burstThenSteady := make([]time.Time, 30)
	for i := range burstThenSteady {
		burstThenSteady[i] = t0.Add(time.Duration(max(0, i-9)) * 6 * time.Second)
	}
	random := make([]time.Time, 200)
	at := t0
	for i := range random {
		at = at.Add(time.Duration(rand.N(int64(15 * time.Second))))
		random[i] = at
	}
	for name, wants := range map[string][]time.Time{"burst then steady": burstThenSteady, "random": random} {
		b := api.NewBudget(api.PerMinute(10))
		slots := make([]time.Time, len(wants))
		for i, want := range wants {
			slots[i] = b.Take(want)
			if slots[i].Before(want) {
				t.Fatalf("%s: slot %d at %s, before it was asked for", name, i, slots[i])
			}
		}
		for i := range 10 {
			if !slots[i].Equal(wants[i]) {
				t.Errorf("%s: request %d of the first 10 waited until %s", name, i, slots[i])
			}
		}
		if n := mostInAnyPeriod(slots, time.Minute); n > 10 {
			t.Errorf("%s: %d requests within one minute, want at most 10", name, n)
		}
		// Not slower than it must be: a request waits only for the one
		// 10 before it to leave the minute (and a second more: Reuse).
		for i := 10; i < len(slots); i++ {
			if want := later(wants[i], slots[i-10].Add(61*time.Second)); !slots[i].Equal(want) {
				t.Errorf("%s: slot %d = %s, want %s", name, i, slots[i], want)
			}
		}
	}
}

func later(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

// TestClientSpendsItsBudgetAtOnce: a client with 3 history requests a
// minute sends 3 at once, and holds the 4th.
func TestClientSpendsItsBudgetAtOnce(t *testing.T) {
	srv := apitest.Start(t, apitest.Options{})
	c, _ := newClient(t, srv, func(o *api.Options) { o.HistoryPerMinute = 3 })
	today := api.DayOf(time.Now())
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	for i := range 3 {
		if _, err := c.History(ctx, api.HistoryQuery{Serial: apitest.DemoSerial, From: today - api.Day(i), To: today - api.Day(i)}); err != nil {
			t.Fatalf("request %d of the budget: %v", i+1, err)
		}
	}
	if _, err := c.History(ctx, api.HistoryQuery{Serial: apitest.DemoSerial, From: today, To: today}); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("a 4th request within the minute: err = %v, want it held past the deadline", err)
	}
	if n := len(srv.Requests()); n != 3 {
		t.Errorf("%d requests reached the server, want 3", n)
	}
}
