package serve

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	tea "charm.land/bubbletea/v2"
	"charm.land/log/v2"
	"charm.land/ssh"
	"github.com/charmbracelet/colorprofile"
	gossh "golang.org/x/crypto/ssh"

	"github.com/neotui/neotui/internal/safetext"
)

// handle runs one session: checks, then the browser.
func (s *Server) handle(sess ssh.Session) {
	defer s.recoverSession(sess)
	if _, winch, _ := sess.Pty(); winch != nil {
		// charm.land/ssh's request loop hands each window change to winch
		// (room for one) and blocks until it is taken: once the program
		// has gone, or if it never came, keep taking them until the loop
		// ends, or it would hang for good, with the channel's memory.
		defer func() { go drain(winch) }()
	}
	who := sessionOf(sess)
	l := s.log.With("remote", who.Remote, "identity", who.Identity)
	if !s.admitSession(sess, who, l) {
		return
	}
	defer s.releaseSlot()
	s.run(sess, who, l)
}

// recoverSession is deferred by handle: one session's crash must not end
// everyone's.
func (s *Server) recoverSession(sess ssh.Session) {
	if r := recover(); r != nil {
		s.log.Error("session crashed", "remote", sess.RemoteAddr().String(), "panic", safetext.Line(fmt.Sprint(r)))
		_ = sess.Exit(1)
	}
}

// sessionOf is who is behind sess, as the key's sign-in recorded it.
func sessionOf(sess ssh.Session) Session {
	perms := sess.Permissions()
	who := Session{User: safetext.Line(sess.User()), Remote: sess.RemoteAddr().String()}
	if perms.Permissions != nil {
		who.Identity, who.Fingerprint = perms.Extensions[extIdentity], perms.Extensions[extFingerprint]
	}
	return who
}

// admitSession refuses a session that is not the browser's to serve, or
// takes it a slot, which the caller releases.
func (s *Server) admitSession(sess ssh.Session, who Session, l *log.Logger) bool {
	if who.Identity == "" || sess.PublicKey() == nil {
		refuse(sess, l, "not signed in with a key", "no identity")
		return false
	}
	if cmd := sess.RawCommand(); cmd != "" {
		refuse(sess, l, NoCommands, "a command", "command", logText(cmd))
		return false
	}
	if sub := sess.Subsystem(); sub != "" {
		refuse(sess, l, NoCommands, "a subsystem", "subsystem", logText(sub))
		return false
	}
	if _, _, ok := sess.Pty(); !ok {
		refuse(sess, l, NeedTerminal, "no terminal")
		return false
	}
	if msg := s.acquire(); msg != "" {
		refuse(sess, l, msg, msg)
		return false
	}
	return true
}

// run runs the browser of an admitted session until it quits or the server
// ends it.
func (s *Server) run(sess ssh.Session, who Session, l *log.Logger) {
	start := time.Now()
	pty, winch, _ := sess.Pty()
	env := terminalEnv(pty.Term, sess.Environ())
	w, h := clampSize(pty.Window.Width, pty.Window.Height)
	l.Info("session start", "user", logText(who.User), "term", logText(pty.Term), "size", fmt.Sprintf("%dx%d", w, h))

	ctx, cancel := context.WithCancel(sess.Context())
	defer cancel()
	in := &activityReader{r: sess}
	in.touch()
	m := s.opts.App(who)
	if c, ok := m.(interface{ Close() }); ok {
		defer c.Close()
	}
	p := newProgram(ctx, m, in, sess, env, w, h)
	ls := &liveSession{p: p, notice: s.opts.Notice}
	if !s.register(ls) {
		refuse(sess, l, Stopping, "stopping")
		return
	}
	defer s.unregister(ls)
	go s.resize(ctx, p, winch)
	go s.watch(ctx, in, start, sess.PublicKey(), ls.end)

	_, err := p.Run()
	p.Kill() // restores the terminal if the program crashed
	ended(sess, l, start, ls.stopped(), err)
}

// newProgram is m's program on a session's terminal.
func newProgram(ctx context.Context, m tea.Model, in io.Reader, out io.Writer, env []string, w, h int) *tea.Program {
	return tea.NewProgram(m,
		tea.WithContext(ctx),
		tea.WithInput(in),
		tea.WithOutput(out),
		tea.WithEnvironment(env),
		tea.WithColorProfile(colorprofile.Env(env)),
		tea.WithWindowSize(w, h),
		// The process's SIGTERM is the server's to handle: a program of its
		// own would quit silently before the sessions are told.
		tea.WithoutSignalHandler(),
		tea.WithFilter(func(_ tea.Model, msg tea.Msg) tea.Msg {
			if _, ok := msg.(tea.SuspendMsg); ok { // ctrl+z would stop nothing here
				return nil
			}
			return msg
		}),
	)
}

