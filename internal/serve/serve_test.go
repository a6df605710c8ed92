package serve

import (
	"context"
	"errors"
	"net"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	gossh "golang.org/x/crypto/ssh"
)

func TestAuthorizedKeyGetsTheBrowserSizedToItsTerminal(t *testing.T) {
	ts := startServer(t, Options{})
	tm := openTerm(t, ts.dial(t, ts.ana), 100, 30)
	tm.waitFor(t, "hello ana@laptop size 100x30", 5*time.Second)

	if err := tm.sess.WindowChange(40, 120); err != nil {
		t.Fatal(err)
	}
	tm.waitFor(t, "120x40", 3*time.Second)

	if _, err := tm.in.Write([]byte("q")); err != nil {
		t.Fatal(err)
	}
	tm.waitClosed(t, 3*time.Second)
	for _, want := range []string{"signed in", "identity=ana@laptop", "session start", "session end", "SHA256:"} {
		if !strings.Contains(ts.logs.String(), want) {
			t.Errorf("log lacks %q:\n%s", want, ts.logs)
		}
	}
}

func TestIdentityIsTheProvenKeysComment(t *testing.T) {
	ts := startServer(t, Options{})
	stranger := newKey(t, "stranger")
	// The client offers a key the server does not know first; the one it
	// signs in with names the session.
	c, err := gossh.Dial("tcp", ts.addr, ts.config("root", gossh.PublicKeys(stranger.signer, ts.bob.signer)))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	openTerm(t, c, 80, 24).waitFor(t, "hello bob@desk", 5*time.Second)

	// A key without a comment is named by the SSH user name, cleaned, and
	// the key's fingerprint: the client chooses the name.
	plain := newKey(t, "")
	writeKeys(t, ts.keysPath, ts.ana, plain)
	c2, err := gossh.Dial("tcp", ts.addr, ts.config("carol\x1b[31m", gossh.PublicKeys(plain.signer)))
	if err != nil {
		t.Fatal(err)
	}
	defer c2.Close()
	openTerm(t, c2, 80, 24).waitFor(t, "hello carol (key "+Fingerprint(plain.signer.PublicKey())[7:15]+") size", 5*time.Second)
}

func TestEverythingButAnAuthorizedKeyIsRefused(t *testing.T) {
	ts := startServer(t, Options{})
	unknown := newKey(t, "mallory")
	cases := map[string][]gossh.AuthMethod{
		"unknown key":          {gossh.PublicKeys(unknown.signer)},
		"no credentials":       nil,
		"password":             {gossh.Password("hunter2")},
		"keyboard-interactive": {gossh.KeyboardInteractive(func(string, string, []string, []bool) ([]string, error) { return []string{"x"}, nil })},
		"all of them":          {gossh.Password("x"), gossh.PublicKeys(unknown.signer), gossh.RetryableAuthMethod(gossh.Password("y"), 3)},
	}
	for name, auth := range cases {
		t.Run(name, func(t *testing.T) {
			c, err := gossh.Dial("tcp", ts.addr, ts.config("ana", auth...))
			if err == nil {
				c.Close()
				t.Fatal("signed in")
			}
			if !strings.Contains(err.Error(), "unable to authenticate") {
				t.Errorf("err = %v", err)
			}
		})
	}
	if !strings.Contains(ts.logs.String(), "unknown key") {
		t.Errorf("the unknown key was not logged:\n%s", ts.logs)
	}
}

