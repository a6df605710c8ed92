package cli

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/neotui/neotui/api"
	"github.com/neotui/neotui/config"
	"github.com/neotui/neotui/internal/serve"
	"github.com/neotui/neotui/internal/store"
	"github.com/neotui/neotui/internal/syncer"
	"github.com/neotui/neotui/tui"
)

// session is a command's working set: the config, the chosen bot, the open
// store and, unless offline, a client.
type session struct {
	cfg    *config.Config
	bot    config.Bot
	store  *store.Store
	client *api.Client
}

// Close closes the store, and the client's idle connections: a command
// run in a longer-lived process (serve's tests) leaves none behind.
func (s *session) Close() error {
	if s.client != nil {
		s.client.CloseIdleConnections()
	}
	return s.store.Close()
}

// open loads the config, picks the bot and opens the store. Offline, a bot
// needs no key.
func (a *app) open() (*session, error) {
	cfg, bot, err := a.config()
	if err != nil {
		return nil, err
	}
	return a.openStore(cfg, bot, func(note string) { fmt.Fprintln(a.stderr, "neotui: "+note) })
}

// config loads the config and picks the bot. Offline, a bot needs no key.
func (a *app) config() (*config.Config, config.Bot, error) {
	cfg, err := config.Load(config.Options{Path: a.flags.config, BaseURL: a.flags.baseURL, Store: a.flags.store, Getenv: a.getenv})
	if err != nil {
		return nil, config.Bot{}, err
	}
	bot, err := cfg.Select(a.flags.bot)
	switch {
	case errors.Is(err, config.ErrUnknownBot) && a.flags.bot != "":
		return nil, config.Bot{}, usageErrorf("--bot: %v", err) // a typo on the command line
	case err != nil && !(a.flags.offline && errors.Is(err, config.ErrNoKey)):
		return nil, config.Bot{}, err
	}
	return cfg, bot, nil
}

// openStore opens cfg's store, with what an upgrade of it is doing told to
// note, and bot's client unless offline.
func (a *app) openStore(cfg *config.Config, bot config.Bot, note func(string)) (*session, error) {
	st, err := store.Open(cfg.StoreDSN(), store.OnUpgrade(note))
	if err != nil {
		return nil, err
	}
	s := &session{cfg: cfg, bot: bot, store: st}
	if a.flags.offline {
		return s, nil
	}
	if s.client, err = newClient(cfg, bot, st, a.userAgent()); err != nil {
		st.Close()
		return nil, fmt.Errorf("bot %q: %w", bot.Name, err)
	}
	return s, nil
}

// newClient is bot's API client under cfg. Every client is made here, the
// demo's too. Its rate limit is the bot's budget in st: every neotui on the
// store, a sync beside the browser or serve, spends the one limit.
func newClient(cfg *config.Config, bot config.Bot, st *store.Store, userAgent string) (*api.Client, error) {
	o := api.Options{
		BaseURL:          cfg.BaseURL,
		Key:              bot.Key.Reveal(),
		UserAgent:        userAgent,
		HistoryPerMinute: cfg.RateLimit,
		MaxResponseBytes: cfg.MaxResponseBytes,
		RequestTimeout:   cfg.RequestTimeout,
	}
	if cfg.RateLimit > 0 {
		o.Limiter = st.Budget(bot.Serial, api.PerMinute(cfg.RateLimit))
	}
	return api.New(o)
}

func (a *app) userAgent() string { return "neotui/" + a.version }

// allBots are s first, then every other configured bot over the same store
// and config: the bots a browser switches between (b) or merges (All bots),
// on this terminal and over SSH alike. A bot without a key is left out: it
// cannot sync.
func (a *app) allBots(s *session) []*session {
	sessions := []*session{s}
	for _, b := range s.cfg.Bots {
		if b.Serial == s.bot.Serial {
			continue
		}
		if other, err := a.otherBot(s, b.Name); err == nil {
			sessions = append(sessions, other)
		}
	}
	return sessions
}

// otherBot is another bot's session over s's store and config.
func (a *app) otherBot(s *session, name string) (*session, error) {
	bot, err := s.cfg.Select(name)
	if err != nil {
		return nil, err
	}
	other := &session{cfg: s.cfg, bot: bot, store: s.store}
	if a.flags.offline {
		return other, nil
	}
	other.client, err = newClient(s.cfg, bot, s.store, a.userAgent())
	return other, err
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

// syncFunc syncs s's bot, telling progress: what a browser's bot runs, on
// this terminal directly, over SSH once for every session.
func (a *app) syncFunc(s *session) syncer.SyncFunc {
	return func(ctx context.Context, from, to api.Day, progress func(syncer.Progress)) (syncer.Report, error) {
		sy := s.syncer(a.now)
		sy.OnProgress = progress
		return sy.Sync(ctx, from, to)
	}
}

// fetchSession brings a conversation missing from the store into it: it is
// looked up through its lead (LeadList takes a session ID; history does
// not), and the days around the lead are synced.
func (s *session) fetchSession(ctx context.Context, id int64, sync func(from, to api.Day) error) error {
	leads, err := s.client.Leads(ctx, api.LeadsQuery{Serial: s.bot.Serial, SessionID: id})
	if err != nil {
		return err
	}
	for _, l := range leads {
		if !l.CreateTime.IsZero() { // an untimed lead dates nothing
			day := api.DayOf(l.CreateTime)
			return sync(day-1, day) // a conversation starts before its lead
		}
	}
	return nil
}

// browserBots are the sessions' bots as the browser on this terminal sees
// them: each syncs on its own.
func (a *app) browserBots(sessions []*session) []tui.Bot {
	bots := make([]tui.Bot, len(sessions))
	for i, s := range sessions {
		bots[i] = tui.Bot{Name: s.bot.Label(), Serial: s.bot.Serial}
		if s.client == nil {
			continue
		}
		bots[i].Sync = a.syncFunc(s)
		bots[i].FetchSession = func(ctx context.Context, id int64) error {
			return s.fetchSession(ctx, id, func(from, to api.Day) error {
				_, err := s.syncer(a.now).Sync(ctx, from, to)
				return err
			})
		}
		bots[i].MessageCount = s.messageCount
	}
	return bots
}

// servedBots are the sessions' bots as every SSH session sees them: each
// syncs through syncs, one sync per bot for every session.
func (a *app) servedBots(sessions []*session, syncs *serve.Syncs) []tui.Bot {
	bots := make([]tui.Bot, len(sessions))
	for i, s := range sessions {
		bots[i] = tui.Bot{Name: s.bot.Label(), Serial: s.bot.Serial}
		if s.client == nil {
			continue
		}
		serial := s.bot.Serial
		bots[i].MessageCount = s.messageCount
		syncs.Add(serial, a.syncFunc(s))
		bots[i].Sync = syncs.Func(serial)
		bots[i].FetchSession = func(ctx context.Context, id int64) error {
			return syncs.Fetch(ctx, serial, id, func(ctx context.Context) error {
				return s.fetchSession(ctx, id, func(from, to api.Day) error {
					_, err := syncs.Sync(ctx, serial, from, to, nil)
					return err
				})
			})
		}
	}
	return bots
}
