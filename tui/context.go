package tui

import (
	"context"
	"slices"
	"sync"
	"time"

	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/ansi"

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
	Sync syncer.SyncFunc
	// FetchSession brings one missing conversation into the store; nil
	// when offline.
	FetchSession syncer.FetchFunc
	// SyncDays is how many days the start-up sync covers (default 30).
	SyncDays int

	// User is who acts: the author of notes and statuses ($USER, or the
	// SSH user when served).
	User string
	// RefreshEvery is how often to sync in the background (default 5
	// minutes; negative: never).
	RefreshEvery time.Duration
	// PollEvery is how often to look for triage changes made elsewhere
	// (another process, a teammate's session): default 1 s, or 30 s where
	// the store sends notices of them (PostgreSQL), which then do the
	// work; negative: never (notices still do).
	PollEvery time.Duration
	// FlashFor is how long a confirmation stays in the status line (default
	// 5 s; a warning twice as long); negative: until the next message.
	FlashFor time.Duration
	// Quiet turns the bell for new leads off.
	Quiet bool
	// Bots are every configured bot, for b (switch bot) and the All bots
	// inbox; the one above is among them. Empty: just the one above.
	Bots []Bot
	// NoExport turns e (export to a file) off: under neotui serve the file
	// would land on the server, not with the SSH user.
	NoExport bool
	// ExportDir is the folder e proposes and a relative name goes to
	// (export_dir); "" for the working directory.
	ExportDir string
	// ConfigFile, StorePath and Version are what ? says the browser runs
	// on: the config file read ("": none), the store's file, neotui's
	// version.
	ConfigFile, StorePath, Version string
	// Editor is the user's editor, a command line ($VISUAL, else $EDITOR):
	// ctrl+e in the note editor runs it on the note's text.
	Editor string
	// NoEditor turns ctrl+e off: under neotui serve the editor would run
	// on the server, and an editor runs commands (vim's :!).
	NoEditor bool
	// NoMouse leaves the mouse to the terminal (mouse: false in the
	// config): no clicks or wheel for the browser.
	NoMouse bool
}

// Bot is one configured bot the browser can switch to.
type Bot struct {
	Name, Serial string
	Sync         syncer.SyncFunc
	FetchSession syncer.FetchFunc
	// MessageCount asks Neoagent how many messages the bot's history
	// holds (the Stats tab shows how many are stored); nil offline.
	MessageCount func(context.Context) (int64, error)
}

// shared is the one context every model holds by pointer: sizes, styles,
// keys, and where the data is.
type shared struct {
	Options
	// syncs are the background syncs running: Close waits for them to
	// give the bot's sync lease back, or it would hold the bot for its
	// whole lease after neotui ends.
	syncs         sync.WaitGroup
	width, height int
	styles        *Styles // replaced whole when the terminal says more of itself, never changed
	keys          KeyMap
	ctx           context.Context

	notices <-chan store.Notice // the store's notices of changes; nil: it sends none
	reads   int                 // reads of the triage sequence issued (readTriageSeq)

	op          *store.Operator      // this program's triage writes, and its own conflicts retried
	profile     colorprofile.Profile // the terminal's colours, once told
	masked      bool                 // ctrl+p: emails and phones hidden
	allBots     bool                 // the All bots inbox
	snoozedOnly bool                 // Z: the snoozed leads instead of the others
}

// fetcherFor is how to fetch a missing conversation of bot (a serial):
// in the All bots inbox each lead's own bot's; nil offline.
func (s *shared) fetcherFor(bot string) syncer.FetchFunc {
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