// ended closes a session whose program returned err, telling the user why
// the server ended it (why, "" if it did not) and logging how it went.
func ended(sess ssh.Session, l *log.Logger, start time.Time, why string, err error) {
	crashed := errors.Is(err, tea.ErrProgramPanic)
	if crashed && why == "" {
		why = "the browser crashed: connect again"
	}
	if why != "" { // after the browser left the alternate screen: it stays visible
		fmt.Fprintf(sess, "\nneotui: %s\n", why)
	}
	attrs := []any{"took", time.Since(start).Round(time.Second)}
	if why != "" {
		attrs = append(attrs, "why", why)
	}
	if err != nil && (crashed || !errors.Is(err, tea.ErrProgramKilled)) {
		attrs = append(attrs, "err", safetext.Line(err.Error()))
	}
	l.Info("session end", attrs...)
	_ = sess.Exit(0)
}

// refuse ends a session with one line.
func refuse(sess ssh.Session, l *log.Logger, line, why string, kv ...any) {
	l.Info("session refused", append([]any{"why", why, "user", logText(sess.User())}, kv...)...)
	fmt.Fprintln(sess.Stderr(), line)
	_ = sess.Exit(1)
}

// acquire takes a session slot, or says why not.
func (s *Server) acquire() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	switch {
	case s.stopping:
		return Stopping
	case s.active >= s.opts.MaxSessions:
		return fmt.Sprintf("the server is full (%d sessions): try again later", s.opts.MaxSessions)
	}
	s.active++
	return ""
}

func (s *Server) releaseSlot() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.active--
}

func (s *Server) register(ls *liveSession) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.stopping {
		return false
	}
	s.live[ls] = true
	s.sessions.Add(1)
	return true
}

func (s *Server) unregister(ls *liveSession) {
	s.mu.Lock()
	delete(s.live, ls)
	s.mu.Unlock()
	s.sessions.Done()
}

// liveSession is a running program that the server may end, saying why.
type liveSession struct {
	p      *tea.Program
	notice func(string) tea.Msg // Options.Notice
	mu     sync.Mutex
	why    string
	done   bool // the program returned
	killer *time.Timer
}

// end shows why in the browser's status line and quits it; a program that
// does not quit within seconds is killed. Only the first reason counts.
func (ls *liveSession) end(why string) {
	ls.mu.Lock()
	if ls.why != "" || ls.done {
		ls.mu.Unlock()
		return
	}
	ls.why = why
	ls.killer = time.AfterFunc(5*time.Second, ls.p.Kill)
	ls.mu.Unlock()
	ls.p.Send(ls.notice(why))
}

// stopped is called once the program returned: it says why the server ended
// it ("" when the user quit or left).
func (ls *liveSession) stopped() string {
	ls.mu.Lock()
	defer ls.mu.Unlock()
	if ls.killer != nil {
		ls.killer.Stop()
	}
	ls.done = true
	return ls.why
}

// drain takes window changes until the session's request loop ends.
func drain(winch <-chan ssh.Window) {
	for range winch {
	}
}

// resize follows the client's window.
func (s *Server) resize(ctx context.Context, p *tea.Program, winch <-chan ssh.Window) {
	for {
		select {
		case <-ctx.Done():
			return
		case win, ok := <-winch:
			if !ok {
				return
			}
			w, h := clampSize(win.Width, win.Height)
			p.Send(tea.WindowSizeMsg{Width: w, Height: h})
		}
	}
}

// watch ends the session when it has been idle (no input), open too long,
// or its key was taken out of the authorized keys file. Output does not
// count as activity: the browser redraws on its own.
func (s *Server) watch(ctx context.Context, in *activityReader, start time.Time, key gossh.PublicKey, end func(string)) {
	idle := time.NewTimer(s.opts.IdleTimeout)
	defer idle.Stop()
	limit := time.NewTimer(time.Until(start.Add(s.opts.MaxSession)))
	defer limit.Stop()
	revoked := time.NewTicker(s.opts.keyCheck)
	defer revoked.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-revoked.C:
			if s.keys.revoked(key) {
				end("your key is no longer authorized")
				return
			}
		case <-limit.C:
			end(fmt.Sprintf("the session reached its time limit (%s): connect again", s.opts.MaxSession))
			return
		case <-idle.C:
			since := in.idle()
			if since >= s.opts.IdleTimeout {
				end(fmt.Sprintf("closed after %s without a keystroke", s.opts.IdleTimeout))
				return
			}
			idle.Reset(s.opts.IdleTimeout - since)
		}
	}
}

