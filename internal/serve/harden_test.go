package serve

import (
	"errors"
	"io"
	"os"
	"runtime"
	"strings"
	"testing"
	"time"

	gossh "golang.org/x/crypto/ssh"
)

// openRaw opens a session channel with a PTY, as a client that does not
// wait for replies can.
func openRaw(t *testing.T, c *gossh.Client) gossh.Channel {
	t.Helper()
	ch, reqs, err := c.OpenChannel("session", nil)
	if err != nil {
		t.Fatal(err)
	}
	go gossh.DiscardRequests(reqs)
	pty := gossh.Marshal(ptyRequest{Term: "xterm", Cols: 80, Rows: 24})
	if ok, err := ch.SendRequest("pty-req", true, pty); !ok || err != nil {
		t.Fatalf("pty-req: %v %v", ok, err)
	}
	return ch
}

// stuckSessions counts the session request loops still running.
func stuckSessions() int {
	buf := make([]byte, 1<<20)
	return strings.Count(string(buf[:runtime.Stack(buf, true)]), "serve.sessionChannel(")
}

// TestAResizeWhileConnectingDoesNotHangTheSession: charm.land/ssh's request
// loop blocks on a window change that comes between the terminal request
// and the shell, and never ends, even once the client has gone. Such a
// window change sizes the browser instead.
func TestAResizeWhileConnectingDoesNotHangTheSession(t *testing.T) {
	ts := startServer(t, Options{})
	c := ts.dial(t, ts.ana)
	resize := func(ch gossh.Channel, cols, rows uint32) {
		if _, err := ch.SendRequest("window-change", false, gossh.Marshal(windowChange{Cols: cols, Rows: rows})); err != nil {
			t.Fatal(err)
		}
	}

	// A client that leaves before its shell.
	for range 3 {
		ch := openRaw(t, c)
		resize(ch, 100, 30)
		resize(ch, 110, 35)
		ch.Close()
	}
	// One that starts it: the browser has the last size.
	ch := openRaw(t, c)
	resize(ch, 120, 40)
	replied := make(chan bool, 1)
	go func() {
		ok, _ := ch.SendRequest("shell", true, nil)
		replied <- ok
	}()
	select {
	case ok := <-replied:
		if !ok {
			t.Fatal("shell refused")
		}
	case <-time.After(3 * time.Second):
		t.Fatal("no answer to shell: the request loop hangs")
	}
	screen := &syncBuffer{}
	go io.Copy(screen, ch)
	if !screen.waitFor("hello ana@laptop size 120x40", 5*time.Second) {
		t.Fatalf("screen: %q", tail(screen.String()))
	}
	c.Close()
	waitUntil(t, 3*time.Second, "the session request loops ended", func() bool { return stuckSessions() == 0 })
}

func TestForwardingIsRefusedWithAReason(t *testing.T) {
	ts := startServer(t, Options{})
	c := ts.dial(t, ts.ana)
	for range 3 {
		_, err := c.Dial("tcp", ts.addr) // ssh -L
		var oc *gossh.OpenChannelError
		if !errors.As(err, &oc) || oc.Reason != gossh.Prohibited || oc.Message != NoForwarding {
			t.Fatalf("ssh -L: err = %v, want %q", err, NoForwarding)
		}
	}
	if _, err := c.Listen("tcp", "127.0.0.1:0"); err == nil { // ssh -R
		t.Error("a remote forward was granted")
	}
	if n := strings.Count(ts.logs.String(), "forwarding refused"); n != 1 {
		t.Errorf("%d log lines of refused forwards on one connection, want 1:\n%s", n, ts.logs)
	}
}

