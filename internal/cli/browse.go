package cli

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/spf13/cobra"

	"github.com/neotui/neotui/api"
	"github.com/neotui/neotui/api/apitest"
	"github.com/neotui/neotui/config"
	"github.com/neotui/neotui/internal/store"
	"github.com/neotui/neotui/internal/syncer"
	"github.com/neotui/neotui/tui"
)

// browse runs the interactive browser over the configured bot.
func (a *app) browse(cmd *cobra.Command) error {
	if !isTerminal(os.Stdin) || !isTerminal(a.stdout) {
		return errors.New("the browser needs a terminal; in scripts use neotui leads or neotui sessions")
	}
	s, err := a.open()
	if err != nil {
		return err
	}
	defer s.Close()
	var others []*session
	for _, b := range s.cfg.Bots {
		if b.Serial == s.bot.Serial {
			continue
		}
		if other, err := a.sessionFor(s, b.Name); err == nil {
			others = append(others, other) // a bot without a key is left out: it cannot sync
		}
	}
	return a.runBrowser(cmd.Context(), s, others)
}

// browserOptions are the browser over s's store, on bots[0] first, acting
// as user.
func (a *app) browserOptions(s *session, bots []tui.Bot, user string) tui.Options {
	first := bots[0]
	return tui.Options{
		Store:        s.store,
		BotName:      first.Name,
		Serial:       first.Serial,
		Sync:         first.Sync,
		FetchSession: first.FetchSession,
		Location:     s.cfg.Location,
		Now:          a.now,
		SyncDays:     s.cfg.InitialSyncDays,
		User:         user,
		Quiet:        !s.cfg.Bell,
		Bots:         append([]tui.Bot(nil), bots...),
	}
}

// runBrowser runs the Bubble Tea program until the user quits. Every
// configured bot with a key can be switched to (b), or merged (All bots).
func (a *app) runBrowser(ctx context.Context, s *session, others []*session) error {
	refresh := time.Duration(s.cfg.RefreshMinutes) * time.Minute
	if refresh == 0 {
		refresh = -1 // refresh_minutes: 0 means never
	}
	bots := []tui.Bot{a.browserBot(s)}
	for _, other := range others {
		bots = append(bots, a.browserBot(other))
	}
	opts := a.browserOptions(s, bots, firstNonEmpty(a.getenv("USER"), a.getenv("LOGNAME"), "neotui"))
	opts.RefreshEvery = refresh
	m := tui.New(opts)
	defer m.Close()
	p := tea.NewProgram(m, tea.WithContext(ctx), tea.WithOutput(a.stdout))
	_, err := p.Run()
	if errors.Is(err, tea.ErrProgramKilled) && ctx.Err() != nil {
		return ctx.Err()
	}
	return err
}

// browserBot is a session's bot as the browser sees it.
func (a *app) browserBot(s *session) tui.Bot {
	b := tui.Bot{Name: s.bot.Name, Serial: s.bot.Serial}
	if s.client == nil {
		return b
	}
	b.Sync = func(ctx context.Context, from, to api.Day, progress func(syncer.Progress)) (syncer.Report, error) {
		sy := s.syncer(a.now)
		sy.OnProgress = progress
		return sy.Sync(ctx, from, to)
	}
	b.FetchSession = func(ctx context.Context, id int64) error {
		return s.fetchSession(ctx, id, func(from, to api.Day) error {
			_, err := s.syncer(a.now).Sync(ctx, from, to)
			return err
		})
	}
	return b
}

// sessionFor is another bot's session over the same store and config.
func (a *app) sessionFor(s *session, name string) (*session, error) {
	bot, err := s.cfg.Select(name)
	if err != nil {
		return nil, err
	}
	other := &session{cfg: s.cfg, bot: bot, store: s.store}
	if a.flags.offline {
		return other, nil
	}
	other.client, err = api.New(api.Options{
		BaseURL:          s.cfg.BaseURL,
		Key:              bot.Key.Reveal(),
		UserAgent:        "neotui/" + a.version,
		HistoryPerMinute: s.cfg.RateLimit,
		MaxResponseBytes: s.cfg.MaxResponseBytes,
	})
	return other, err
}

func firstNonEmpty(s ...string) string {
	for _, x := range s {
		if x != "" {
			return x
		}
	}
	return ""
}

func (a *app) demoCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "demo",
		Short: "The browser over built-in sample data: no key, no network",
		Long: `Run the browser over built-in sample data: a fake Neoagent API on loopback
and a throwaway store, deleted on exit. Nothing leaves this machine.`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if !isTerminal(os.Stdin) || !isTerminal(a.stdout) {
				return errors.New("the demo is the interactive browser and needs a terminal")
			}
			return a.demo(cmd.Context())
		},
	}
}

// demo wires the browser to an in-process fake API on 127.0.0.1 and a store
// in a temporary directory.
func (a *app) demo(ctx context.Context) error {
	srv, ln, err := apitest.Listen("127.0.0.1:0", apitest.Options{Latency: 150 * time.Millisecond})
	if err != nil {
		return fmt.Errorf("starting the demo's fake API: %w", err)
	}
	go srv.Serve(ln)
	defer srv.Close()

	dir, err := os.MkdirTemp("", "neotui-demo-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	st, err := store.Open(dir + "/neotui.db")
	if err != nil {
		return err
	}
	client, err := api.New(api.Options{
		BaseURL:          "http://" + ln.Addr().String(),
		Key:              apitest.DefaultKey,
		UserAgent:        "neotui/" + a.version + " (demo)",
		HistoryPerMinute: -1, // the fake has no limit to respect
		HTTPClient:       &http.Client{},
	})
	if err != nil {
		return err
	}
	cfg := &config.Config{Location: time.Local, HistoryWindowDays: syncer.DefaultWindowDays, InitialSyncDays: 30,
		RefreshMinutes: 1, Bell: false}
	s := &session{cfg: cfg, bot: config.Bot{Name: "Example Shop (demo)", Serial: apitest.DemoSerial}, store: st, client: client}
	defer s.Close()
	italia := &session{cfg: cfg, bot: config.Bot{Name: "Example Shop (Italia)", Serial: apitest.SecondSerial}, store: st, client: client}
	return a.runBrowser(ctx, s, []*session{italia})
}