func TestASessionGetsTheBrowserAndNothingElse(t *testing.T) {
	ts := startServer(t, Options{})
	c := ts.dial(t, ts.ana)

	t.Run("no terminal", func(t *testing.T) {
		sess, err := c.NewSession()
		if err != nil {
			t.Fatal(err)
		}
		defer sess.Close()
		out, err := sess.CombinedOutput("")
		if !isExit(err, 1) || strings.TrimSpace(string(out)) != NeedTerminal {
			t.Errorf("got %q, %v; want the one line %q and exit 1", out, err, NeedTerminal)
		}
	})
	t.Run("a command", func(t *testing.T) {
		sess, err := c.NewSession()
		if err != nil {
			t.Fatal(err)
		}
		defer sess.Close()
		if err := sess.RequestPty("xterm", 24, 80, nil); err != nil {
			t.Fatal(err)
		}
		out, err := sess.CombinedOutput("cat /etc/passwd; env")
		if !isExit(err, 1) || strings.TrimSpace(string(out)) != NoCommands {
			t.Errorf("got %q, %v; want the one line %q and exit 1", out, err, NoCommands)
		}
	})
	t.Run("sftp", func(t *testing.T) {
		sess, err := c.NewSession()
		if err != nil {
			t.Fatal(err)
		}
		defer sess.Close()
		if err := sess.RequestSubsystem("sftp"); err == nil {
			t.Error("the sftp subsystem was granted")
		}
	})
	t.Run("port forwarding", func(t *testing.T) {
		if conn, err := c.Dial("tcp", ts.addr); err == nil {
			conn.Close()
			t.Error("a local forward (direct-tcpip) was opened")
		}
		if ln, err := c.Listen("tcp", "127.0.0.1:0"); err == nil {
			ln.Close()
			t.Error("a remote forward (tcpip-forward) was granted")
		}
	})
	t.Run("x11 and the environment", func(t *testing.T) {
		sess, err := c.NewSession()
		if err != nil {
			t.Fatal(err)
		}
		defer sess.Close()
		ok, err := sess.SendRequest("x11-req", true, gossh.Marshal(struct {
			Single        bool
			Proto, Cookie string
			Screen        uint32
		}{false, "MIT-MAGIC-COOKIE-1", "00", 0}))
		if err != nil || ok {
			t.Errorf("x11-req: ok=%v err=%v", ok, err)
		}
		if ok, err := sess.SendRequest("auth-agent-req@openssh.com", true, nil); err != nil || ok {
			t.Errorf("agent forwarding: ok=%v err=%v", ok, err)
		}
		if err := sess.Setenv("LD_PRELOAD", "/tmp/x.so"); err == nil {
			t.Error("the environment variable LD_PRELOAD was accepted")
		}
		if err := sess.Setenv("COLORTERM", "truecolor"); err != nil {
			t.Errorf("COLORTERM: %v", err)
		}
		// The client's environment reaches nothing but the colour profile.
		if got := terminalEnv("xterm\x1b]0;x\x07", []string{"LD_PRELOAD=/tmp/x.so", "COLORTERM=truecolor", "NEOAGENT_API_KEY=x", "PATH=/tmp"}); strings.Join(got, " ") != "TERM=xterm COLORTERM=truecolor" {
			t.Errorf("terminalEnv = %q", got)
		}
	})
	t.Run("the browser still works", func(t *testing.T) {
		openTerm(t, c, 80, 24).waitFor(t, "hello ana@laptop", 5*time.Second)
	})
}

func isExit(err error, code int) bool {
	var ee *gossh.ExitError
	return errors.As(err, &ee) && ee.ExitStatus() == code
}

func TestSessionsOverTheCapAreRefused(t *testing.T) {
	ts := startServer(t, Options{MaxSessions: 2})
	c := ts.dial(t, ts.ana)
	openTerm(t, c, 80, 24).waitFor(t, "hello", 5*time.Second)
	openTerm(t, c, 80, 24).waitFor(t, "hello", 5*time.Second)
	third := openTerm(t, c, 80, 24)
	third.waitFor(t, "the server is full (2 sessions)", 5*time.Second)
	third.waitClosed(t, 3*time.Second)
	if strings.Contains(third.out.String(), "hello") {
		t.Error("the third session got the browser")
	}
}

func TestIdleAndLongSessionsEnd(t *testing.T) {
	t.Run("idle", func(t *testing.T) {
		ts := startServer(t, Options{IdleTimeout: 400 * time.Millisecond})
		tm := openTerm(t, ts.dial(t, ts.ana), 80, 24)
		tm.waitFor(t, "hello", 5*time.Second)
		// Keystrokes keep it open…
		for range 8 {
			time.Sleep(100 * time.Millisecond)
			if _, err := tm.in.Write([]byte("j")); err != nil {
				t.Fatal(err)
			}
		}
		select {
		case <-tm.done:
			t.Fatalf("closed while typing: %q", tail(tm.out.String()))
		default:
		}
		// …and their absence closes it, saying why.
		tm.waitFor(t, "without a keystroke", 3*time.Second)
		tm.waitClosed(t, 3*time.Second)
	})
	t.Run("too long", func(t *testing.T) {
		ts := startServer(t, Options{MaxSession: 500 * time.Millisecond})
		tm := openTerm(t, ts.dial(t, ts.ana), 80, 24)
		tm.waitFor(t, "time limit", 3*time.Second)
		tm.waitClosed(t, 3*time.Second)
	})
}

