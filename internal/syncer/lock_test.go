package syncer_test

import (
	"context"
	"fmt"
	"net/http"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/neotui/neotui/api"
	"github.com/neotui/neotui/api/apitest"
	"github.com/neotui/neotui/internal/store"
	"github.com/neotui/neotui/internal/syncer"
)

// TestTwoProcessesSyncOneBotOnce: two programs, each with its own store
// handle on one file and its own client, sync one bot at the same moment,
// one two weeks and one four, in weeks. Against a Neoagent that refuses
// requests beyond its budget, neither is refused, both complete, no window
// is fetched twice, and the two reports add up to what Neoagent saw.
func TestTwoProcessesSyncOneBotOnce(t *testing.T) {
	// Neoagent serves 2 in any 300 ms; the budget spends 2 in any 600 ms.
	f := newFixture(t, apitest.Options{HistoryPerMinute: 2, Minute: 300 * time.Millisecond})
	path := filepath.Join(t.TempDir(), "neotui.db")
	today := api.DayOf(now)
	var wg sync.WaitGroup
	var reps [2]syncer.Report
	for i, days := range []api.Day{14, 28} {
		st, err := store.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { st.Close() })
		c, err := api.New(api.Options{BaseURL: f.srv.URL, Key: f.srv.Key, Limiter: st.Budget("bot-1", api.Rate{N: 2, Per: 600 * time.Millisecond})})
		if err != nil {
			t.Fatal(err)
		}
		s := &syncer.Syncer{Source: c, Store: st, Serial: "bot-1", WindowDays: 7, Now: func() time.Time { return now }}
		wg.Go(func() {
			var err error
			if reps[i], err = s.Sync(context.Background(), today-days+1, today); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()

	reqs := f.srv.Requests()
	seen := map[string]bool{}
	for _, r := range reqs {
		if r.Status == http.StatusTooManyRequests {
			t.Errorf("Neoagent refused %s %s", r.Endpoint, r.Body)
		}
		k := r.Endpoint + string(r.Body)
		if r.Status == http.StatusOK && seen[k] {
			t.Errorf("fetched twice: %s %s", r.Endpoint, r.Body)
		}
		seen[k] = seen[k] || r.Status == http.StatusOK
	}
	if sum := reps[0].Requests + reps[1].Requests; sum != len(reqs) {
		t.Errorf("the reports count %d+%d requests, Neoagent saw %d", reps[0].Requests, reps[1].Requests, len(reqs))
	}
	st, err := store.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	f.store = st
	f.checkStoreHolds(t, today-27, today)
}

// TestASyncWaitsForAnotherAndReadsWhatItStored: while another neotui holds
// the bot's sync, a sync says so and waits; then it fetches nothing that
// the other fetched after it began, today included.
func TestASyncWaitsForAnotherAndReadsWhatItStored(t *testing.T) {
	f := newFixture(t, apitest.Options{})
	ctx := context.Background()
	today := api.DayOf(now)
	// The other neotui stored the week a minute ago, in a sync that began
	// five minutes ago and is still at it (its lease renewed).
	if _, err := f.syncer(now.Add(-time.Minute)).Sync(ctx, today-6, today); err != nil {
		t.Fatal(err)
	}
	if ok, _, err := f.store.TakeSync(ctx, "bot-1", "other", now.Add(-5*time.Minute), 30*time.Second); !ok || err != nil {
		t.Fatalf("take: %v %v", ok, err)
	}
	if err := f.store.RenewSync(ctx, "bot-1", "other", now, 30*time.Second); err != nil {
		t.Fatal(err)
	}
	f.srv.ResetRequests()

	s := f.syncer(now)
	var notices []string
	s.OnProgress = func(p syncer.Progress) {
		if p.Notice != "" {
			notices = append(notices, p.Paused(now))
			// The other finishes.
			if err := f.store.ReleaseSync(ctx, "bot-1", "other"); err != nil {
				t.Error(err)
			}
		}
	}
	rep, err := s.Sync(ctx, today-6, today)
	if err != nil {
		t.Fatal(err)
	}
	if len(notices) != 1 || notices[0] != syncer.Waiting {
		t.Errorf("notices %q, want one saying another neotui is syncing", notices)
	}
	if n := len(f.srv.Requests()); n != 0 || rep.Requests != 0 {
		t.Errorf("%d requests (report: %d) for days the other sync had just fetched, want 0", n, rep.Requests)
	}
}

// TestALapsedLeaseDoesNotHoldTheBot: a neotui killed mid-sync leaves its
// lease; once the lease has lapsed, the next sync goes ahead at once.
func TestALapsedLeaseDoesNotHoldTheBot(t *testing.T) {
	f := newFixture(t, apitest.Options{})
	ctx := context.Background()
	if ok, _, err := f.store.TakeSync(ctx, "bot-1", "killed", now.Add(-time.Minute), 30*time.Second); !ok || err != nil {
		t.Fatalf("take: %v %v", ok, err)
	}
	s := f.syncer(now)
	s.OnProgress = func(p syncer.Progress) {
		if p.Notice != "" {
			t.Errorf("the sync waited: %s", p.Notice)
		}
	}
	today := api.DayOf(now)
	if _, err := s.Sync(ctx, today-6, today); err != nil {
		t.Fatal(err)
	}
	f.checkStoreHolds(t, today-6, today)
}

// TestAWaitingSyncTellsHowFarTheOtherIs: a sync under way notes how far it
// is in the bot's lease as it goes, window by window, and a sync waiting
// for it (on another server, say) tells that as it changes.
func TestAWaitingSyncTellsHowFarTheOtherIs(t *testing.T) {
	f := newFixture(t, apitest.Options{})
	ctx := context.Background()
	today := api.DayOf(now)

	// The holder's side: each window's progress is in the lease before
	// the window is fetched.
	s := f.syncer(now)
	s.WindowDays = 7
	var noted []string
	s.OnProgress = func(p syncer.Progress) {
		if p.Endpoint == store.EndpointHistory && p.Notice == "" {
			got, err := f.store.SyncProgress(ctx, "bot-1")
			if err != nil {
				t.Fatal(err)
			}
			if want := fmt.Sprintf("history %d/%d", min(p.Done+1, p.Total), p.Total); got != want {
				t.Errorf("the lease says %q while the sync is at %s", got, want)
			}
			noted = append(noted, got)
		}
	}
	if _, err := s.Sync(ctx, today-20, today); err != nil {
		t.Fatal(err)
	}
	if len(noted) < 3 {
		t.Errorf("progress noted %q: want a line per history window", noted)
	}

	// The waiting side: another holds the lease and says how far it is.
	if ok, _, err := f.store.TakeSync(ctx, "bot-1", "other", now, 30*time.Second); !ok || err != nil {
		t.Fatalf("take: %v %v", ok, err)
	}
	if err := f.store.SetSyncProgress(ctx, "bot-1", "other", "history 2/5"); err != nil {
		t.Fatal(err)
	}
	w := f.syncer(now)
	var notices []string
	w.OnProgress = func(p syncer.Progress) {
		if p.Notice == "" {
			return
		}
		notices = append(notices, p.Notice)
		switch len(notices) {
		case 1:
			f.store.SetSyncProgress(ctx, "bot-1", "other", "history 3/5")
		case 2:
			// What another neotui wrote reaches a terminal: no escape
			// sequence of it does.
			f.store.SetSyncProgress(ctx, "bot-1", "other", "history 4/5\x1b]52;c;cGF5bG9hZA==\x07")
		case 3:
			f.store.ReleaseSync(ctx, "bot-1", "other")
		}
	}
	if _, err := w.Sync(ctx, today-6, today); err != nil {
		t.Fatal(err)
	}
	want := []string{
		"another neotui is syncing this bot (history 2/5); waiting for it to finish",
		"another neotui is syncing this bot (history 3/5); waiting for it to finish",
		"another neotui is syncing this bot (history 4/5); waiting for it to finish",
	}
	if !slices.Equal(notices, want) {
		t.Errorf("notices %q, want %q", notices, want)
	}
	// Taken by a new holder, the lease says nothing of the last one's.
	if ok, _, err := f.store.TakeSync(ctx, "bot-1", "third", now.Add(time.Hour), 30*time.Second); !ok || err != nil {
		t.Fatalf("take: %v %v", ok, err)
	}
	if got, _ := f.store.SyncProgress(ctx, "bot-1"); got != "" {
		t.Errorf("a new holder's lease says %q", got)
	}
}