// activityReader is the session's input, remembering when it last read.
type activityReader struct {
	r    io.Reader
	last atomic.Int64 // unix nanoseconds
}

func (a *activityReader) Read(p []byte) (int, error) {
	n, err := a.r.Read(p)
	if n > 0 {
		a.touch()
	}
	return n, err
}

func (a *activityReader) touch()              { a.last.Store(time.Now().UnixNano()) }
func (a *activityReader) idle() time.Duration { return time.Since(time.Unix(0, a.last.Load())) }

// filteredChannel is a session channel minus the requests charm.land/ssh
// would grant that nothing here serves: agent forwarding (it answers yes and
// does nothing), X11, and environment variables other than the colour ones
// (a few of those: each is kept for the session's life).
//
// It also keeps the terminal request until the session starts: charm.land/ssh
// hands each window change to a channel with room for one, its initial size,
// and blocks its request loop until the handler takes it, which it does not
// run before shell or exec. A window change in between (a resize while
// connecting) would hang the loop for good, channel and all. Until then,
// window changes resize the kept request instead.
type filteredChannel struct{ gossh.NewChannel }

// maxEnv is how many environment variables a session may set.
const maxEnv = 8

// ptyRequest is a pty-req's payload (RFC 4254 6.2).
type ptyRequest struct {
	Term                          string
	Cols, Rows, WidthPx, HeightPx uint32
	Modes                         string
}

// windowChange is a window-change's payload (RFC 4254 6.7).
type windowChange struct{ Cols, Rows, WidthPx, HeightPx uint32 }

func (f filteredChannel) Accept() (gossh.Channel, <-chan *gossh.Request, error) {
	ch, reqs, err := f.NewChannel.Accept()
	if err != nil {
		return ch, reqs, err
	}
	out := make(chan *gossh.Request)
	go func() {
		defer close(out)
		env, started := 0, false
		var pty *ptyRequest // kept until shell or exec
		for r := range reqs {
			ok := allowedRequest(r)
			if ok && r.Type == "env" {
				env++
				ok = env <= maxEnv
			}
			if !ok {
				_ = r.Reply(false, nil)
				continue
			}
			if !started {
				switch r.Type {
				case "pty-req":
					var p ptyRequest
					if pty != nil || gossh.Unmarshal(r.Payload, &p) != nil {
						_ = r.Reply(false, nil)
						continue
					}
					pty = &p
					_ = r.Reply(true, nil)
					continue
				case "window-change":
					var w windowChange
					if pty == nil || gossh.Unmarshal(r.Payload, &w) != nil {
						_ = r.Reply(false, nil)
						continue
					}
					pty.Cols, pty.Rows, pty.WidthPx, pty.HeightPx = w.Cols, w.Rows, w.WidthPx, w.HeightPx
					_ = r.Reply(true, nil)
					continue
				case "shell", "exec":
					started = true
					if pty != nil {
						out <- &gossh.Request{Type: "pty-req", Payload: gossh.Marshal(pty)}
					}
				}
			}
			out <- r
		}
	}()
	return ch, out, nil
}

func allowedRequest(r *gossh.Request) bool {
	switch r.Type {
	case "auth-agent-req@openssh.com", "x11-req":
		return false
	case "env":
		var kv struct{ Key, Value string }
		if gossh.Unmarshal(r.Payload, &kv) != nil {
			return false
		}
		return kv.Key == "COLORTERM" || kv.Key == "NO_COLOR"
	}
	return true
}

// Largest window a client may claim: the browser lays out what it is told,
// and a 4-billion-column screen would cost the server, not the client.
const maxWidth, maxHeight = 1000, 500

func clampSize(w, h int) (int, int) {
	return min(max(w, 0), maxWidth), min(max(h, 0), maxHeight)
}

// terminalEnv is the environment the program sees: the PTY's TERM and the
// colour variables the client sent, nothing else. A client's environment
// otherwise reaches nothing on the server.
func terminalEnv(term string, clientEnv []string) []string {
	clean := func(v string) string {
		v = safetext.Line(v)
		if len(v) > 64 {
			v = v[:64]
		}
		return strings.ToValidUTF8(v, "")
	}
	env := []string{"TERM=" + clean(term)}
	for _, kv := range clientEnv {
		k, v, _ := strings.Cut(kv, "=")
		switch k {
		case "COLORTERM", "NO_COLOR":
			env = append(env, k+"="+clean(v))
		}
	}
	return env
}
