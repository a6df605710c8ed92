package syncer_test

import (
	"context"
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/neotui/neotui/api"
	"github.com/neotui/neotui/api/apitest"
	"github.com/neotui/neotui/internal/syncer"
)

// budgeted is f's syncer with a client that spends the store's budget of
// r, as the commands' clients do.
func (f *fixture) budgeted(t *testing.T, r api.Rate, windowDays int) *syncer.Syncer {
	t.Helper()
	c, err := api.New(api.Options{BaseURL: f.srv.URL, Key: f.srv.Key, Limiter: f.store.Budget("bot-1", r)})
	if err != nil {
		t.Fatal(err)
	}
	s := f.syncer(now)
	s.Source, s.WindowDays = c, windowDays
	return s
}

// historyTimes are the arrivals of the history requests Neoagent served,
// and fails the test for any it refused.
func (f *fixture) historyTimes(t *testing.T) []time.Time {
	t.Helper()
	var times []time.Time
	for _, r := range f.srv.Requests() {
		if r.Status == http.StatusTooManyRequests {
			t.Errorf("Neoagent refused %s %s: over its budget", r.Endpoint, r.Body)
		}
		if r.Endpoint == apitest.ChatContentHistory {
			times = append(times, r.Arrived)
		}
	}
	return times
}

// TestFirstSyncOf90DaysAtTheDefaultRate: a first sync of 90 days, at the
// default 10 requests a minute against a Neoagent that refuses an 11th
// within any minute, is 4 requests (leads, then three history windows of
// up to 31 days), none refused; a re-sync right after makes at most 2.
func TestFirstSyncOf90DaysAtTheDefaultRate(t *testing.T) {
	f := newFixture(t, apitest.Options{HistoryPerMinute: api.DefaultHistoryPerMinute})
	s := f.budgeted(t, api.PerMinute(api.DefaultHistoryPerMinute), 0)
	today := api.DayOf(now)
	rep, err := s.Sync(context.Background(), today-89, today)
	if err != nil {
		t.Fatal(err)
	}
	if n := len(f.srv.Requests()); n != 4 || rep.Requests != 4 {
		t.Errorf("Neoagent saw %d requests (report: %d), want 4", n, rep.Requests)
	}
	f.historyTimes(t)
	f.checkStoreHolds(t, today-89, today)

	f.srv.ResetRequests()
	s.Now = func() time.Time { return now.Add(10 * time.Minute) }
	if _, err := s.Sync(context.Background(), today-89, today); err != nil {
		t.Fatal(err)
	}
	if n := len(f.srv.Requests()); n > 2 {
		t.Errorf("a re-sync right after made %d requests, want at most 2", n)
	}
}

// TestASustainedSyncSpendsTheBudgetThenKeepsIt: one-day windows over 25
// days are 25 history requests against a budget of 10 a "minute" (400 ms
// here; Neoagent's is 200 ms, room for scheduling jitter): Neoagent
// refuses none of them.
func TestASustainedSyncSpendsTheBudgetThenKeepsIt(t *testing.T) {
	f := newFixture(t, apitest.Options{HistoryPerMinute: 10, Minute: 200 * time.Millisecond})
	s := f.budgeted(t, api.Rate{N: 10, Per: 400 * time.Millisecond}, 1)
	today := api.DayOf(now)
	if _, err := s.Sync(context.Background(), today-24, today); err != nil {
		t.Fatal(err)
	}
	times := f.historyTimes(t)
	if len(times) != 25 {
		t.Fatalf("%d history requests, want 25", len(times))
	}
	slices.SortFunc(times, time.Time.Compare)
	for i := range times[:len(times)-10] {
		if gap := times[i+10].Sub(times[i]); gap < 200*time.Millisecond {
			t.Errorf("requests %d and %d arrived %s apart: 11 within Neoagent's minute", i, i+10, gap)
		}
	}
}

// TestANarrowedWindowIsRemembered: where Neoagent refuses more than 10
// days, the first sync halves 31 to 16 to 8 days and remembers 8; the
// bot's next sync asks for 8 at once and is refused nothing.
func TestANarrowedWindowIsRemembered(t *testing.T) {
	f := newFixture(t, apitest.Options{MaxHistoryDays: 10})
	ctx := context.Background()
	today := api.DayOf(now)
	if _, err := f.syncer(now).Sync(ctx, today-89, today); err != nil {
		t.Fatal(err)
	}
	refused, served := 0, 0
	for _, r := range f.srv.Requests() {
		switch {
		case r.Endpoint != apitest.ChatContentHistory:
		case r.Status == http.StatusRequestEntityTooLarge:
			refused++
		case r.Status == http.StatusOK:
			served++
		}
	}
	// 31 and 16 refused, then 90 days in windows of 8: 11 × 8 + 2.
	if refused != 2 || served != 12 {
		t.Errorf("history: %d refused, %d served; want 2 and 12", refused, served)
	}
	f.checkStoreHolds(t, today-89, today)
	if days, err := f.store.HistoryWindow(ctx, "bot-1"); days != 8 || err != nil {
		t.Errorf("remembered window = %d days (%v), want 8", days, err)
	}

	f.srv.ResetRequests()
	if _, err := f.syncer(now).Sync(ctx, today-149, today-90); err != nil {
		t.Fatal(err)
	}
	for _, r := range f.srv.Requests() {
		if r.Status != http.StatusOK {
			t.Errorf("the next sync: %s %s answered %d", r.Endpoint, r.Body, r.Status)
		}
	}
	if got := f.count(t, apitest.ChatContentHistory); got != 8 { // 60 days: 7 × 8 + 4
		t.Errorf("the next sync made %d history requests, want 8", got)
	}
}
