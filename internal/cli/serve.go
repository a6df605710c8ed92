package cli

import (
	"context"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"time"

	tea "charm.land/bubbletea/v2"
	"charm.land/log/v2"
	"github.com/spf13/cobra"

	"github.com/neotui/neotui/api"
	"github.com/neotui/neotui/internal/serve"
	"github.com/neotui/neotui/tui"
)

// serveFlags are neotui serve's own flags.
type serveFlags struct {
	listen, authorizedKeys, hostKey string
	idle, maxSession, handshake     time.Duration
	maxSessions                     int
}

func (a *app) serveCommand() *cobra.Command {
	var f serveFlags
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Serve the browser over SSH to a team",
		Long: `Serve the browser over SSH: each teammate runs ssh and gets the browser,
over one shared store and one background sync. The API key stays on the server.

Only the public keys in the authorized keys file get in (one OpenSSH public
key per line; its comment names the teammate in notes and statuses). The file
is re-read when it changes: a key taken out can sign in no more, and its open
sessions end. No passwords, no shell, no commands, no forwarding.

The host key is generated on first start in $XDG_DATA_HOME/neotui and kept.
SIGTERM tells every session the server is stopping, then exits.`,
		Example: `  neotui serve --listen 0.0.0.0:2222 --authorized-keys ~/.config/neotui/team_keys
  ssh -p 2222 inbox.example.com`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.serve(cmd.Context(), f)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&f.listen, "listen", "127.0.0.1:2222", "address to listen on; 0.0.0.0:2222 for every interface")
	fl.StringVar(&f.authorizedKeys, "authorized-keys", "", "OpenSSH authorized_keys file of the team (default $XDG_CONFIG_HOME/neotui/authorized_keys if present)")
	fl.StringVar(&f.hostKey, "host-key", "", "the server's private host key (default $XDG_DATA_HOME/neotui/"+serve.HostKeyName+", generated if missing)")
	fl.DurationVar(&f.idle, "idle-timeout", serve.DefaultIdleTimeout, "end a session after this long without a keystroke")
	fl.DurationVar(&f.maxSession, "max-session", serve.DefaultMaxSession, "end a session after this long")
	fl.IntVar(&f.maxSessions, "max-sessions", serve.DefaultMaxSessions, "sessions at once; more are refused")
	fl.DurationVar(&f.handshake, "handshake-timeout", serve.DefaultHandshakeTimeout, "close a connection not signed in by then, or left that long without a session")
	return cmd
}

// serve runs the SSH server until ctx ends (SIGTERM, SIGINT), then stops
// every session and closes the store: exit 0.
func (a *app) serve(ctx context.Context, f serveFlags) error {
	if err := f.check(); err != nil {
		return err
	}
	s, err := a.open()
	if err != nil {
		return err
	}
	defer s.Close()
	keysPath, err := a.authorizedKeysPath(s, f.authorizedKeys)
	if err != nil {
		return err
	}
	hostKeyPath := a.hostKeyPath(s, f.hostKey)
	hostKey, err := serve.LoadHostKey(hostKeyPath)
	if err != nil {
		return err
	}

	logger := log.NewWithOptions(a.stderr, log.Options{ReportTimestamp: true, TimeFormat: time.RFC3339, Prefix: "neotui"})
	syncs := serve.NewSyncs(logger)
	defer syncs.Close() // before the store closes (deferred above): no sync outlives it
	bots := a.servedBots(a.allBots(s), syncs)

	srv, err := serve.New(serve.Options{
		HostKey:          hostKey,
		AuthorizedKeys:   keysPath,
		IdleTimeout:      f.idle,
		MaxSession:       f.maxSession,
		MaxSessions:      f.maxSessions,
		HandshakeTimeout: f.handshake,
		Logger:           logger,
		App: func(who serve.Session) tea.Model {
			return tui.New(a.sessionOptions(s, bots, who.Identity))
		},
		Notice: func(text string) tea.Msg { return tui.NoticeMsg{Text: text, Quit: true} },
	})
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", f.listen)
	if err != nil {
		return fmt.Errorf("cannot listen on %s: %w", f.listen, err)
	}
	fp := serve.Fingerprint(hostKey.PublicKey())
	fmt.Fprintf(a.stdout, "neotui: serving the browser over SSH on %s\nneotui: host key %s (%s)\n", ln.Addr(), fp, hostKeyPath)
	logger.Info("serving", "addr", ln.Addr().String(), "host_key", fp, "authorized_keys", keysPath,
		"idle_timeout", f.idle, "max_session", f.maxSession, "max_sessions", f.maxSessions)

	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()

	loopCtx, stopLoop := context.WithCancel(context.Background())
	defer stopLoop()
	if len(bots) > 0 && bots[0].Sync != nil {
		go syncs.Loop(loopCtx, time.Duration(s.cfg.RefreshMinutes)*time.Minute, a.startupWindow(s))
	}

	select {
	case err := <-errc:
		return fmt.Errorf("serving on %s: %w", ln.Addr(), err)
	case <-ctx.Done():
	}
	stopSessions(srv, logger)
	stopLoop()
	syncs.Close()
	logger.Info("stopped")
	return nil
}

