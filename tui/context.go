package tui

import (
	"context"
	"errors"
	"slices"
	"sync"
	"time"

	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/ansi"

	"github.com/neotui/neotui/api"
	"github.com/neotui/neotui/internal/safetext"
	"github.com/neotui/neotui/internal/store"
	"github.com/neotui/neotui/internal/syncer"
)

// Options are what the browser needs from the outside world.
type Options struct {
	Store    *store.Store
	BotName  string
	Serial   string
	Location *time.Location   // times are shown in this zone; UTC if nil
	Now      func() time.Time // time.Now if nil

	// Sync fetches from..to into the store, reporting progress; nil when
	// offline. It runs off the UI goroutine.
	Sync func(ctx context.Context, from, to api.Day, progress func(syncer.Progress)) (syncer.Report, error)
	// FetchSession brings one missing conversation into the store; nil
	// when offline.
	FetchSession func(ctx context.Context, id int64) error
	// SyncDays is how many days the start-up sync covers (default 30).
	SyncDays int

	// User is who acts: the author of notes and statuses ($USER, or the
	// SSH user when served).
	User string
	// RefreshEvery is how often to sync in the background (default 5
	// minutes; negative: never).
	RefreshEvery time.Duration
	// PollEvery is how often to look for triage changes made elsewhere
	// (another process, a teammate's session): default 1 s; negative: never.
	PollEvery time.Duration
	// Quiet turns the bell for new leads off.
	Quiet bool
	// Bots are every configured bot, for b (switch bot) and the All bots
	// inbox; the one above is among them. Empty: just the one above.
	Bots []Bot
	// NoExport turns e (export to a file) off: under neotui serve the file
	// would land on the server, not with the SSH user.
	NoExport bool
}

// Bot is one configured bot the browser can switch to.
type Bot struct {
	Name, Serial string
	Sync         func(ctx context.Context, from, to api.Day, progress func(syncer.Progress)) (syncer.Report, error)
	FetchSession func(ctx context.Context, id int64) error
}

// shared is the one context every model holds by pointer: sizes, styles,
// keys, and where the data is.
type shared struct {
	Options
	width, height int
	styles        Styles
	keys          KeyMap
	ctx           context.Context

	actMu  sync.Mutex              // one triage write at a time, with its remembering
	mu     sync.Mutex              // guards writes
	writes map[[2]string][]int64   // bot and lead key → the versions this program wrote, newest last
	stars  map[[2]string]starWrite // bot and lead key → this program's last star change

	profile     colorprofile.Profile // the terminal's colours, once told
	masked      bool                 // ctrl+p: emails and phones hidden
	allBots     bool                 // the All bots inbox
	snoozedOnly bool                 // Z: the snoozed leads instead of the others
}

// rememberWrites is how many of its versions of one lead a program
// remembers: more than anyone presses keys on a lead between two reloads.
const rememberWrites = 16

// remember notes a version this program wrote.
func (s *shared) remember(c store.Change) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.writes == nil {
		s.writes = map[[2]string][]int64{}
	}
	k := [2]string{c.Bot, c.Key}
	vs := append(s.writes[k], c.After.Version)
	s.writes[k] = vs[max(len(vs)-rememberWrites, 0):]
	if c.Before.Starred != c.After.Starred {
		if s.stars == nil {
			s.stars = map[[2]string]starWrite{}
		}
		s.stars[k] = starWrite{c.After.Version, c.After.Starred}
	}
}

// starWrite is a star this program set (or took off) at a version.
type starWrite struct {
	version int64
	starred bool
}

// starredSince reports the star this program last set on a lead after
// version v, if it did.
func (s *shared) starredSince(bot, key string, v int64) (starred, ok bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	w, ok := s.stars[[2]string{bot, key}]
	return w.starred, ok && w.version > v
}

// wrote reports whether version v of a lead is this program's own write.
func (s *shared) wrote(bot, key string, v int64) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return v != 0 && slices.Contains(s.writes[[2]string{bot, key}], v)
}

// ownClashes tells whether every change a conflict names is this
// program's; when not, it blames the newest that is someone else's, so the
// refusal names them and not "you".
func (s *shared) ownClashes(ce *store.ConflictError) bool {
	for _, c := range ce.Clashes {
		if !s.wrote(ce.Bot, ce.Key, c.Version) {
			ce.Blame(c)
			return false
		}
	}
	return len(ce.Clashes) > 0
}

// act runs one triage write, do, on the version the user saw. Actions run
// in Cmds, concurrently; act runs them one at a time, each remembered before
// the next starts. A refusal over a change this program made itself (two
// quick keys on one lead, before the list reloaded) is no conflict: do goes
// again on that version, and the store still refuses over anyone else's
// change after it.
func (s *shared) act(expect int64, do func(expect int64) (store.Change, error)) (store.Change, error) {
	s.actMu.Lock()
	defer s.actMu.Unlock()
	for {
		ch, err := do(expect)
		var ce *store.ConflictError
		if errors.As(err, &ce) && s.ownClashes(ce) {
			expect = ce.Clashes[0].Version
			continue
		}
		if err == nil && ch.Changed() {
			s.remember(ch)
		}
		return ch, err
	}
}

// fetcherFor is how to fetch a missing conversation of bot (a serial):
// in the All bots inbox each lead's own bot's; nil offline.
func (s *shared) fetcherFor(bot string) func(context.Context, int64) error {
	if !s.allBots && bot == s.Serial {
		return s.FetchSession
	}
	for _, b := range s.Bots {
		if b.Serial == bot {
			return b.FetchSession
		}
	}
	return nil
}

// syncing is what a sync brings up to date: the current bot, or in the All
// bots inbox every bot that can sync, in the configured order.
// None offline.
func (s *shared) syncing() []Bot {
	bots := []Bot{{Name: s.BotName, Serial: s.Serial, Sync: s.Sync}}
	if s.allBots {
		bots = s.Bots
	}
	return slices.DeleteFunc(slices.Clone(bots), func(b Bot) bool { return b.Sync == nil })
}

// online reports that there is something to sync.
func (s *shared) online() bool { return len(s.syncing()) > 0 }

// botWidth is the All bots inbox's bot column: the longest name, within
// 6..22 cells.
func (s *shared) botWidth() int {
	w := 6
	for _, b := range s.Bots {
		w = max(w, ansi.StringWidth(safetext.Line(b.Name)))
	}
	return min(w, 22)
}

// who names an operator in a message: "you (in another window)" for this
// user, "someone" for nobody.
func (s *shared) who(name string) string {
	switch name {
	case "":
		return "someone"
	case s.user():
		return "you (in another window)"
	}
	return safetext.Line(name)
}

func (s *shared) user() string {
	if s.User != "" {
		return s.User
	}
	return "neotui"
}

func (s *shared) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

func (s *shared) loc() *time.Location {
	if s.Location != nil {
		return s.Location
	}
	return time.UTC
}