func TestAuthorizedKeysAreReReadWhenTheyChange(t *testing.T) {
	ts := startServer(t, Options{})
	signIn := func(k testKey) error {
		c, err := gossh.Dial("tcp", ts.addr, ts.config("x", gossh.PublicKeys(k.signer)))
		if err == nil {
			c.Close()
		}
		return err
	}
	carol := newKey(t, "carol@home")
	if signIn(carol) == nil {
		t.Fatal("carol signed in before being added")
	}
	writeKeys(t, ts.keysPath, ts.ana, ts.bob, carol)
	if err := signIn(carol); err != nil {
		t.Fatalf("carol, added: %v", err)
	}
	writeKeys(t, ts.keysPath, carol) // ana leaves the team
	if signIn(ts.ana) == nil {
		t.Error("ana signed in after being removed")
	}
	// A file others can write grants nothing (fail closed)…
	if err := os.Chmod(ts.keysPath, 0o666); err != nil {
		t.Fatal(err)
	}
	if signIn(carol) == nil {
		t.Error("signed in with a world-writable authorized keys file")
	}
	// …until it is fixed.
	if err := os.Chmod(ts.keysPath, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := signIn(carol); err != nil {
		t.Errorf("after chmod 600: %v", err)
	}
	if !strings.Contains(ts.logs.String(), "writable by others") {
		t.Errorf("the bad mode was not logged:\n%s", ts.logs)
	}
}

func TestShutdownTellsEverySession(t *testing.T) {
	ts := startServer(t, Options{})
	a := openTerm(t, ts.dial(t, ts.ana), 80, 24)
	b := openTerm(t, ts.dial(t, ts.bob), 80, 24)
	a.waitFor(t, "hello ana", 5*time.Second)
	b.waitFor(t, "hello bob", 5*time.Second)
	ts.stop(t)
	for _, tm := range []*term{a, b} {
		tm.waitFor(t, "neotui: "+Stopping, 3*time.Second)
		tm.waitClosed(t, 3*time.Second)
	}
	if _, err := gossh.Dial("tcp", ts.addr, ts.config("x", gossh.PublicKeys(ts.ana.signer))); err == nil {
		t.Error("a connection was accepted after Shutdown")
	}
}

// TestStalledConnections: 200 connections that never send a byte neither
// keep a teammate out nor outlive the handshake timeout, and the memory and
// goroutines they take come back.
func TestStalledConnections(t *testing.T) {
	baseline := runtime.NumGoroutine()
	ts := startServer(t, Options{HandshakeTimeout: 300 * time.Millisecond})
	var before runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)

	// 20 addresses × 10: each address at its limit of connections waiting
	// to sign in (all of 127/8 is loopback on Linux).
	var stalled []net.Conn
	for i := range 200 {
		c, err := dialFrom(net.IPv4(127, 0, 1, byte(1+i/10)), ts.addr)
		if err != nil {
			t.Skipf("cannot dial from a second loopback address: %v", err)
		}
		stalled = append(stalled, c)
	}
	defer func() {
		for _, c := range stalled {
			c.Close()
		}
	}()
	waitUntil(t, 3*time.Second, "200 connections pending", func() bool { return ts.ln.Load().pendingCount() == 200 })
	var during runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&during)
	grew := int64(during.HeapInuse) - int64(before.HeapInuse)
	t.Logf("200 stalled connections: heap in use +%d KB, %d goroutines (baseline %d)", grew>>10, runtime.NumGoroutine(), baseline)
	if grew > 32<<20 {
		t.Errorf("200 stalled connections took %d MB of heap", grew>>20)
	}

	// An 11th from a full address is closed at once, before any SSH byte.
	if extra, err := dialFrom(net.IPv4(127, 0, 1, 1), ts.addr); err == nil { // else reset already
		if n := readAll(extra, time.Second); n != 0 {
			t.Errorf("a connection over the per-address limit got %d bytes", n)
		}
		extra.Close()
	}

	// A teammate still signs in, and gets the browser.
	start := time.Now()
	openTerm(t, ts.dial(t, ts.ana), 80, 24).waitFor(t, "hello ana", 5*time.Second)
	t.Logf("signed in and saw the browser in %s beside 200 stalled connections", time.Since(start).Round(time.Millisecond))

	// The handshake timeout closed the stalled ones: they read the
	// server's version line, then EOF.
	for i, c := range stalled[:20] {
		if n := readAll(c, 2*time.Second); n == 0 || n > 256 {
			t.Errorf("stalled connection %d read %d bytes before closing", i, n)
		}
	}
	waitUntil(t, 3*time.Second, "no connection pending", func() bool { return ts.ln.Load().pendingCount() == 0 })

	ts.stop(t)
	for _, c := range stalled {
		c.Close()
	}
	waitUntil(t, 5*time.Second, "goroutines back to the baseline", func() bool { return runtime.NumGoroutine() <= baseline+5 })
}

func TestNewConnectionsPerAddressAreRateLimited(t *testing.T) {
	ts := startServer(t, Options{Limits: Limits{Burst: 3, Rate: 0.5}})
	from := net.IPv4(127, 0, 2, 1)
	got := 0
	for i := range 5 {
		c, err := dialFrom(from, ts.addr)
		if err != nil && i == 0 {
			t.Skipf("cannot dial from a second loopback address: %v", err)
		}
		if err != nil {
			continue // reset before connect returned: refused
		}
		if readSome(c, time.Second) > 0 {
			got++
		}
		c.Close()
	}
	if got != 3 {
		t.Errorf("%d of 5 quick connections were served, want the burst of 3", got)
	}
	// Others are not affected.
	openTerm(t, ts.dial(t, ts.ana), 80, 24).waitFor(t, "hello", 5*time.Second)
}

