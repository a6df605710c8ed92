package serve

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/neotui/neotui/api"
	"github.com/neotui/neotui/internal/syncer"
)

// slowSync counts its runs and takes d, reporting progress half way.
type slowSync struct {
	runs    atomic.Int32
	d       time.Duration
	release chan struct{} // if not nil, a run waits for it
}

func (s *slowSync) run(ctx context.Context, from, to api.Day, progress func(syncer.Progress)) (syncer.Report, error) {
	s.runs.Add(1)
	progress(syncer.Progress{Done: 0, Total: 2})
	select {
	case <-time.After(s.d):
	case <-ctx.Done():
		return syncer.Report{}, ctx.Err()
	}
	if s.release != nil {
		<-s.release
	}
	progress(syncer.Progress{Done: 2, Total: 2})
	return syncer.Report{Requests: 2, Windows: 2}, nil
}

func TestConcurrentSyncsOfABotShareOne(t *testing.T) {
	syncs := NewSyncs(nil)
	defer syncs.Close()
	bot := &slowSync{d: 100 * time.Millisecond}
	syncs.Add("bot", bot.run)

	var wg sync.WaitGroup
	var sawEnd atomic.Int32
	for range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rep, err := syncs.Sync(context.Background(), "bot", 100, 130, func(p syncer.Progress) {
				if p.Done == 2 {
					sawEnd.Add(1)
				}
			})
			if err != nil || rep.Requests != 2 {
				t.Errorf("rep %+v, err %v", rep, err)
			}
		}()
	}
	wg.Wait()
	if n := bot.runs.Load(); n != 1 {
		t.Errorf("20 concurrent callers ran %d syncs, want 1", n)
	}
	if n := sawEnd.Load(); n != 20 {
		t.Errorf("%d of 20 callers saw the final progress", n)
	}

	// Within Fresh, the same days (or fewer) need no new sync…
	if _, err := syncs.Sync(context.Background(), "bot", 110, 130, nil); err != nil {
		t.Fatal(err)
	}
	if n := bot.runs.Load(); n != 1 {
		t.Errorf("a call right after ran a sync (%d runs)", n)
	}
	// …but other days do, and so does anything once it is stale.
	syncs.Sync(context.Background(), "bot", 60, 99, nil)
	syncs.now = func() time.Time { return time.Now().Add(DefaultFresh) }
	syncs.Sync(context.Background(), "bot", 100, 130, nil)
	if n := bot.runs.Load(); n != 3 {
		t.Errorf("%d runs, want 3", n)
	}
}

func TestASyncOutlivesTheSessionThatStartedIt(t *testing.T) {
	syncs := NewSyncs(nil)
	defer syncs.Close()
	bot := &slowSync{d: 50 * time.Millisecond}
	syncs.Add("bot", bot.run)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() {
		_, err := syncs.Sync(ctx, "bot", 1, 30, nil)
		done <- err
	}()
	time.Sleep(10 * time.Millisecond)
	other := make(chan error)
	go func() {
		_, err := syncs.Sync(context.Background(), "bot", 1, 30, nil)
		other <- err
	}()
	time.Sleep(10 * time.Millisecond)
	cancel() // the first teammate quits
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Errorf("the quitter got %v", err)
	}
	if err := <-other; err != nil {
		t.Errorf("the other teammate's shared sync failed: %v", err)
	}
	if n := bot.runs.Load(); n != 1 {
		t.Errorf("%d runs", n)
	}
}

func TestASlowCallerDoesNotSlowTheSync(t *testing.T) {
	syncs := NewSyncs(nil)
	defer syncs.Close()
	var calls atomic.Int32
	syncs.Add("bot", func(ctx context.Context, from, to api.Day, progress func(syncer.Progress)) (syncer.Report, error) {
		for i := range 1000 {
			progress(syncer.Progress{Done: i, Total: 1000})
		}
		return syncer.Report{}, nil
	})
	start := time.Now()
	syncs.Sync(context.Background(), "bot", 1, 2, func(syncer.Progress) {
		calls.Add(1)
		time.Sleep(time.Millisecond) // a session busy drawing
	})
	if took := time.Since(start); took > 500*time.Millisecond {
		t.Errorf("the sync waited for its slow caller: %s for %d progress calls", took, calls.Load())
	}
}

func TestCloseStopsSyncsAndRefusesNewOnes(t *testing.T) {
	syncs := NewSyncs(nil)
	bot := &slowSync{d: time.Hour}
	syncs.Add("bot", bot.run)
	go syncs.Sync(context.Background(), "bot", 1, 2, nil)
	for bot.runs.Load() == 0 {
		time.Sleep(time.Millisecond)
	}
	syncs.Close() // returns: the running sync was cancelled
	if _, err := syncs.Sync(context.Background(), "bot", 1, 2, nil); !errors.Is(err, ErrStopped) {
		t.Errorf("after Close: %v", err)
	}
}

func TestFetchesOfAConversationShareOne(t *testing.T) {
	syncs := NewSyncs(nil)
	defer syncs.Close()
	var runs atomic.Int32
	get := func(ctx context.Context) error {
		runs.Add(1)
		time.Sleep(50 * time.Millisecond)
		return nil
	}
	var wg sync.WaitGroup
	for range 10 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := syncs.Fetch(context.Background(), "bot", 42, get); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	syncs.Fetch(context.Background(), "bot", 42, get) // fresh
	syncs.Fetch(context.Background(), "bot", 43, get) // another conversation
	if n := runs.Load(); n != 2 {
		t.Errorf("%d fetches ran, want 2", n)
	}
}
