package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"time"

	"golang.org/x/term"

	"github.com/neotui/neotui/api"
	"github.com/neotui/neotui/config"
	"github.com/neotui/neotui/internal/store"
	"github.com/neotui/neotui/internal/syncer"
)

// app holds what every command shares: streams, environment, global flags.
type app struct {
	stdout, stderr io.Writer
	getenv         func(string) string
	now            func() time.Time
	version        string // neotui's, for --version and the User-Agent
	flags          struct {
		config, bot, baseURL string
		offline              bool
	}
}

// session is a command's working set: the config, the chosen bot, the open
// store and, unless offline, a client.
type session struct {
	cfg    *config.Config
	bot    config.Bot
	store  *store.Store
	client *api.Client
}

func (s *session) Close() error { return s.store.Close() }

// open loads the config, picks the bot and opens the store. Offline, a bot
// needs no key.
func (a *app) open() (*session, error) {
	cfg, err := config.Load(config.Options{Path: a.flags.config, BaseURL: a.flags.baseURL, Getenv: a.getenv})
	if err != nil {
		return nil, err
	}
	bot, err := cfg.Select(a.flags.bot)
	switch {
	case errors.Is(err, config.ErrUnknownBot) && a.flags.bot != "":
		return nil, usageErrorf("--bot: %v", err) // a typo on the command line
	case err != nil && !(a.flags.offline && errors.Is(err, config.ErrNoKey)):
		return nil, err
	}
	st, err := store.Open(cfg.StorePath())
	if err != nil {
		return nil, err
	}
	s := &session{cfg: cfg, bot: bot, store: st}
	if a.flags.offline {
		return s, nil
	}
	s.client, err = api.New(api.Options{
		BaseURL:          cfg.BaseURL,
		Key:              bot.Key.Reveal(),
		UserAgent:        "neotui/" + a.version,
		HistoryPerMinute: cfg.RateLimit,
		MaxResponseBytes: cfg.MaxResponseBytes,
	})
	if err != nil {
		st.Close()
		return nil, fmt.Errorf("bot %q: %w", bot.Name, err)
	}
	return s, nil
}

// syncer syncs the session's bot.
func (s *session) syncer(now func() time.Time) *syncer.Syncer {
	return &syncer.Syncer{
		Source:     s.client,
		Store:      s.store,
		Serial:     s.bot.Serial,
		WindowDays: s.cfg.HistoryWindowDays,
		Now:        now,
	}
}

// fetchSession brings a conversation missing from the store into it: it is
// looked up through its lead (LeadList takes a session ID; history does
// not), and the days around the lead are synced.
func (s *session) fetchSession(ctx context.Context, id int64, sync func(from, to api.Day) error) error {
	leads, err := s.client.Leads(ctx, api.LeadsQuery{Serial: s.bot.Serial, SessionID: id})
	if err != nil || len(leads) == 0 {
		return err
	}
	day := api.DayOf(leads[0].CreateTime)
	return sync(day-1, day) // a conversation starts before its lead
}

// sync brings from..to up to date: progress on stderr when it is a
// terminal, else a line per stored window to log (nil: none). A failed sync
// is returned for the caller to report after printing what is stored.
func (a *app) sync(ctx context.Context, s *session, from, to api.Day, leadsOnly bool, log io.Writer) (syncer.Report, error) {
	if s.client == nil {
		return syncer.Report{}, nil
	}
	sy := s.syncer(a.now)
	sy.LeadsOnly = leadsOnly
	tty := isTerminal(a.stderr)
	logged := 0 // windows logged as stored
	sy.OnProgress = func(p syncer.Progress) {
		if p.Total == 0 || p.Endpoint == "" {
			if tty {
				fmt.Fprint(a.stderr, "\r\033[K") // done: clear the progress line
			}
			return
		}
		line := fmt.Sprintf("syncing %s %d/%d (%s…%s)", p.Endpoint, min(p.Done+1, p.Total), p.Total, p.Window, p.WindowTo)
		switch {
		case tty:
			fmt.Fprint(a.stderr, "\r\033[K"+line)
		case log != nil && p.Done > logged:
			logged = p.Done
			// Into a log (cron, systemd): a line per window stored, so a
			// long sync shows it is moving.
			fmt.Fprintf(log, "stored %d/%d windows: %s so far\n", p.Done, p.Total, describeChanges(p.Changes))
		}
	}
	rep, err := sy.Sync(ctx, from, to)
	if err != nil && tty {
		fmt.Fprint(a.stderr, "\r\033[K")
	}
	return rep, err
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// terminalWidth is the width to fit tables to: the terminal's, else
// $COLUMNS, else 0 (no limit) when output goes to a file or pipe.
func (a *app) terminalWidth() int {
	if f, ok := a.stdout.(*os.File); ok {
		if w, _, err := term.GetSize(int(f.Fd())); err == nil && w > 0 {
			return w
		}
	}
	if w, err := strconv.Atoi(a.getenv("COLUMNS")); err == nil && w > 0 {
		return w
	}
	return 0
}