func TestGoroutinesReturnAfterSessions(t *testing.T) {
	baseline := runtime.NumGoroutine()
	ts := startServer(t, Options{})
	for range 3 {
		c := ts.dial(t, ts.ana)
		tm := openTerm(t, c, 80, 24)
		tm.waitFor(t, "hello", 5*time.Second)
		tm.in.Write([]byte("q"))
		tm.waitClosed(t, 3*time.Second)
		c.Close()
	}
	// A client that hangs up without quitting.
	c := ts.dial(t, ts.bob)
	openTerm(t, c, 80, 24).waitFor(t, "hello", 5*time.Second)
	c.Close()
	waitUntil(t, 5*time.Second, "sessions ended", func() bool { return ts.Active() == 0 })
	ts.stop(t)
	waitUntil(t, 5*time.Second, "goroutines back to the baseline", func() bool { return runtime.NumGoroutine() <= baseline+3 })
}

func TestHostKeyIsKeptAcrossRestarts(t *testing.T) {
	wd, _ := os.Getwd()
	before, _ := os.ReadDir(wd)
	dir := filepath.Join(t.TempDir(), "data", "neotui")
	path := filepath.Join(dir, HostKeyName)
	var prints []string
	for range 2 {
		key, err := LoadHostKey(path)
		if err != nil {
			t.Fatal(err)
		}
		srv, err := New(Options{HostKey: key, AuthorizedKeys: authorizedFile(t), App: func(Session) tea.Model { return echoModel{} }})
		if err != nil {
			t.Fatal(err)
		}
		ln, _ := net.Listen("tcp", "127.0.0.1:0")
		go srv.Serve(ln)
		var seen gossh.PublicKey
		cfg := &gossh.ClientConfig{User: "x", Auth: []gossh.AuthMethod{gossh.Password("x")}, Timeout: 5 * time.Second,
			HostKeyCallback: func(_ string, _ net.Addr, k gossh.PublicKey) error { seen = k; return nil }}
		if c, err := gossh.Dial("tcp", ln.Addr().String(), cfg); err == nil {
			c.Close()
		}
		if seen == nil {
			t.Fatal("no host key seen")
		}
		prints = append(prints, Fingerprint(seen))
		srv.Shutdown(context.Background(), Stopping)
	}
	if prints[0] != prints[1] {
		t.Errorf("fingerprint changed across restarts: %v", prints)
	}
	for p, want := range map[string]os.FileMode{path: 0o600, dir: 0o700} {
		if info, err := os.Stat(p); err != nil || info.Mode().Perm() != want {
			t.Errorf("%s: mode %v, err %v; want %04o", p, info.Mode().Perm(), err, want)
		}
	}
	after, _ := os.ReadDir(wd)
	if len(after) != len(before) {
		t.Errorf("the working directory changed: %d entries before, %d after", len(before), len(after))
	}
	// A host key others can read is refused.
	if err := os.Chmod(path, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadHostKey(path); err == nil || !strings.Contains(err.Error(), "chmod 600") {
		t.Errorf("a 0644 host key: err = %v", err)
	}
}

func authorizedFile(t *testing.T) string {
	p := filepath.Join(t.TempDir(), "authorized_keys")
	writeKeys(t, p, newKey(t, "ana"))
	return p
}

func dialFrom(ip net.IP, addr string) (net.Conn, error) {
	d := net.Dialer{LocalAddr: &net.TCPAddr{IP: ip}, Timeout: 2 * time.Second}
	return d.Dial("tcp", addr)
}

// readAll reads until EOF or the deadline, returning the byte count; -1 if
// the deadline came first.
func readAll(c net.Conn, within time.Duration) int {
	c.SetReadDeadline(time.Now().Add(within))
	n := 0
	buf := make([]byte, 512)
	for {
		m, err := c.Read(buf)
		n += m
		if err != nil {
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() {
				return -1
			}
			return n
		}
	}
}

// readSome reads what arrives first (the server's version line, for an
// admitted connection).
func readSome(c net.Conn, within time.Duration) int {
	c.SetReadDeadline(time.Now().Add(within))
	buf := make([]byte, 512)
	n, _ := c.Read(buf)
	return n
}

func waitUntil(t *testing.T, within time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(within)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("not %s after %s (goroutines: %d)", what, within, runtime.NumGoroutine())
		}
		time.Sleep(20 * time.Millisecond)
	}
}
