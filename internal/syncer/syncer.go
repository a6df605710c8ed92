// Package syncer fills the local store from the Neoagent API: it plans
// which UTC days need fetching, fetches them in windows as wide as the API
// accepts, halves the width when the API finds a window too large (and
// remembers it per bot), and commits each window in one transaction.
package syncer

import (
	"context"
	"errors"
	"fmt"
	"math"
	"time"

	"github.com/neotui/neotui/api"
	"github.com/neotui/neotui/internal/store"
)

// DefaultWindowDays is the widest history window a sync asks for: a month.
// Neoagent advises fewer, longer windows over many calls, and answers one
// it finds too large with 413; the syncer then halves the width, and
// remembers the width that worked (store.HistoryWindow).
const DefaultWindowDays = 31

// Source is where data comes from: *api.Client.
type Source interface {
	Leads(ctx context.Context, q api.LeadsQuery) ([]api.Lead, error)
	History(ctx context.Context, q api.HistoryQuery) ([]api.Session, error)
}

// Progress is reported before each window, whenever the sync has to wait,
// and once at the end.
type Progress struct {
	Endpoint    store.Endpoint
	Done, Total int     // windows of this sync, both endpoints together
	Window      api.Day // the first day of the window being fetched
	WindowTo    api.Day
	Changes     store.Changes // so far
	// Notice, when not empty, is why the sync waits: Neoagent limiting or
	// failing requests, or another neotui syncing the bot (Waiting). Retry
	// is when the request goes again; zero when that is not known.
	Notice string
	Retry  time.Time
}

// Paused is the notice as a line, the cause first: "Neoagent is limiting
// requests — retrying in 20 s"; "" when the sync is not waiting.
func (p Progress) Paused(now time.Time) string {
	switch {
	case p.Notice == "":
		return ""
	case p.Retry.IsZero():
		return p.Notice
	}
	if secs := int(math.Ceil(p.Retry.Sub(now).Seconds())); secs > 0 {
		return fmt.Sprintf("%s — retrying in %d s", p.Notice, secs)
	}
	return p.Notice + " — retrying"
}

// Report says what a sync did.
type Report struct {
	Requests int // HTTP requests made, retries included
	Windows  int
	Changes  store.Changes
	// SkippedLeads were fetched without a usable CreateTime and not stored:
	// a lead is filed by its time, and one at 0001-01-01 is in no window.
	SkippedLeads int
}

// SyncFunc syncs one bot's UTC days from..to into the store, reporting
// progress if it is not nil: a Syncer's Sync as the browser and the
// commands call it, or one shared by a server's sessions.
type SyncFunc func(ctx context.Context, from, to api.Day, progress func(Progress)) (Report, error)

// FetchFunc brings one conversation missing from the store into it.
type FetchFunc func(ctx context.Context, sessionID int64) error

// Syncer syncs one bot.
type Syncer struct {
	Source     Source
	Store      *store.Store
	Serial     string
	WindowDays int              // widest history window; DefaultWindowDays when 0
	Now        func() time.Time // time.Now when nil
	OnProgress func(Progress)   // optional
	// LeadsOnly skips history: for a command that prints leads, one
	// request instead of a window per week at 10 a minute.
	LeadsOnly bool
}

// Sync brings the UTC days from..to up to date: leads first (one request
// for the whole stale range), then history, newest window first. What was
// committed before an error stays committed; the report counts it.
//
// One sync of a bot runs at a time, whichever neotui on the store starts
// it: a second waits for the first, then fetches only what the first did
// not (the days it fetched count as fresh).
func (s *Syncer) Sync(ctx context.Context, from, to api.Day) (Report, error) {
	var rep Report
	held, unlock, joined, owner, err := s.lock(ctx)
	if err != nil {
		return rep, err
	}
	defer unlock()
	rep, err = s.sync(held, from, to, joined, owner)
	if cause := context.Cause(held); err != nil && errors.Is(cause, store.ErrLeaseLost) {
		err = cause // not "context canceled": why it was
	}
	return rep, err
}

// sync runs a sync that holds the bot's lease, as owner.
func (s *Syncer) sync(ctx context.Context, from, to api.Day, joined time.Time, owner string) (Report, error) {
	var rep Report
	now := s.now()
	leadMarks, err := s.Store.Marks(ctx, s.Serial, store.EndpointLeads, from, to)
	if err != nil {
		return rep, err
	}
	r := run{s: s, rep: &rep, ctx: ctx, owner: owner}
	r.leads = queue{spans: cover(stale(from, to, leadMarks, now, joined)), width: math.MaxInt}
	if !s.LeadsOnly {
		histMarks, err := s.Store.Marks(ctx, s.Serial, store.EndpointHistory, from, to)
		if err != nil {
			return rep, err
		}
		if r.width, err = s.startWidth(ctx); err != nil {
			return rep, err
		}
		r.hist = queue{spans: runs(stale(from, to, histMarks, now, joined)), width: r.width}
	}

	// Every request counts, retries too: each one spends the rate limit.
	ctx = api.WithTrace(ctx, &api.Trace{Request: func() { rep.Requests++ }, Retry: r.retrying})
	if err := r.drain(ctx, store.EndpointLeads, &r.leads); err != nil {
		return rep, err
	}
	if err := r.drain(ctx, store.EndpointHistory, &r.hist); err != nil {
		return rep, err
	}
	r.progress(Progress{})
	return rep, nil
}

