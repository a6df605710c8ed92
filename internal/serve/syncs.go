package serve

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sync"
	"sync/atomic"
	"time"

	"charm.land/log/v2"

	"github.com/neotui/neotui/api"
	"github.com/neotui/neotui/internal/syncer"
)

// DefaultFresh is how long a finished sync answers later calls for the same
// days without a new request.
const DefaultFresh = 30 * time.Second

// ErrStopped is a sync asked for after Close.
var ErrStopped = errors.New("the server is stopping")

// Syncs runs the syncs of every session, so that twenty teammates opening
// the browser at nine cost Neoagent one sync, not twenty:
//
//   - a call whose days a running sync of the same bot covers joins it and
//     sees its progress (singleflight);
//   - a call whose days a sync finished less than Fresh ago covered gets that
//     sync's result, without a request;
//   - otherwise it waits for the bot's running sync, if any, then starts one.
//
// Syncs run on the server's context, not the caller's: a teammate quitting
// does not cancel the sync the others are waiting for.
type Syncs struct {
	Fresh time.Duration
	log   *log.Logger
	now   func() time.Time

	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup

	mu      sync.Mutex
	bots    map[string]*botSyncs
	order   []string
	fetches map[fetchKey]*fetch
	started atomic.Int64
}

// fetchKey is one conversation of one bot.
type fetchKey struct {
	serial string
	id     int64
}

// fetch is one conversation being fetched, or fetched lately.
type fetch struct {
	done     chan struct{}
	err      error
	finished time.Time
}

type botSyncs struct {
	run     syncer.SyncFunc
	running *flight
	recent  []*flight // finished without error, newest last
}

// flight is one sync under way or finished.
type flight struct {
	from, to api.Day
	done     chan struct{}
	rep      syncer.Report
	err      error
	finished time.Time

	mu      sync.Mutex
	subs    map[chan syncer.Progress]struct{}
	last    syncer.Progress
	hasLast bool
}

// NewSyncs returns a runner with no bots; logger may be nil.
func NewSyncs(logger *log.Logger) *Syncs {
	if logger == nil {
		logger = log.New(io.Discard)
	}
	ctx, cancel := context.WithCancel(context.Background())
	return &Syncs{Fresh: DefaultFresh, log: logger, now: time.Now, ctx: ctx, cancel: cancel,
		bots: make(map[string]*botSyncs), fetches: make(map[fetchKey]*fetch)}
}

// Add registers a bot's sync. Call before any Sync.
func (s *Syncs) Add(serial string, run syncer.SyncFunc) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.bots[serial]; !ok {
		s.order = append(s.order, serial)
	}
	s.bots[serial] = &botSyncs{run: run}
}

// Func is the bot's shared sync, for one session's browser.
func (s *Syncs) Func(serial string) syncer.SyncFunc {
	return func(ctx context.Context, from, to api.Day, progress func(syncer.Progress)) (syncer.Report, error) {
		return s.Sync(ctx, serial, from, to, progress)
	}
}

// Started is how many syncs have actually run.
func (s *Syncs) Started() int64 { return s.started.Load() }

// Sync syncs the bot's days from..to, sharing a running or fresh sync that
// covers them. progress, if not nil, gets the shared sync's progress (the
// newest only, when the caller is slower than the sync).
func (s *Syncs) Sync(ctx context.Context, serial string, from, to api.Day, progress func(syncer.Progress)) (syncer.Report, error) {
	for {
		s.mu.Lock()
		if s.ctx.Err() != nil {
			s.mu.Unlock()
			return syncer.Report{}, ErrStopped
		}
		b := s.bots[serial]
		if b == nil {
			s.mu.Unlock()
			return syncer.Report{}, fmt.Errorf("bot %s is not served", serial)
		}
		if f := b.running; f != nil {
			if f.covers(from, to) {
				sub := f.subscribe()
				s.mu.Unlock()
				return f.wait(ctx, sub, progress)
			}
			s.mu.Unlock()
			select { // one sync per bot at a time: wait, then look again
			case <-f.done:
				continue
			case <-ctx.Done():
				return syncer.Report{}, ctx.Err()
			}
		}
		if f := b.fresh(from, to, s.now(), s.Fresh); f != nil {
			s.mu.Unlock()
			return f.rep, f.err
		}
		f := &flight{from: from, to: to, done: make(chan struct{}), subs: make(map[chan syncer.Progress]struct{})}
		b.running = f
		sub := f.subscribe()
		s.wg.Add(1)
		s.started.Add(1)
		go s.fly(b, f)
		s.mu.Unlock()
		return f.wait(ctx, sub, progress)
	}
}

