// Package serve serves the browser over SSH to a team: one Bubble Tea
// program per SSH session, over one shared store.
//
// It is built on wish, whose defaults are open: with no auth handler it lets
// clients in with no credentials, it writes a host key into the working
// directory, its rate limiter runs after authentication and nothing caps the
// sessions. Everything here is set explicitly instead:
//
//   - public-key authentication only, against an authorized_keys file that
//     is re-read when it changes (a key taken out ends its sessions too); a
//     session's identity is the comment of the line of the key the client
//     proved it holds;
//   - connections are limited per address before the handshake starts, and a
//     handshake (authentication included) must finish within a deadline; a
//     signed-in connection without a session is closed after as long;
//   - a session gets the browser and nothing else: no shell, no exec, no
//     subsystem, no forwarding; its environment is ignored but for colour;
//     a connection holds at most maxChannels sessions;
//   - idle sessions, long sessions and sessions over the cap are ended, each
//     with one line saying why.
package serve

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	tea "charm.land/bubbletea/v2"
	"charm.land/log/v2"
	"charm.land/ssh"
	"charm.land/wish/v2"
	gossh "golang.org/x/crypto/ssh"

	"github.com/neotui/neotui/internal/safetext"
)

// Defaults for Options' zero values.
const (
	DefaultIdleTimeout      = 30 * time.Minute
	DefaultMaxSession       = 8 * time.Hour
	DefaultMaxSessions      = 20
	DefaultHandshakeTimeout = 10 * time.Second
)

// Lines a refused or ended session sees.
const (
	NeedTerminal = "neotui needs a terminal: ssh -t …"
	NoCommands   = "neotui serves only the browser: connect without a command"
	Stopping     = "the server is stopping"
)

// Options configure a Server.
type Options struct {
	HostKey          gossh.Signer
	AuthorizedKeys   string        // path of an OpenSSH authorized_keys file
	IdleTimeout      time.Duration // no keystroke for this long ends a session
	MaxSession       time.Duration // a session ends after this long
	MaxSessions      int           // sessions at once; more are refused
	HandshakeTimeout time.Duration // to finish the SSH handshake and authentication
	Limits           Limits        // before authentication
	// App makes the model of one session's program. If it has a Close
	// method, it is called when the program ends.
	App func(Session) tea.Model
	// Notice makes the message that tells a session's model to show text
	// and quit, for the sessions the server ends: serve hosts any model
	// and does not know its messages. nil: the model is quit without
	// showing it (the line is printed after the program anyway).
	Notice func(text string) tea.Msg
	Logger *log.Logger // nil: no logs

	keyCheck time.Duration // how often a session checks its key is still authorized
}

// Session is who is connecting, for App.
type Session struct {
	Identity    string // the key's comment (sanitized), else the SSH user name
	User        string // the SSH user name, sanitized
	Fingerprint string // of the key proven
	Remote      string
}

// Server is the SSH server.
type Server struct {
	opts Options
	log  *log.Logger
	keys *authorizedKeys
	srv  *ssh.Server

	ln atomic.Pointer[limitListener]

	mu       sync.Mutex
	stopping bool
	active   int                   // sessions holding a slot
	live     map[*liveSession]bool // running programs, for the stop notice
	sessions sync.WaitGroup
}

// Context keys and permission extensions of ours.
type ctxKey string

const (
	keyPending     = ctxKey("neotui.pending")
	keyConnState   = ctxKey("neotui.conn")
	extIdentity    = "neotui-identity"
	extFingerprint = "neotui-fingerprint"
)

// New checks opts — the authorized keys file above all — and returns a
// server ready to Serve.
func New(opts Options) (*Server, error) {
	opts, err := opts.checked()
	if err != nil {
		return nil, err
	}
	s := &Server{opts: opts, log: opts.Logger, live: make(map[*liveSession]bool)}
	if s.log == nil {
		s.log = log.New(io.Discard)
	}
	keys, err := loadAuthorizedKeys(opts.AuthorizedKeys, s.log)
	if err != nil {
		return nil, err
	}
	s.keys = keys

	srv, err := wish.NewServer(
		func(srv *ssh.Server) error { srv.AddHostKey(opts.HostKey); return nil },
		wish.WithPublicKeyAuth(s.publicKey),
		wish.WithMaxTimeout(opts.MaxSession+backstopGrace),
		ssh.WrapConn(s.connected),
		s.configure,
	)
	if err != nil {
		return nil, fmt.Errorf("serve: %w", err)
	}
	s.srv = srv
	return s, nil
}