// TestAConnectionWithoutASessionIsClosed: ssh -N (nothing to forward here)
// and a connection whose sessions ended are closed after the grace period;
// one with a session open is not.
func TestAConnectionWithoutASessionIsClosed(t *testing.T) {
	ts := startServer(t, Options{HandshakeTimeout: 300 * time.Millisecond})
	closed := func(c *gossh.Client) chan struct{} {
		done := make(chan struct{})
		go func() { c.Wait(); close(done) }()
		return done
	}
	within := func(done chan struct{}, d time.Duration) bool {
		select {
		case <-done:
			return true
		case <-time.After(d):
			return false
		}
	}

	idle := closed(ts.dial(t, ts.ana)) // ssh -N
	busy := ts.dial(t, ts.bob)
	busyDone := closed(busy)
	tm := openTerm(t, busy, 80, 24)
	tm.waitFor(t, "hello bob", 5*time.Second)
	if !within(idle, 2*time.Second) {
		t.Fatal("a connection without a session is still open after 2 s")
	}
	if within(busyDone, 500*time.Millisecond) {
		t.Fatal("a connection with a session open was closed")
	}
	tm.in.Write([]byte("q")) // its last session ends: the connection follows
	tm.waitClosed(t, 3*time.Second)
	if !within(busyDone, 2*time.Second) {
		t.Fatal("a connection whose session ended is still open after 2 s")
	}
	if !strings.Contains(ts.logs.String(), "closed: no session") {
		t.Errorf("not logged:\n%s", ts.logs)
	}
}

func TestSessionChannelsPerConnectionAreCapped(t *testing.T) {
	ts := startServer(t, Options{})
	c := ts.dial(t, ts.ana)
	var open []gossh.Channel
	for range maxChannels {
		ch, reqs, err := c.OpenChannel("session", nil)
		if err != nil {
			t.Fatalf("channel %d: %v", len(open)+1, err)
		}
		go gossh.DiscardRequests(reqs)
		open = append(open, ch)
	}
	_, _, err := c.OpenChannel("session", nil)
	var oc *gossh.OpenChannelError
	if !errors.As(err, &oc) || oc.Reason != gossh.ResourceShortage {
		t.Fatalf("channel %d: err = %v, want a refusal", maxChannels+1, err)
	}
	open[0].Close()
	// Once one closes, another may open: the browser still comes.
	waitUntil(t, 3*time.Second, "a channel free", func() bool {
		sess, err := c.NewSession()
		if err == nil {
			sess.Close()
		}
		return err == nil
	})
}

func TestEnvironmentRequestsAreCapped(t *testing.T) {
	ts := startServer(t, Options{})
	sess, err := ts.dial(t, ts.ana).NewSession()
	if err != nil {
		t.Fatal(err)
	}
	defer sess.Close()
	for i := range maxEnv {
		if err := sess.Setenv("COLORTERM", "truecolor"); err != nil {
			t.Fatalf("variable %d: %v", i+1, err)
		}
	}
	if err := sess.Setenv("COLORTERM", "truecolor"); err == nil {
		t.Errorf("variable %d was accepted", maxEnv+1)
	}
}

// TestClientTextInLogsIsBounded: anyone may send a user name as long as a
// packet, before signing in; the log gets one short clean line of it.
func TestClientTextInLogsIsBounded(t *testing.T) {
	ts := startServer(t, Options{})
	user := "mallory\x1b]0;pwned\x07\n" + strings.Repeat("A", 64<<10)
	stranger := newKey(t, "")
	c, err := gossh.Dial("tcp", ts.addr, ts.config(user, gossh.Password("x"), gossh.PublicKeys(stranger.signer)))
	if err == nil {
		c.Close()
		t.Fatal("signed in")
	}
	logs := ts.logs.String()
	if !strings.Contains(logs, `user="mallory `) {
		t.Fatalf("the refusal was not logged:\n%.2000s", logs)
	}
	if strings.ContainsAny(logs, "\x1b\x07") {
		t.Error("the log holds escape sequences")
	}
	for _, line := range strings.Split(logs, "\n") {
		if len(line) > 600 {
			t.Errorf("a log line of %d bytes: %.200s…", len(line), line)
		}
	}
}

