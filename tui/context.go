package tui

import (
	"context"
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

	mu     sync.Mutex
	writes map[[2]string]int64 // bot and lead key → the last version this program wrote

	profile     colorprofile.Profile // the terminal's colours, once told
	masked      bool                 // ctrl+p: emails and phones hidden
	anyStatus   bool                 // some lead has a status: the column shows for all
	allBots     bool                 // the All bots inbox
	snoozedOnly bool                 // Z: the snoozed leads instead of the others
}

// remember notes a version this program wrote (actions run in Cmds, so
// concurrently).
func (s *shared) remember(c store.Change) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.writes == nil {
		s.writes = map[[2]string]int64{}
	}
	s.writes[[2]string{c.Bot, c.Key}] = c.After.Version
}

// wrote reports whether version v of a lead is this program's own write.
func (s *shared) wrote(bot, key string, v int64) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return v != 0 && s.writes[[2]string{bot, key}] == v
}

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
