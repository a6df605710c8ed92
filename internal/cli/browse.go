package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/spf13/cobra"

	"github.com/neotui/neotui/api/apitest"
	"github.com/neotui/neotui/config"
	"github.com/neotui/neotui/internal/demo"
	"github.com/neotui/neotui/internal/english"
	"github.com/neotui/neotui/internal/store"
	"github.com/neotui/neotui/internal/syncer"
	_ "github.com/neotui/neotui/internal/widths" // the renderer's width table, filled during init
	"github.com/neotui/neotui/tui"
)

// browse runs the interactive browser over the configured bots, the
// selected one first.
func (a *app) browse(cmd *cobra.Command) error {
	if !isTerminal(os.Stdin) || !isTerminal(a.stdout) {
		return errors.New("the browser needs a terminal; in scripts use neotui leads or neotui sessions")
	}
	// The config first: its mistakes are said before the terminal is
	// taken. The store opens beside the program (see opening).
	cfg, bot, err := a.config()
	if err != nil {
		return err
	}
	return a.runBrowser(cmd.Context(), func(note func(string)) ([]*session, func() error, error) {
		s, err := a.openStore(cfg, bot, note)
		if err != nil {
			return nil, nil, err
		}
		return a.allBots(s), s.Close, nil
	})
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
		NoMouse:      !s.cfg.Mouse,
		Editor:       firstNonEmpty(a.getenv("VISUAL"), a.getenv("EDITOR")),
		ExportDir:    s.cfg.ExportDir,
		Bots:         append([]tui.Bot(nil), bots...),
		ConfigFile:   s.cfg.File,
		StorePath:    s.cfg.StorePath(),
		Version:      a.version,
	}
}

// runBrowser runs the Bubble Tea program until the user quits, over the
// sessions open gives, which it runs while the program sets up the
// terminal (see opening).
func (a *app) runBrowser(ctx context.Context, open openFunc) error {
	b := newBrowserStart(a.stderr)
	b.newBrowser = func(sessions []*session) tui.Model {
		s := sessions[0]
		refresh := time.Duration(s.cfg.RefreshMinutes) * time.Minute
		if refresh == 0 {
			refresh = -1 // refresh_minutes: 0 means never
		}
		opts := a.browserOptions(s, a.browserBots(sessions), firstNonEmpty(a.getenv("USER"), a.getenv("LOGNAME"), "neotui"))
		opts.RefreshEvery = refresh
		return tui.New(opts)
	}
	settle, restore := browserGC(a.getenv)
	defer restore()
	b.settle = settle
	b.start(open)
	err := runProgram(ctx, opening{b: b}, a.stdout)
	if openErr := b.end(); openErr != nil {
		return openErr
	}
	return err
}

// browserGCPercent is the browser's GOGC. It keeps its lists for its whole
// life (40 MB at 100k conversations and 25k leads) and makes little garbage
// a frame: collecting when the heap has grown by half of them rather than
// by all keeps 20 MB off its footprint, for a collection every 20 keys or
// so instead of 40.
const browserGCPercent = 50

// startGCPercent is the GOGC until the browser is made. The start
// allocates a few MB (the store, Bubble Tea's setup, the browser) on the
// small heap init leaves: at browserGCPercent that was a collection every
// MB or so, taking one of the two cores the start has. The browser, its
// first frame and its lists then run at browserGCPercent. First frame from
// process start, 25 alternated starts: 103.7 ms against 107.0 at 50.
const startGCPercent = 200

// browserGC sets the start's GOGC, unless the environment sets one, and
// returns what sets the browser's once it is made (settle), and
// what restores the GOGC it found.
func browserGC(getenv func(string) string) (settle, restore func()) {
	if getenv("GOGC") != "" {
		return func() {}, func() {}
	}
	old := debug.SetGCPercent(startGCPercent)
	return func() { debug.SetGCPercent(browserGCPercent) }, func() { debug.SetGCPercent(old) }
}

// frameRate is the most frames a second the browser draws: Bubble Tea's
// own maximum.
const frameRate = 120

// runProgram runs the browser's Bubble Tea program on this terminal until
// the user quits, ctx ends (a signal), or the terminal goes away.
func runProgram(ctx context.Context, m tea.Model, stdout io.Writer) error {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	gone := func() { cancel(errTerminalGone) }
	out := stdout
	if f, ok := stdout.(*os.File); ok {
		out = terminal{f, gone}
	}
	p := tea.NewProgram(m, tea.WithContext(ctx), tea.WithInput(terminal{os.Stdin, gone}), tea.WithOutput(out),
		// Bubble Tea draws the last frame on a timer: at its default 60 a
		// second a key's frame waits 8 ms on average for its turn, half the
		// budget of a keystroke; at 120, 4. A frame that did not change is
		// not written: idle, the timer only compares two strings.
		tea.WithFPS(frameRate),
		// Signals arrive through ctx alone. Bubble Tea's own handler, on
		// SIGTERM, sends a quit to an event loop that ctx may have ended
		// already, and its shutdown then waits on that send for ever.
		tea.WithoutSignalHandler())
	done := make(chan error, 1)
	go func() {
		_, err := p.Run()
		done <- err
	}()
	var err error
	select {
	case err = <-done:
	case <-ctx.Done():
		// Bubble Tea restores the terminal and returns at once, unless a
		// write to a terminal that stopped reading (a stalled SSH
		// connection) holds it: then leave it behind.
		select {
		case err = <-done:
		case <-time.After(500 * time.Millisecond):
			return errTerminalStuck
		}
	}
	if cause := context.Cause(ctx); errors.Is(cause, errTerminalGone) {
		return cause
	}
	if ctx.Err() != nil {
		return ctx.Err() // a signal
	}
	return err
}