// check refuses durations and counts that would shut everyone out.
func (f serveFlags) check() error {
	for name, d := range map[string]time.Duration{"--idle-timeout": f.idle, "--max-session": f.maxSession, "--handshake-timeout": f.handshake} {
		if d <= 0 {
			return usageErrorf("%s must be positive, like 30m or 10s", name)
		}
	}
	if f.maxSessions <= 0 {
		return usageErrorf("--max-sessions must be at least 1")
	}
	return nil
}

// authorizedKeysPath is --authorized-keys, else the config directory's
// authorized_keys. Without either serve cannot start: only the keys listed
// get in.
func (a *app) authorizedKeysPath(s *session, flag string) (string, error) {
	if path := a.expandHome(flag); path != "" {
		return path, nil
	}
	def := filepath.Join(s.cfg.ConfigDir, "authorized_keys")
	if _, err := os.Stat(def); err != nil {
		return "", usageErrorf("serve needs --authorized-keys FILE (one OpenSSH public key per line), or a file at %s", def)
	}
	return def, nil
}

// hostKeyPath is --host-key, else the data directory's: kept across
// restarts, so teammates' known_hosts stay right.
func (a *app) hostKeyPath(s *session, flag string) string {
	if path := a.expandHome(flag); path != "" {
		return path
	}
	return filepath.Join(s.cfg.DataDir, serve.HostKeyName)
}

// startupWindow is the days a session's start-up sync asks for, the ones
// the server keeps fresh for everyone.
func (a *app) startupWindow(s *session) func() (api.Day, api.Day) {
	days := s.cfg.InitialSyncDays
	if days <= 0 {
		days = 30
	}
	return func() (api.Day, api.Day) {
		today := api.DayOf(a.now())
		return today - api.Day(days-1), today
	}
}

// stopSessions tells every session the server is stopping, and closes
// those still open after 5 s.
func stopSessions(srv *serve.Server, logger *log.Logger) {
	logger.Info("stopping: telling every session")
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(ctx, serve.Stopping); err != nil {
		logger.Warn("sessions did not all end in time; closed", "err", err)
	}
}

// sessionOptions are one SSH session's browser: the shared store and syncs,
// acting as user. The server refreshes; the session polls the store.
func (a *app) sessionOptions(s *session, bots []tui.Bot, user string) tui.Options {
	opts := a.browserOptions(s, bots, user)
	opts.RefreshEvery = -1
	opts.NoExport = true // e would write on the server's disk
	// Where it would write: no session has a working directory of its own.
	opts.ExportDir = firstNonEmpty(s.cfg.ExportDir, s.cfg.DataDir)
	// ctrl+e would run the server's editor, and an editor runs commands.
	opts.Editor, opts.NoEditor = "", true
	return opts
}

// expandHome turns a leading ~/ into $HOME: --flag=~/x never sees a shell.
func (a *app) expandHome(path string) string {
	if rest, ok := strings.CutPrefix(path, "~/"); ok {
		if home := a.getenv("HOME"); home != "" {
			return filepath.Join(home, rest)
		}
	}
	return path
}
