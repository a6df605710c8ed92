package cli

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"
	gossh "golang.org/x/crypto/ssh"

	"github.com/neotui/neotui/api/apitest"
	"github.com/neotui/neotui/internal/serve"
	"github.com/neotui/neotui/internal/store"
)

// teammate is an SSH key pair and its authorized_keys line.
type teammate struct {
	signer gossh.Signer
	line   string
}

func newTeammate(t *testing.T, name string) teammate {
	t.Helper()
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	signer, err := gossh.NewSignerFromKey(priv)
	if err != nil {
		t.Fatal(err)
	}
	return teammate{signer, strings.TrimSpace(string(gossh.MarshalAuthorizedKey(signer.PublicKey()))) + " " + name}
}

func (c *cli) authorizedKeys(team ...teammate) string {
	c.t.Helper()
	var lines []string
	for _, m := range team {
		lines = append(lines, m.line)
	}
	p := filepath.Join(c.home, "team_keys")
	if err := os.WriteFile(p, []byte(strings.Join(lines, "\n")+"\n"), 0o600); err != nil {
		c.t.Fatal(err)
	}
	return p
}

// served is neotui serve running, in this process or as the built binary.
type served struct {
	t              *testing.T
	addr, hostKey  string
	stdout, stderr *lockedBuffer
	stop           func() int // stops it; the exit code
}

var servingLine = regexp.MustCompile(`serving the browser over SSH on (\S+)\nneotui: host key (SHA256:\S+)`)