func firstNonEmpty(s ...string) string {
	for _, x := range s {
		if x != "" {
			return x
		}
	}
	return ""
}

// maxDemoSessions bounds --sessions: ten times a big bot's year is already
// some 3 GB of temporary store.
const maxDemoSessions = 1_000_000

func (a *app) demoCommand() *cobra.Command {
	var sessions int
	cmd := &cobra.Command{
		Use:   "demo",
		Short: "The browser over built-in sample data: no key, no network",
		Long: `Run the browser over built-in sample data: a fake Neoagent API on loopback
and a throwaway store, deleted on exit. Nothing leaves this machine.

--sessions sizes the main sample bot: 100000 is a big bot's year (about
1.1M messages and 25k leads), to try neotui at scale; the store is built
first, with its progress on stderr.

--store builds the demo's store there instead, and keeps it: a new file, or
a PostgreSQL database that holds no neotui data yet (sample bots never mix
with real ones), to try a team's database at scale. The config file and
NEOTUI_STORE name no store for the demo: only --store does.`,
		Example: `  neotui demo
  neotui demo --sessions 100000
  neotui demo --sessions 100000 --store postgres://ana@db.example/neotui_demo`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if sessions < 1 || sessions > maxDemoSessions {
				return usageErrorf("--sessions: from 1 to %s conversations", english.Count(maxDemoSessions))
			}
			if !isTerminal(os.Stdin) || !isTerminal(a.stdout) {
				return errors.New("the demo is the interactive browser and needs a terminal")
			}
			return a.demo(cmd.Context(), sessions)
		},
	}
	cmd.Flags().IntVar(&sessions, "sessions", apitest.DemoSessions, "conversations of the main sample bot")
	return cmd
}

// demo wires the browser to an in-process fake API on 127.0.0.1 and a store
// in a temporary directory, filled with what the fake serves up to now.
func (a *app) demo(ctx context.Context, sessions int) error {
	now := a.now()
	bots := apitest.DemoBotsOf(now, sessions)
	srv, ln, err := apitest.Listen("127.0.0.1:0", apitest.Options{Latency: 150 * time.Millisecond, Bots: bots})
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
	cfg := &config.Config{
		DataDir:           dir, // the store's folder, for ? to show
		BaseURL:           "http://" + ln.Addr().String(),
		RateLimit:         -1, // the fake has no limit to respect
		Location:          time.Local,
		HistoryWindowDays: syncer.DefaultWindowDays,
		InitialSyncDays:   30,
		RefreshMinutes:    1,
		Bell:              false,
		Mouse:             true,
	}
	st, err := a.openDemoStore(ctx, cfg)
	if err != nil {
		return err
	}
	defer st.Close()
	var synced []*session
	for i, name := range []string{"Example Shop (demo)", "Example Shop (Italia)"} {
		bot := config.Bot{Name: name, Serial: bots[i].Serial(), Key: apitest.DefaultKey}
		client, err := newClient(cfg, bot, st, a.userAgent()+" (demo)")
		if err != nil {
			return err
		}
		synced = append(synced, &session{cfg: cfg, bot: bot, store: st, client: client})
	}
	if err := fillDemo(ctx, st, now, a.stderr, bots[:len(synced)]...); err != nil {
		return err
	}
	return a.runBrowser(ctx, func(func(string)) ([]*session, func() error, error) {
		return synced, func() error { return nil }, nil // the store closes as demo returns
	})
}

// openDemoStore opens the demo's store: the one --store names, which must
// hold nothing yet, else cfg's own throwaway file.
func (a *app) openDemoStore(ctx context.Context, cfg *config.Config) (*store.Store, error) {
	if a.flags.store == "" {
		return store.Open(cfg.StorePath())
	}
	// Loaded for --store alone: read as every command reads it (a password
	// in it refused), with no other store in the way.
	c, err := config.Load(config.Options{Path: a.flags.config, Store: a.flags.store, Getenv: a.getenv})
	if err != nil {
		return nil, err
	}
	cfg.Store = c.Store
	st, err := store.Open(c.StoreDSN())
	if err != nil {
		return nil, err
	}
	empty, err := st.Empty(ctx)
	if err == nil && !empty {
		err = fmt.Errorf("--store %s holds neotui data already: the demo fills only a new file or an empty database", c.Store)
	}
	if err != nil {
		st.Close()
		return nil, err
	}
	return st, nil
}

// fillDemo fills the demo's store with what its bots served up to now,
// telling progress on stderr: redrawn in place on a terminal, else a line
// per window.
func fillDemo(ctx context.Context, st *store.Store, now time.Time, stderr io.Writer, bots ...*apitest.Bot) error {
	live := newLiveLine(stderr)
	say := func(line string) {
		if live != nil {
			live.show(line)
		} else {
			fmt.Fprintln(stderr, line)
		}
	}
	progress := func(done, total int) {
		say(fmt.Sprintf("building the demo store: %s/%s conversations", english.Count(done), english.Count(total)))
	}
	err := demo.Fill(ctx, st, now, progress, bots...)
	if err == nil {
		// As neotui sync does: the browser's search finds it indexed (on
		// PostgreSQL, analyzed).
		err = st.IndexSearch(ctx, func(share float64) {
			say(fmt.Sprintf("indexing the demo store for search: %d%%", int(100*share)))
		})
	}
	if live != nil {
		live.clear()
	}
	return err
}