func (s *Syncs) fly(b *botSyncs, f *flight) {
	defer s.wg.Done()
	rep, err := b.run(s.ctx, f.from, f.to, f.broadcast)
	s.mu.Lock()
	defer s.mu.Unlock()
	f.rep, f.err, f.finished = rep, err, s.now()
	b.running = nil
	if err == nil { // a failure is not kept: the next call tries again
		b.recent = append(b.recent, f)
		if len(b.recent) > 8 {
			b.recent = b.recent[1:]
		}
	}
	close(f.done)
}

// fresh is a finished sync covering from..to, younger than maxAge.
func (b *botSyncs) fresh(from, to api.Day, now time.Time, maxAge time.Duration) *flight {
	for i := len(b.recent) - 1; i >= 0; i-- {
		if f := b.recent[i]; f.covers(from, to) && now.Sub(f.finished) < maxAge {
			return f
		}
	}
	return nil
}

func (f *flight) covers(from, to api.Day) bool { return f.from <= from && to <= f.to }

func (f *flight) subscribe() chan syncer.Progress {
	f.mu.Lock()
	defer f.mu.Unlock()
	ch := make(chan syncer.Progress, 1)
	if f.hasLast {
		ch <- f.last
	}
	f.subs[ch] = struct{}{}
	return ch
}

func (f *flight) unsubscribe(ch chan syncer.Progress) {
	f.mu.Lock()
	defer f.mu.Unlock()
	delete(f.subs, ch)
}

// broadcast hands p to every waiter without ever blocking the sync: a
// waiter that has not taken the previous progress gets this one instead.
func (f *flight) broadcast(p syncer.Progress) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.last, f.hasLast = p, true
	for ch := range f.subs {
		select {
		case ch <- p:
			continue
		default:
		}
		select {
		case <-ch:
		default:
		}
		select {
		case ch <- p:
		default:
		}
	}
}

func (f *flight) wait(ctx context.Context, sub chan syncer.Progress, progress func(syncer.Progress)) (syncer.Report, error) {
	defer f.unsubscribe(sub)
	for {
		select {
		case p := <-sub:
			if progress != nil {
				progress(p)
			}
		case <-f.done:
			select {
			case p := <-sub:
				if progress != nil {
					progress(p)
				}
			default:
			}
			return f.rep, f.err
		case <-ctx.Done():
			return syncer.Report{}, ctx.Err()
		}
	}
}

// Fetch brings one missing conversation in with get, once for every session
// asking for it at the same time or within Fresh after: the browser asks
// when it shows a lead whose conversation is not stored yet, which, during
// the first sync, every session does for the same lead.
func (s *Syncs) Fetch(ctx context.Context, serial string, id int64, get func(ctx context.Context) error) error {
	k := fetchKey{serial, id}
	s.mu.Lock()
	if s.ctx.Err() != nil {
		s.mu.Unlock()
		return ErrStopped
	}
	now := s.now()
	for key, f := range s.fetches { // forget old ones: the map stays small
		if !f.finished.IsZero() && now.Sub(f.finished) >= s.Fresh {
			delete(s.fetches, key)
		}
	}
	f := s.fetches[k]
	if f == nil {
		f = &fetch{done: make(chan struct{})}
		s.fetches[k] = f
		s.wg.Add(1)
		go func() {
			defer s.wg.Done()
			err := get(s.ctx)
			s.mu.Lock()
			defer s.mu.Unlock()
			f.err, f.finished = err, s.now()
			if err != nil {
				delete(s.fetches, k) // a failure is not kept
			}
			close(f.done)
		}()
	}
	s.mu.Unlock()
	select {
	case <-f.done:
		return f.err
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Refresh syncs every bot's days from..to, one bot after another.
func (s *Syncs) Refresh(ctx context.Context, from, to api.Day) {
	s.mu.Lock()
	serials := append([]string(nil), s.order...)
	s.mu.Unlock()
	for _, serial := range serials {
		start := time.Now()
		rep, err := s.Sync(ctx, serial, from, to, nil)
		switch {
		case errors.Is(err, ErrStopped), ctx.Err() != nil:
			return
		case err != nil:
			s.log.Warn("sync failed", "bot", serial, "err", err)
		default:
			s.log.Info("synced", "bot", serial, "requests", rep.Requests, "new_leads", rep.Changes.NewLeads,
				"took", time.Since(start).Round(time.Millisecond))
		}
	}
}

// Loop refreshes every bot now and then every interval (never when interval
// is not positive), until ctx ends. window gives the days to sync, asked
// each time: today moves.
func (s *Syncs) Loop(ctx context.Context, every time.Duration, window func() (from, to api.Day)) {
	from, to := window()
	s.Refresh(ctx, from, to)
	if every <= 0 {
		return
	}
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			from, to := window()
			s.Refresh(ctx, from, to)
		}
	}
}

// Close cancels running syncs and waits for them to return: after it, no
// sync touches the store.
func (s *Syncs) Close() {
	s.mu.Lock()
	s.cancel()
	s.mu.Unlock()
	s.wg.Wait()
}