// startWidth is the first history window's width: the configured widest,
// or narrower if Neoagent refused that for this bot before.
func (s *Syncer) startWidth(ctx context.Context) (int, error) {
	width := s.windowDays()
	known, err := s.Store.HistoryWindow(ctx, s.Serial)
	if known > 0 {
		width = min(width, known)
	}
	return width, err
}

func (s *Syncer) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

func (s *Syncer) windowDays() int {
	if s.WindowDays > 0 {
		return s.WindowDays
	}
	return DefaultWindowDays
}

// run is the state of one Sync call.
type run struct {
	s           *Syncer
	rep         *Report
	leads, hist queue
	width       int // the history width the sync started at, or remembered since
	done        int
	at          Progress // the window being fetched
	ctx         context.Context
	owner       string // the lease's holder
	told        string // the progress told the neotuis waiting for it
}

func (r *run) progress(p Progress) {
	p.Done, p.Total, p.Changes = r.done, r.done+r.leads.left()+r.hist.left(), r.rep.Changes
	if p.Endpoint != "" {
		// For a neotui waiting for this sync to end (lock), in this
		// process or on another server: "history 2/5". Not worth failing
		// the sync over.
		if told := fmt.Sprintf("%s %d/%d", p.Endpoint, min(p.Done+1, p.Total), p.Total); told != r.told {
			r.s.Store.SetSyncProgress(r.ctx, r.s.Serial, r.owner, told)
			r.told = told
		}
	}
	if r.s.OnProgress != nil {
		r.s.OnProgress(p)
	}
}

// drain fetches and saves q's windows, narrowing them while the API says
// they are too large. A history width narrowed that way is remembered,
// for the bot's next syncs, once a window that wide has worked.
func (r *run) drain(ctx context.Context, ep store.Endpoint, q *queue) error {
	for {
		w, ok := q.next()
		if !ok {
			return nil
		}
		err := r.fetch(ctx, ep, w)
		if errors.Is(err, api.ErrRangeTooLarge) && q.narrow(w) {
			continue
		}
		if err != nil {
			return fmt.Errorf("syncing %s %s…%s: %w", ep, w.from, w.to, err)
		}
		q.done(w)
		if ep == store.EndpointHistory && w.days() == q.width && q.width < r.width {
			r.width = q.width
			if err := r.s.Store.SetHistoryWindow(ctx, r.s.Serial, q.width); err != nil {
				return err
			}
		}
	}
}

// fetch fetches and saves one window.
func (r *run) fetch(ctx context.Context, ep store.Endpoint, w span) error {
	r.at = Progress{Endpoint: ep, Window: w.from, WindowTo: w.to}
	r.progress(r.at)
	fetched := r.s.now() // before the request: a day is complete only if asked after it ended
	var (
		changes store.Changes
		skipped int
		err     error
	)
	switch ep {
	case store.EndpointLeads:
		var leads []api.Lead
		leads, err = r.s.Source.Leads(ctx, api.LeadsQuery{Serial: r.s.Serial, From: w.from, To: w.to})
		if err == nil {
			leads, skipped = timed(leads)
			changes, err = r.s.Store.SaveLeads(ctx, r.s.Serial, w.from, w.to, fetched, leads)
		}
	case store.EndpointHistory:
		var sessions []api.Session
		sessions, err = r.s.Source.History(ctx, api.HistoryQuery{Serial: r.s.Serial, From: w.from, To: w.to})
		if err == nil {
			changes, err = r.s.Store.SaveHistory(ctx, r.s.Serial, w.from, w.to, fetched, sessions)
		}
	}
	if err != nil {
		return err
	}
	r.done++
	r.rep.Windows++
	r.rep.Changes.Add(changes)
	r.rep.SkippedLeads += skipped
	return nil
}

// retrying tells why the sync pauses before a request goes again.
func (r *run) retrying(e *api.Error, wait time.Duration) {
	p := r.at
	p.Notice, p.Retry = retryCause(e), r.s.now().Add(wait)
	r.progress(p)
}

func retryCause(e *api.Error) string {
	switch e.Kind {
	case api.ErrRateLimited:
		return "Neoagent is limiting requests"
	case api.ErrServer:
		return "Neoagent had a server error"
	case api.ErrNetwork:
		return "Neoagent did not answer"
	}
	return "a request to Neoagent failed"
}

// timed returns the leads that have a time, and how many do not. A lead is
// known by its bot, session and time: without a time it would be filed at
// 0001-01-01, outside every range, and confused with any other untimed lead
// of its session.
func timed(leads []api.Lead) ([]api.Lead, int) {
	kept := leads[:0]
	for _, l := range leads {
		if !l.CreateTime.IsZero() {
			kept = append(kept, l)
		}
	}
	return kept, len(leads) - len(kept)
}
