package tui

import (
	"context"
	"time"

	"github.com/neotui/neotui/api"
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
}

// shared is the one context every model holds by pointer: sizes, styles,
// keys, and where the data is.
type shared struct {
	Options
	width, height int
	styles        Styles
	keys          KeyMap
	ctx           context.Context
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