// backstopGrace is how long after a session's own timers the connection
// level ends it anyway: the session's timers end the program with a line
// saying why, these only catch what they missed.
const backstopGrace = 30 * time.Second

// checked returns opts with its zero values defaulted, or what is missing.
func (opts Options) checked() (Options, error) {
	switch {
	case opts.HostKey == nil:
		return opts, errors.New("serve: no host key")
	case opts.App == nil:
		return opts, errors.New("serve: no App")
	case opts.AuthorizedKeys == "":
		return opts, errors.New("serve: no authorized keys file")
	}
	if opts.IdleTimeout <= 0 {
		opts.IdleTimeout = DefaultIdleTimeout
	}
	if opts.MaxSession <= 0 {
		opts.MaxSession = DefaultMaxSession
	}
	if opts.MaxSessions <= 0 {
		opts.MaxSessions = DefaultMaxSessions
	}
	if opts.HandshakeTimeout <= 0 {
		opts.HandshakeTimeout = DefaultHandshakeTimeout
	}
	if opts.keyCheck <= 0 {
		opts.keyCheck = 10 * time.Second
	}
	if opts.Notice == nil {
		opts.Notice = func(string) tea.Msg { return tea.QuitMsg{} }
	}
	// The idle backstop is the listener's (limit.go): wish.WithIdleTimeout
	// together with a handshake timeout is a data race in charm.land/ssh
	// v0.4.1 (Read reads the handshake deadline HandleConn clears).
	opts.Limits.idle = opts.IdleTimeout + backstopGrace
	return opts, nil
}

// configure sets what wish has no option for.
func (s *Server) configure(srv *ssh.Server) error {
	srv.Handler = s.handle
	srv.HandshakeTimeout = s.opts.HandshakeTimeout
	srv.ServerConfigCallback = s.serverConfig
	// Only session channels; every other channel type (ssh -L, -D)
	// is refused with a reason, global requests (tcpip-forward) are
	// refused, no subsystems (sftp); port forwarding callbacks stay
	// nil: denied.
	srv.ChannelHandlers = map[string]ssh.ChannelHandler{"session": sessionChannel, "default": refuseChannel}
	srv.RequestHandlers = map[string]ssh.RequestHandler{
		"tcpip-forward": refuseForward, "streamlocal-forward@openssh.com": refuseForward,
	}
	srv.SubsystemHandlers = map[string]ssh.SubsystemHandler{}
	srv.ConnectionFailedCallback = s.connectionFailed
	return nil
}

// connectionFailed logs a connection that ended before a session.
func (s *Server) connectionFailed(c net.Conn, err error) {
	var authErr *gossh.ServerAuthError
	if errors.As(err, &authErr) {
		s.log.Info("closed: not signed in", "remote", c.RemoteAddr().String())
		return
	}
	// Timeouts and hang-ups before sign-in: a flood would fill the log.
	s.log.Debug("closed before sign-in", "remote", c.RemoteAddr().String(), "err", logText(err.Error()))
}

// Serve serves on ln until Shutdown; it returns nil then.
func (s *Server) Serve(ln net.Listener) error {
	l := newLimitListener(ln, s.opts.Limits, s.log)
	s.ln.Store(l)
	s.mu.Lock()
	stopping := s.stopping
	s.mu.Unlock()
	if stopping {
		ln.Close()
		return nil
	}
	err := s.srv.Serve(l)
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.stopping {
		return nil
	}
	return err
}

