package serve

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"charm.land/log/v2"
	gossh "golang.org/x/crypto/ssh"
)

// testKey is a teammate's key pair and its authorized_keys line.
type testKey struct {
	signer gossh.Signer
	line   string
}

func newKey(t testing.TB, comment string) testKey {
	t.Helper()
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	signer, err := gossh.NewSignerFromKey(priv)
	if err != nil {
		t.Fatal(err)
	}
	line := strings.TrimSpace(string(gossh.MarshalAuthorizedKey(signer.PublicKey())))
	if comment != "" {
		line += " " + comment
	}
	return testKey{signer: signer, line: line}
}

func writeKeys(t testing.TB, path string, keys ...testKey) {
	t.Helper()
	var b strings.Builder
	b.WriteString("# the team\n")
	for _, k := range keys {
		b.WriteString(k.line + "\n")
	}
	if err := os.WriteFile(path, []byte(b.String()), 0o600); err != nil {
		t.Fatal(err)
	}
}

// noticeMsg is the stand-in browser's notice: Options.Notice in tests.
type noticeMsg struct{ text string }

func newNotice(text string) tea.Msg { return noticeMsg{text} }

// echoModel is a stand-in browser: it prints who it serves and its size,
// shows a notice and quits on it, quits on q, panics on !, and
// on z stalls for 300 ms, then quits.
type echoModel struct {
	who    Session
	w, h   int
	notice string
	keys   int
	closed *bool
}

func (m echoModel) Init() tea.Cmd { return nil }

func (m echoModel) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.w, m.h = msg.Width, msg.Height
	case tea.KeyPressMsg:
		switch msg.String() {
		case "q":
			return m, tea.Quit
		case "!":
			panic("a bug in the browser")
		case "z": // busy, then gone: window changes pile up meanwhile
			time.Sleep(300 * time.Millisecond)
			return m, tea.Quit
		}
		m.keys++
	case noticeMsg:
		m.notice = msg.text
		return m, tea.Quit
	}
	return m, nil
}

func (m echoModel) View() tea.View {
	return tea.NewView(fmt.Sprintf("hello %s size %dx%d keys %d %s", m.who.Identity, m.w, m.h, m.keys, m.notice))
}

// testServer is a Server on 127.0.0.1 with a fresh host key and
// authorized keys for ana and bob.
type testServer struct {
	*Server
	addr     string
	keysPath string
	ana, bob testKey
	hostKey  gossh.PublicKey
	logs     *syncBuffer
	done     chan error
	stopped  bool
}

func startServer(t *testing.T, opts Options) *testServer {
	t.Helper()
	dir := t.TempDir()
	ts := &testServer{ana: newKey(t, "ana@laptop"), bob: newKey(t, "bob@desk"), logs: &syncBuffer{}, done: make(chan error, 1)}
	ts.keysPath = filepath.Join(dir, "authorized_keys")
	writeKeys(t, ts.keysPath, ts.ana, ts.bob)
	host, err := LoadHostKey(filepath.Join(dir, "data", HostKeyName))
	if err != nil {
		t.Fatal(err)
	}
	ts.hostKey = host.PublicKey()
	opts.HostKey = host
	opts.AuthorizedKeys = ts.keysPath
	if opts.App == nil {
		opts.App = func(s Session) tea.Model { return echoModel{who: s} }
	}
	if opts.Notice == nil {
		opts.Notice = newNotice
	}
	opts.Logger = log.NewWithOptions(ts.logs, log.Options{Level: log.DebugLevel})
	srv, err := New(opts)
	if err != nil {
		t.Fatal(err)
	}
	ts.Server = srv
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ts.addr = ln.Addr().String()
	go func() { ts.done <- srv.Serve(ln) }()
	t.Cleanup(func() { ts.stop(t) })
	return ts
}

func (ts *testServer) stop(t *testing.T) {
	if ts.stopped {
		return
	}
	ts.stopped = true
	_ = ts.Shutdown(context.Background(), Stopping)
	select {
	case err := <-ts.done:
		if err != nil {
			t.Errorf("Serve: %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Error("Serve did not return after Shutdown")
	}
}

func (ts *testServer) config(user string, auth ...gossh.AuthMethod) *gossh.ClientConfig {
	return &gossh.ClientConfig{
		User:            user,
		Auth:            auth,
		HostKeyCallback: gossh.FixedHostKey(ts.hostKey),
		Timeout:         5 * time.Second,
	}
}

func (ts *testServer) dial(t testing.TB, k testKey) *gossh.Client {
	t.Helper()
	c, err := gossh.Dial("tcp", ts.addr, ts.config("someone", gossh.PublicKeys(k.signer)))
	if err != nil {
		t.Fatalf("dial: %v", err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// term is a PTY session's two ends, as a terminal would hold them.
type term struct {
	sess *gossh.Session
	in   io.WriteCloser
	out  *syncBuffer
	done chan error
}

func openTerm(t testing.TB, c *gossh.Client, w, h int) *term {
	t.Helper()
	sess, err := c.NewSession()
	if err != nil {
		t.Fatal(err)
	}
	if err := sess.RequestPty("xterm-256color", h, w, gossh.TerminalModes{}); err != nil {
		t.Fatal(err)
	}
	tm := &term{sess: sess, out: &syncBuffer{}, done: make(chan error, 1)}
	sess.Stdout, sess.Stderr = tm.out, tm.out
	if tm.in, err = sess.StdinPipe(); err != nil {
		t.Fatal(err)
	}
	if err := sess.Shell(); err != nil {
		t.Fatal(err)
	}
	go func() { tm.done <- sess.Wait() }()
	t.Cleanup(func() { sess.Close() })
	return tm
}

func (tm *term) waitFor(t testing.TB, want string, within time.Duration) {
	t.Helper()
	if !tm.out.waitFor(want, within) {
		t.Fatalf("no %q within %s; output: %q", want, within, tail(tm.out.String()))
	}
}

func (tm *term) waitClosed(t testing.TB, within time.Duration) {
	t.Helper()
	select {
	case <-tm.done:
	case <-time.After(within):
		t.Fatalf("session still open after %s; output: %q", within, tail(tm.out.String()))
	}
}

func tail(s string) string {
	if len(s) > 600 {
		return "…" + s[len(s)-600:]
	}
	return s
}

// syncBuffer is a bytes.Buffer safe for a writer and a reader.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func (s *syncBuffer) waitFor(want string, within time.Duration) bool {
	deadline := time.Now().Add(within)
	for {
		if strings.Contains(s.String(), want) {
			return true
		}
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(10 * time.Millisecond)
	}
}