// TestAProvenKeyMustBeTheOneOffered: a client that offers an authorized key
// but signs with another is refused; identity never comes from an offer.
func TestAProvenKeyMustBeTheOneOffered(t *testing.T) {
	ts := startServer(t, Options{})
	mallory := newKey(t, "mallory")
	liar := lyingSigner{Signer: mallory.signer, shown: ts.ana.signer.PublicKey()}
	c, err := gossh.Dial("tcp", ts.addr, ts.config("ana", gossh.PublicKeys(liar)))
	if err == nil {
		c.Close()
		t.Fatal("signed in with a signature from another key")
	}
	if strings.Contains(ts.logs.String(), "signed in") {
		t.Errorf("logged as signed in:\n%s", ts.logs)
	}
}

type lyingSigner struct {
	gossh.Signer
	shown gossh.PublicKey
}

func (l lyingSigner) PublicKey() gossh.PublicKey { return l.shown }

// TestACrashedBrowserEndsOnlyItsSession: the teammate is told, the log says
// so, and the others carry on.
func TestACrashedBrowserEndsOnlyItsSession(t *testing.T) {
	ts := startServer(t, Options{})
	a := openTerm(t, ts.dial(t, ts.ana), 80, 24)
	b := openTerm(t, ts.dial(t, ts.bob), 80, 24)
	a.waitFor(t, "hello ana", 5*time.Second)
	b.waitFor(t, "hello bob", 5*time.Second)
	a.in.Write([]byte("!"))
	a.waitFor(t, "neotui: the browser crashed", 3*time.Second)
	a.waitClosed(t, 3*time.Second)
	b.in.Write([]byte("q"))
	b.waitClosed(t, 3*time.Second)
	if strings.Contains(b.out.String(), "crashed") {
		t.Error("bob was told of ana's crash")
	}
	openTerm(t, ts.dial(t, ts.ana), 80, 24).waitFor(t, "hello ana", 5*time.Second)
	if !strings.Contains(ts.logs.String(), "panic") {
		t.Errorf("the crash was not logged:\n%s", ts.logs)
	}
}

func TestAuthorizedKeysOwnedByAnotherUserGrantNothing(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("needs root to give the file away")
	}
	ts := startServer(t, Options{})
	if err := os.Chown(ts.keysPath, 65534, -1); err != nil {
		t.Fatal(err)
	}
	c, err := gossh.Dial("tcp", ts.addr, ts.config("x", gossh.PublicKeys(ts.ana.signer)))
	if err == nil {
		c.Close()
		t.Fatal("signed in with an authorized keys file another user owns")
	}
	if !strings.Contains(ts.logs.String(), "owned by user 65534") {
		t.Errorf("not logged:\n%s", ts.logs)
	}
}

// TestARemovedKeyEndsItsSessions: taking a teammate's line out of the file
// ends the sessions they have open, not only their next sign-in; a file
// that is merely unusable for a moment ends nobody's.
func TestARemovedKeyEndsItsSessions(t *testing.T) {
	ts := startServer(t, Options{keyCheck: 50 * time.Millisecond})
	a := openTerm(t, ts.dial(t, ts.ana), 80, 24)
	b := openTerm(t, ts.dial(t, ts.bob), 80, 24)
	a.waitFor(t, "hello ana", 5*time.Second)
	b.waitFor(t, "hello bob", 5*time.Second)

	if err := os.Chmod(ts.keysPath, 0o666); err != nil {
		t.Fatal(err)
	}
	time.Sleep(200 * time.Millisecond)
	if err := os.Chmod(ts.keysPath, 0o600); err != nil {
		t.Fatal(err)
	}
	writeKeys(t, ts.keysPath, ts.bob) // ana leaves the team
	a.waitFor(t, "neotui: your key is no longer authorized", 3*time.Second)
	a.waitClosed(t, 3*time.Second)
	time.Sleep(200 * time.Millisecond)
	select {
	case <-b.done:
		t.Fatalf("bob's session ended: %q", tail(b.out.String()))
	default:
	}
}