// Shutdown stops accepting, tells every session notice and lets its program
// quit, waits for them (until ctx ends), then closes every connection.
func (s *Server) Shutdown(ctx context.Context, notice string) error {
	s.mu.Lock()
	s.stopping = true
	live := make([]*liveSession, 0, len(s.live))
	for ls := range s.live {
		live = append(live, ls)
	}
	s.mu.Unlock()

	closed, cancel := context.WithCancel(context.Background())
	cancel()
	_ = s.srv.Shutdown(closed) // closes the listener; waits for nothing
	if l := s.ln.Load(); l != nil {
		l.Close()
	}
	for _, ls := range live {
		go ls.end(notice)
	}
	done := make(chan struct{})
	go func() {
		s.sessions.Wait()
		close(done)
	}()
	var err error
	select {
	case <-done:
	case <-ctx.Done():
		err = ctx.Err()
	}
	_ = s.srv.Close()
	if l := s.ln.Load(); l != nil {
		l.closeAll()
	}
	if err != nil { // the programs left were killed with their connections
		select {
		case <-done:
		case <-time.After(2 * time.Second):
		}
	}
	return err
}

// Active is the number of sessions running.
func (s *Server) Active() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.active
}

// connected is the first sight of a connection, after the listener
// admitted it.
func (s *Server) connected(ctx ssh.Context, c net.Conn) net.Conn {
	if pc, ok := c.(*pendingConn); ok {
		ctx.SetValue(keyPending, pc)
	}
	ctx.SetValue(keyConnState, newConnState(ctx, c, s.opts.HandshakeTimeout, s.log))
	s.log.Info("connect", "remote", c.RemoteAddr().String())
	return c
}

// serverConfig is per connection: the parts of x/crypto/ssh's config that
// charm.land/ssh does not set.
func (s *Server) serverConfig(ctx ssh.Context) *gossh.ServerConfig {
	return &gossh.ServerConfig{
		MaxAuthTries: 6,
		// Called only once the client proved it holds the key: the identity
		// comes from this key, never from one merely offered.
		VerifiedPublicKeyCallback: func(conn gossh.ConnMetadata, key gossh.PublicKey, perms *gossh.Permissions, _ string) (*gossh.Permissions, error) {
			comment, ok := s.keys.lookup(key)
			if !ok {
				return nil, errors.New("key no longer authorized")
			}
			if perms == nil {
				perms = &gossh.Permissions{}
			}
			if perms.Extensions == nil {
				perms.Extensions = map[string]string{}
			}
			fp := Fingerprint(key)
			id := identity(comment, conn.User(), fp)
			perms.Extensions[extIdentity], perms.Extensions[extFingerprint] = id, fp
			if pc, ok := ctx.Value(keyPending).(*pendingConn); ok {
				pc.authenticated()
			}
			if cs := connStateOf(ctx); cs != nil {
				cs.signedIn()
			}
			s.log.Info("signed in", "remote", conn.RemoteAddr().String(), "user", logText(conn.User()),
				"key", fp, "identity", id)
			return perms, nil
		},
		AuthLogCallback: func(conn gossh.ConnMetadata, method string, err error) {
			switch {
			case err == nil, method == "publickey": // logged by publicKey or above
			case method == "none":
				s.log.Debug("auth refused", "remote", conn.RemoteAddr().String(), "method", "none")
			default:
				s.log.Info("auth refused", "remote", conn.RemoteAddr().String(),
					"user", logText(conn.User()), "method", logText(method))
			}
		},
	}
}

// publicKey answers whether a key may be used: also for keys a client only
// offers without proving them.
func (s *Server) publicKey(ctx ssh.Context, key ssh.PublicKey) bool {
	if _, ok := s.keys.lookup(key); ok {
		return true
	}
	s.log.Info("auth refused: unknown key", "remote", ctx.RemoteAddr().String(),
		"user", logText(ctx.User()), "key", Fingerprint(key))
	return false
}

// logMax bounds a client's text in a log line: an SSH user name may be as
// long as a packet (256 KB), and anyone can send one before signing in.
const logMax = 100

// logText is a client's text (a user name, a command, a terminal name) fit
// for a log line: one line, no escape sequences, at most logMax bytes.
func logText(s string) string {
	s = safetext.Line(s)
	if len(s) > logMax {
		s = strings.ToValidUTF8(s[:logMax], "") + "…"
	}
	return s
}