func (s *served) waitListening() {
	s.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		if m := servingLine.FindStringSubmatch(s.stdout.String()); m != nil {
			s.addr, s.hostKey = m[1], m[2]
			return
		}
		if time.Now().After(deadline) {
			s.t.Fatalf("neotui serve did not start:\nstdout: %s\nstderr: %s", s.stdout, s.stderr)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// serveInProcess runs neotui serve through Run, as main would.
func (c *cli) serveInProcess(args ...string) *served {
	c.t.Helper()
	s := &served{t: c.t, stdout: &lockedBuffer{}, stderr: &lockedBuffer{}}
	ctx, cancel := context.WithCancel(context.Background())
	code := make(chan int, 1)
	getenv := func(k string) string { return c.env[k] }
	go func() {
		code <- Run(ctx, "", append([]string{"serve", "--listen", "127.0.0.1:0"}, args...), s.stdout, s.stderr, getenv)
	}()
	var once sync.Once
	exit := -1
	s.stop = func() int {
		once.Do(func() {
			cancel()
			select {
			case exit = <-code:
			case <-time.After(10 * time.Second):
				c.t.Error("neotui serve did not stop within 10 s")
			}
		})
		return exit
	}
	c.t.Cleanup(func() { s.stop() })
	s.waitListening()
	return s
}

// serveBinary runs the built binary in a directory of its own.
func (c *cli) serveBinary(dir string, args ...string) (*served, *exec.Cmd) {
	c.t.Helper()
	s := &served{t: c.t, stdout: &lockedBuffer{}, stderr: &lockedBuffer{}}
	cmd := exec.Command(binary, append([]string{"serve", "--listen", "127.0.0.1:0"}, args...)...)
	cmd.Dir = dir
	for k, v := range c.env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	cmd.Stdout, cmd.Stderr = s.stdout, s.stderr
	if err := cmd.Start(); err != nil {
		c.t.Fatal(err)
	}
	waited := make(chan int, 1)
	go func() {
		err := cmd.Wait()
		if ee, ok := err.(*exec.ExitError); ok {
			waited <- ee.ExitCode()
			return
		}
		waited <- 0
	}()
	var once sync.Once
	exit := -1
	s.stop = func() int {
		once.Do(func() {
			_ = cmd.Process.Signal(syscall.SIGTERM)
			select {
			case exit = <-waited:
			case <-time.After(10 * time.Second):
				cmd.Process.Kill()
				c.t.Error("neotui serve did not exit within 10 s of SIGTERM")
			}
		})
		return exit
	}
	c.t.Cleanup(func() { s.stop() })
	s.waitListening()
	return s, cmd
}

// sshTerm is a teammate's terminal: an SSH session with a PTY.
type sshTerm struct {
	t    *testing.T
	sess *gossh.Session
	in   io.Writer
	out  *lockedBuffer
	done chan struct{}
}

func (s *served) connect(m teammate, w, h int) *sshTerm {
	s.t.Helper()
	cfg := &gossh.ClientConfig{
		User:            "teammate",
		Auth:            []gossh.AuthMethod{gossh.PublicKeys(m.signer)},
		HostKeyCallback: checkFingerprint(s.hostKey),
		Timeout:         5 * time.Second,
	}
	client, err := gossh.Dial("tcp", s.addr, cfg)
	if err != nil {
		s.t.Fatalf("ssh: %v", err)
	}
	s.t.Cleanup(func() { client.Close() })
	sess, err := client.NewSession()
	if err != nil {
		s.t.Fatal(err)
	}
	if err := sess.RequestPty("xterm-256color", h, w, gossh.TerminalModes{}); err != nil {
		s.t.Fatal(err)
	}
	tm := &sshTerm{t: s.t, sess: sess, out: &lockedBuffer{}, done: make(chan struct{})}
	sess.Stdout, sess.Stderr = tm.out, tm.out
	if tm.in, err = sess.StdinPipe(); err != nil {
		s.t.Fatal(err)
	}
	if err := sess.Shell(); err != nil {
		s.t.Fatal(err)
	}
	go func() { sess.Wait(); close(tm.done) }()
	return tm
}

func checkFingerprint(want string) gossh.HostKeyCallback {
	return func(_ string, _ net.Addr, key gossh.PublicKey) error {
		if got := serve.Fingerprint(key); got != want {
			return fmt.Errorf("host key %s, printed %s", got, want)
		}
		return nil
	}
}

// waitFor waits for want in the output after byte offset from, escape
// sequences aside.
func (tm *sshTerm) waitFor(from int, want string, within time.Duration) time.Duration {
	tm.t.Helper()
	start := time.Now()
	for {
		if out := tm.out.String(); len(out) >= from && strings.Contains(ansi.Strip(out[from:]), want) {
			return time.Since(start)
		}
		if time.Since(start) > within {
			tm.t.Fatalf("no %q within %s; output ends: %q", want, within, lastBytes(tm.out.String(), 400))
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func (tm *sshTerm) send(keys string) {
	tm.t.Helper()
	if _, err := io.WriteString(tm.in, keys); err != nil {
		tm.t.Fatal(err)
	}
}

func lastBytes(s string, n int) string {
	if len(s) > n {
		return s[len(s)-n:]
	}
	return s
}

type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

func (l *lockedBuffer) Len() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Len()
}

func TestServeShowsTheBrowserOverSSH(t *testing.T) {
	c := newCLI(t, apitest.Options{})
	ana := newTeammate(t, "ana@laptop")
	s := c.serveInProcess("--authorized-keys", c.authorizedKeys(ana))
	tm := s.connect(ana, 120, 40)
	tm.waitFor(0, "1 Leads", 10*time.Second)
	tm.waitFor(0, "Mallory", 10*time.Second)
	if code := s.stop(); code != 0 {
		t.Errorf("exit %d; stderr:\n%s", code, s.stderr)
	}
	if strings.Contains(s.stdout.String()+s.stderr.String()+tm.out.String(), c.srv.Key) {
		t.Error("the API key was printed")
	}
}

// TestServeTeammatesSeeEachOthersTriage: ana marks a lead contacted; bob's
// screen shows it within about a second, and the store says ana did it.
func TestServeTeammatesSeeEachOthersTriage(t *testing.T) {
	c := newCLI(t, apitest.Options{})
	ana, bob := newTeammate(t, "ana@laptop"), newTeammate(t, "bob@desk")
	s := c.serveInProcess("--authorized-keys", c.authorizedKeys(ana, bob))
	a, b := s.connect(ana, 120, 40), s.connect(bob, 120, 40)
	for _, tm := range []*sshTerm{a, b} {
		tm.waitFor(0, "Mallory", 10*time.Second)
	}
	waitForLog(t, s, "synced", 10*time.Second) // the first sync is over: the screens are still
	time.Sleep(300 * time.Millisecond)

	from := b.out.Len()
	a.send("s")
	a.waitFor(0, "Status", 3*time.Second)
	a.send("c")
	took := b.waitFor(from, "contacted", 5*time.Second)
	t.Logf("bob saw ana's change after %s", took.Round(time.Millisecond))
	if took > 2500*time.Millisecond {
		t.Errorf("bob saw ana's change after %s, want about a second", took)
	}

	if code := s.stop(); code != 0 {
		t.Fatalf("exit %d; stderr:\n%s", code, s.stderr)
	}
	st, err := store.Open(c.storePath())
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	leads, err := st.Leads(context.Background(), store.LeadQuery{Bot: serial})
	if err != nil {
		t.Fatal(err)
	}
	var by []string
	for _, l := range leads {
		if l.Triage().Status == store.StatusContacted {
			by = append(by, l.Triage().UpdatedBy)
		}
	}
	if len(by) != 1 || by[0] != "ana@laptop" {
		t.Errorf("contacted leads were marked by %q, want one by ana@laptop", by)
	}
}

// TestServeSyncsOnceForEveryone: sessions opened together while the server
// syncs cost the API one sync: no request is made twice.
func TestServeSyncsOnceForEveryone(t *testing.T) {
	c := newCLI(t, apitest.Options{Latency: 50 * time.Millisecond})
	team := []teammate{newTeammate(t, "a"), newTeammate(t, "b"), newTeammate(t, "c"), newTeammate(t, "d"), newTeammate(t, "e")}
	s := c.serveInProcess("--authorized-keys", c.authorizedKeys(team...))
	var terms []*sshTerm
	var wg sync.WaitGroup
	var mu sync.Mutex
	for _, m := range team {
		wg.Add(1)
		go func() {
			defer wg.Done()
			tm := s.connect(m, 120, 40)
			mu.Lock()
			terms = append(terms, tm)
			mu.Unlock()
		}()
	}
	wg.Wait()
	for _, tm := range terms {
		tm.waitFor(0, "Mallory", 15*time.Second)
	}
	waitForLog(t, s, "synced", 15*time.Second)
	time.Sleep(500 * time.Millisecond) // anything a session would still ask for

	seen := map[string]int{}
	leadLists := 0
	for _, r := range c.srv.Requests() {
		seen[r.Endpoint+" "+string(r.Body)]++
		if r.Endpoint == apitest.LeadList && !strings.Contains(string(r.Body), "sessionID") {
			leadLists++
		}
	}
	for req, n := range seen {
		if n > 1 {
			t.Errorf("%d sessions: %s was requested %d times", len(team), req, n)
		}
	}
	if leadLists != 1 {
		t.Errorf("the leads were listed %d times, want once", leadLists)
	}
	t.Logf("%d sessions, %d requests in all", len(team), len(c.srv.Requests()))
}

func waitForLog(t *testing.T, s *served, want string, within time.Duration) {
	t.Helper()
	deadline := time.Now().Add(within)
	for !strings.Contains(s.stderr.String(), want) {
		if time.Now().After(deadline) {
			t.Fatalf("no %q in the log after %s:\n%s", want, within, s.stderr)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestServeBinaryStopsOnSIGTERM: the built binary tells its session the
// server is stopping, closes it, exits 0, and keeps its host key (0600, in
// the data directory, never the working directory) across restarts.
func TestServeBinaryStopsOnSIGTERM(t *testing.T) {
	c := newCLI(t, apitest.Options{})
	ana := newTeammate(t, "ana@laptop")
	keys := c.authorizedKeys(ana)
	wd := t.TempDir()
	s, _ := c.serveBinary(wd, "--authorized-keys", keys)
	tm := s.connect(ana, 100, 30)
	tm.waitFor(0, "1 Leads", 10*time.Second)

	if code := s.stop(); code != 0 {
		t.Errorf("exit %d after SIGTERM; stderr:\n%s", code, s.stderr)
	}
	tm.waitFor(0, "server is stopping", 3*time.Second)
	select {
	case <-tm.done:
	case <-time.After(3 * time.Second):
		t.Error("the session is still open")
	}

	keyPath := filepath.Join(c.home, "data", "neotui", serve.HostKeyName)
	if info, err := os.Stat(keyPath); err != nil || info.Mode().Perm() != 0o600 {
		t.Errorf("host key %s: %v, %v", keyPath, info, err)
	}
	if entries, _ := os.ReadDir(wd); len(entries) != 0 {
		t.Errorf("the working directory holds %v", entries)
	}
	again, _ := c.serveBinary(wd, "--authorized-keys", keys)
	if again.hostKey != s.hostKey {
		t.Errorf("host key %s after a restart, was %s", again.hostKey, s.hostKey)
	}
	again.stop()
}

func TestServeRefusesToStartOpen(t *testing.T) {
	c := newCLI(t, apitest.Options{})
	c.run("serve").failsWith(t, exitUsage, "--authorized-keys")

	p := c.authorizedKeys(newTeammate(t, "ana"))
	os.Chmod(p, 0o666)
	c.run("serve", "--authorized-keys", p).failsWith(t, exitFailure, "writable by others", "chmod 600")

	os.WriteFile(p, []byte("# nobody yet\n"), 0o600)
	os.Chmod(p, 0o600)
	c.run("serve", "--authorized-keys", p).failsWith(t, exitFailure, "no public key")

	c.run("serve", "--authorized-keys", p, "--max-sessions", "0").failsWith(t, exitUsage, "--max-sessions")
}

// TestServeLeavesNoGoroutinesBehind: sessions that quit or hang up, then the
// server stopping, give back their goroutines, the browser's timers included
// (they end with the browser).
func TestServeLeavesNoGoroutinesBehind(t *testing.T) {
	c := newCLI(t, apitest.Options{})
	ana := newTeammate(t, "ana@laptop")
	keys := c.authorizedKeys(ana)
	baseline := runtime.NumGoroutine() // earlier tests' sessions may have some
	s := c.serveInProcess("--authorized-keys", keys)
	const sessions = 4
	for i := range sessions {
		tm := s.connect(ana, 100, 30)
		tm.waitFor(0, "Mallory", 10*time.Second)
		if i%2 == 0 {
			tm.send("q")
		} else {
			tm.sess.Close() // hangs up
		}
	}
	waitForLog(t, s, "synced", 10*time.Second)
	s.stop()
	deadline := time.Now().Add(10 * time.Second)
	for {
		n := runtime.NumGoroutine()
		if n <= baseline+2 {
			t.Logf("goroutines: baseline %d, after %d sessions and a stop %d", baseline, sessions, n)
			return
		}
		if time.Now().After(deadline) {
			buf := make([]byte, 1<<20)
			t.Fatalf("%d goroutines, baseline %d:\n%s", n, baseline, buf[:runtime.Stack(buf, true)])
		}
		time.Sleep(50 * time.Millisecond)
	}
}
