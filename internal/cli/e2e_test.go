package cli

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"

	"github.com/neotui/neotui/api"
	"github.com/neotui/neotui/api/apitest"
)

// tmuxTerm is a real terminal: a tmux server of its own running the built
// binary, driven with send-keys and read with capture-pane.
type tmuxTerm struct {
	t      *testing.T
	socket string
}

func newTmux(t *testing.T, c *cli, w, h int, args ...string) *tmuxTerm {
	t.Helper()
	return newTmuxShell(t, c, w, h, binary+" "+strings.Join(args, " "))
}

// newTmuxShell runs a shell command line in a new terminal; the pane stays
// open for a while after it ends.
func newTmuxShell(t *testing.T, c *cli, w, h int, line string) *tmuxTerm {
	t.Helper()
	if _, err := exec.LookPath("tmux"); err != nil {
		t.Skip("tmux is not installed (.ci/run installs it)")
	}
	tm := &tmuxTerm{t: t, socket: fmt.Sprintf("neotui-test-%d", time.Now().UnixNano())}
	cmd := []string{"new-session", "-d", "-s", "main", "-x", fmt.Sprint(w), "-y", fmt.Sprint(h)}
	for k, v := range c.env {
		cmd = append(cmd, "-e", k+"="+v)
	}
	cmd = append(cmd, "-e", "TERM=xterm-256color", "-e", "COLORTERM=truecolor")
	cmd = append(cmd, line+"; sleep 30")
	tm.run(cmd...)
	// An application's OSC 52 lands in tmux's buffers when this is on: the
	// test can then see whether anything wrote the clipboard.
	tm.run("set-option", "-g", "set-clipboard", "on")
	t.Cleanup(func() { exec.Command("tmux", "-L", tm.socket, "kill-server").Run() })
	return tm
}

func (tm *tmuxTerm) run(args ...string) string {
	tm.t.Helper()
	out, err := exec.Command("tmux", append([]string{"-L", tm.socket}, args...)...).CombinedOutput()
	if err != nil {
		tm.t.Fatalf("tmux %v: %v: %s", args, err, out)
	}
	return string(out)
}

func (tm *tmuxTerm) screen() string { return tm.run("capture-pane", "-p", "-t", "main") }

// keys types keys. An Escape goes alone, with a pause: followed at once by
// another key, a terminal reads the pair as alt+key.
func (tm *tmuxTerm) keys(keys ...string) {
	var batch []string
	flush := func() {
		if len(batch) > 0 {
			tm.run(append([]string{"send-keys", "-t", "main"}, batch...)...)
			batch = nil
		}
	}
	for _, k := range keys {
		if k == "Escape" {
			flush()
			tm.run("send-keys", "-t", "main", "Escape")
			time.Sleep(150 * time.Millisecond)
			continue
		}
		batch = append(batch, k)
	}
	flush()
}

// waitFor polls the screen until it contains every want, or fails.
func (tm *tmuxTerm) waitFor(want ...string) string {
	tm.t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for {
		s := tm.screen()
		ok := true
		for _, w := range want {
			ok = ok && strings.Contains(s, w)
		}
		if ok {
			return s
		}
		if time.Now().After(deadline) {
			tm.t.Fatalf("screen never showed %q:\n%s", want, s)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// TestBrowserInARealTerminal runs neotui against the fake API in tmux:
// start, sync, open, filter, search, quit.
func TestBrowserInARealTerminal(t *testing.T) {
	c := newCLI(t, apitest.Options{})
	tm := newTmux(t, c, 120, 36)
	s := tm.waitFor("1 Leads", "2 Conversations", "Mallory")
	if !strings.Contains(s, "Mallory") {
		t.Errorf("the newest leads are not listed:\n%s", s)
	}
	tm.keys("Enter")
	tm.waitFor("Conversation ", "phone")
	tm.keys("Escape", "2")
	tm.waitFor("2 Conversations")
	tm.keys("/")
	tm.keys("-l", "qqqqzzzz") // a filter matching nothing, typed in the box: q must not quit
	tm.waitFor("no matches")
	tm.keys("Escape", "3")
	tm.keys("-l", "precio")
	tm.waitFor("for \"precio\"")
	tm.keys("Enter", "Enter")
	tm.waitFor("Conversation ", "Visitor")
	if out := tm.run("list-buffers"); strings.TrimSpace(out) != "" {
		t.Errorf("something wrote the clipboard (tmux buffers: %q)", out)
	}
	tm.keys("q")
	deadline := time.Now().Add(5 * time.Second)
	for !strings.Contains(tm.screen(), "$") && time.Now().Before(deadline) {
		if !strings.Contains(tm.screen(), "1 Leads") {
			return // the browser is gone: quit worked
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Errorf("q did not quit:\n%s", tm.screen())
}

// TestTriagePersistsAcrossRestarts: a status set and a lead opened in one
// run of the built binary are there in the next, with the unseen count.
func TestTriagePersistsAcrossRestarts(t *testing.T) {
	c := newCLI(t, apitest.Options{})
	first := newTmux(t, c, 120, 36)
	s := first.waitFor("1 Leads", "Mallory")
	unseen := unseenCount(t, s)
	first.keys("s")
	first.waitFor("Status")
	first.keys("c")
	first.waitFor("marked contacted")
	first.keys("Enter")
	first.waitFor("triage")
	first.keys("Escape")
	first.keys("q")
	time.Sleep(300 * time.Millisecond)

	second := newTmux(t, c, 120, 36)
	s = second.waitFor("1 Leads", "contacted")
	if got := unseenCount(t, s); got != unseen-1 {
		t.Errorf("unseen count after a restart is %d, want %d", got, unseen-1)
	}
	second.keys("q")
}

// unseenCount reads "●N" from the Leads tab title.
func unseenCount(t *testing.T, screen string) int {
	t.Helper()
	line := strings.SplitN(screen, "\n", 2)[0]
	i := strings.Index(line, "●")
	if i < 0 {
		t.Fatalf("no unseen count in %q", line)
	}
	n := 0
	fmt.Sscanf(line[i+len("●"):], "%d", &n)
	return n
}

// startBrowser runs the browser in a terminal of its own and returns its
// process ID once it shows its leads. detached puts it in a session of its
// own, out of reach of the hangup signal a closing terminal sends: it must
// then notice by itself that the terminal is gone.
func startBrowser(t *testing.T, c *cli, detached bool) (*tmuxTerm, int) {
	t.Helper()
	pidFile := filepath.Join(t.TempDir(), "pid")
	line := fmt.Sprintf("sh -c 'echo $$ >%s; exec %s'", pidFile, binary)
	if detached {
		if _, err := exec.LookPath("setsid"); err != nil {
			t.Skip("setsid is not installed")
		}
		line = "setsid " + line
	}
	// 1 when neotui ended by its own shutdown, which closes the store;
	// 128 + the signal when a signal killed it.
	line += "; echo neotui exited $?"
	tm := newTmuxShell(t, c, 120, 36, line)
	tm.waitFor("1 Leads")
	b, err := os.ReadFile(pidFile)
	if err != nil {
		t.Fatal(err)
	}
	pid, err := strconv.Atoi(strings.TrimSpace(string(b)))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if running(pid) {
			syscall.Kill(pid, syscall.SIGKILL)
		}
	})
	return tm, pid
}

// running reports whether the process runs; a zombie counts as ended.
func running(pid int) bool {
	if syscall.Kill(pid, 0) != nil {
		return false
	}
	stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	return err != nil || !strings.Contains(string(stat), ") Z ")
}

// waitEnded waits up to limit for the process to end and says how long it took.
func waitEnded(t *testing.T, pid int, limit time.Duration) time.Duration {
	t.Helper()
	start := time.Now()
	for running(pid) {
		if time.Since(start) > limit {
			t.Fatalf("neotui still runs %v later", limit)
		}
		time.Sleep(20 * time.Millisecond)
	}
	return time.Since(start)
}

// TestBrowserEndsWhenItsTerminalCloses: a terminal closed under the
// browser, with text in the search box, ends it, even when no hangup
// signal reaches it.
func TestBrowserEndsWhenItsTerminalCloses(t *testing.T) {
	c := newCLI(t, apitest.Options{})
	tm, pid := startBrowser(t, c, true)
	tm.keys("3")
	tm.keys("-l", "precio")
	tm.waitFor("for \"precio\"")
	tm.run("kill-session", "-t", "main")
	t.Logf("ended %v after its terminal closed", waitEnded(t, pid, 3*time.Second))
}

// TestSignalsEndTheBrowser: SIGTERM and SIGHUP end the browser at once,
// whatever it shows, through its own shutdown, which closes the store.
func TestSignalsEndTheBrowser(t *testing.T) {
	c := newCLI(t, apitest.Options{})
	// Conversations to open: a browser killed mid-sync may have stored none.
	c.mustRun("sync")
	tests := []struct {
		name   string
		sig    syscall.Signal
		damage bool       // overwrite part of the store first
		keys   [][]string // tmux send-keys, one call each
		want   string     // on the screen before the signal
	}{
		{"SIGTERM over the leads", syscall.SIGTERM, false, nil, "Mallory"},
		{"SIGTERM with text in the search box", syscall.SIGTERM, false, [][]string{{"3"}, {"-l", "precio"}}, "for \"precio\""},
		{"SIGTERM in a conversation", syscall.SIGTERM, false, [][]string{{"2"}, {"Enter"}}, "Visitor"},
		{"SIGHUP over the help", syscall.SIGHUP, false, [][]string{{"?"}}, "j/k scroll"},
		{"SIGTERM over a damaged store", syscall.SIGTERM, true, nil, "1 Leads"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.damage {
				damage(t, c.storePath())
			}
			tm, pid := startBrowser(t, c, false)
			for _, k := range tt.keys {
				tm.keys(k...)
			}
			tm.waitFor(tt.want)
			syscall.Kill(pid, tt.sig)
			t.Logf("ended %v after %v", waitEnded(t, pid, 2*time.Second), tt.sig)
			tm.waitFor("neotui exited 1")
		})
	}
}

// damage overwrites a stretch in the middle of a file.
func damage(t *testing.T, path string) {
	t.Helper()
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	fi, _ := f.Stat()
	junk := []byte(strings.Repeat("\xde\xad\xbe\xef", 4096))
	if _, err := f.WriteAt(junk, fi.Size()/3); err != nil {
		t.Fatal(err)
	}
}

// TestSIGTERMEndsABrowserStuckWriting: a terminal that stops reading (a
// stalled SSH connection) blocks the browser's writes; SIGTERM still ends it.
func TestSIGTERMEndsABrowserStuckWriting(t *testing.T) {
	c := newCLI(t, apitest.Options{})
	tm, pid := startBrowser(t, c, false)
	server, err := strconv.Atoi(strings.TrimSpace(tm.run("display-message", "-p", "#{pid}")))
	if err != nil {
		t.Fatal(err)
	}
	syscall.Kill(server, syscall.SIGSTOP) // the terminal stops reading
	defer syscall.Kill(server, syscall.SIGCONT)
	// Each window size signal redraws the screen, until the terminal's
	// buffer is full and a write blocks.
	for start := time.Now(); !writeBlocked(pid); time.Sleep(5 * time.Millisecond) {
		if time.Since(start) > 5*time.Second {
			t.Skip("could not see the browser's write block (no /proc/PID/task/*/wchan here?)")
		}
		syscall.Kill(pid, syscall.SIGWINCH)
	}
	syscall.Kill(pid, syscall.SIGTERM)
	t.Logf("ended %v after SIGTERM", waitEnded(t, pid, 3*time.Second))
}

// writeBlocked reports whether a thread of the process waits to write to
// its terminal.
func writeBlocked(pid int) bool {
	tasks, _ := filepath.Glob(fmt.Sprintf("/proc/%d/task/*/wchan", pid))
	for _, task := range tasks {
		if b, _ := os.ReadFile(task); string(b) == "wait_woken" || string(b) == "n_tty_write" {
			return true
		}
	}
	return false
}

// TestCLIAndBrowserMeanTheSameDays: the browser's start-up sync and the
// default ranges of leads, sessions and sync ask Neoagent for the same 30
// days, for a user whose date is not the UTC date.
func TestCLIAndBrowserMeanTheSameDays(t *testing.T) {
	c := newCLI(t, apitest.Options{})
	zone := "Pacific/Kiritimati" // UTC+14: tomorrow already, from 10:00 UTC
	if time.Now().UTC().Hour() < 12 {
		zone = "Etc/GMT+12" // UTC-12: still yesterday until 12:00 UTC
	}
	if _, err := time.LoadLocation(zone); err != nil {
		t.Skipf("no time zone data: %v", err)
	}
	c.writeConfig("rate_limit: 100000\ntime_zone: "+zone+"\n", 0o600)
	// asked is the days of the first LeadList request run makes from an
	// empty store, where a sync asks for its whole range.
	asked := func(run func()) string {
		t.Helper()
		os.RemoveAll(filepath.Dir(c.storePath()))
		c.srv.ResetRequests()
		run()
		for _, r := range c.srv.Requests() {
			var q struct{ StartTime, EndTime string }
			if r.Endpoint == apitest.LeadList && json.Unmarshal(r.Body, &q) == nil {
				return q.StartTime + "…" + q.EndTime
			}
		}
		t.Fatal("no LeadList request")
		return ""
	}
	browser := asked(func() {
		tm, pid := startBrowser(t, c, false)
		tm.waitFor("Mallory")
		tm.keys("q")
		waitEnded(t, pid, 3*time.Second)
	})
	from, _ := api.ParseDay(strings.Split(browser, "…")[0])
	to, _ := api.ParseDay(strings.Split(browser, "…")[1])
	if to-from != 29 {
		t.Errorf("the browser synced %s, not 30 days", browser)
	}
	for _, args := range [][]string{{"leads"}, {"sessions"}, {"sync"}} {
		if got := asked(func() { c.mustRun(args...) }); got != browser {
			t.Errorf("neotui %s synced %s; the browser %s", args[0], got, browser)
		}
	}
}

// TestSyncShowsProgressOnATerminal: a slow first sync draws a progress line
// on the terminal's stderr, redrawn in place and cleared at the end, even
// on a terminal narrower than the line; the summary goes to stdout, here a
// file, without it.
func TestSyncShowsProgressOnATerminal(t *testing.T) {
	c := newCLI(t, apitest.Options{Latency: 300 * time.Millisecond})
	out := filepath.Join(t.TempDir(), "out")
	tm := newTmuxShell(t, c, 40, 10, fmt.Sprintf("%s sync --since 90d >%s; echo exited $?", binary, out))
	tm.waitFor("syncing history ", "/4 (")
	s := tm.waitFor("exited 0")
	if strings.Contains(s, "syncing") {
		t.Errorf("the progress line was not cleared:\n%s", s)
	}
	b, _ := os.ReadFile(out)
	if !strings.Contains(string(b), "4 requests") || strings.Contains(string(b), "syncing") || strings.Contains(string(b), "\x1b") {
		t.Errorf("stdout: %q", b)
	}
}

// TestMouseInARealTerminal: the real binary in tmux turns mouse reporting
// on, and SGR reports typed into its terminal click a tab and a row: the
// terminal's own bytes, parsed as Bubble Tea reads them. The header names
// the bot from the environment by its masked serial.
func TestMouseInARealTerminal(t *testing.T) {
	c := newCLI(t, apitest.Options{})
	tm := newTmux(t, c, 120, 36)
	s := tm.waitFor("1 Leads", "Mallory")
	if !strings.Contains(strings.Split(s, "\n")[0], "serial ••••-bot") || strings.Contains(s, "default") {
		t.Errorf("the header does not name the bot from NEOAGENT_SERIAL by its serial:\n%s", s)
	}
	tm.sgr(0, tabColumn(t, s, "2 Conversations")+2, 0)
	tm.waitFor("1 leads") // the footer of a tab other than Leads
	// A click on the third row, once the sync has brought it, then on it
	// again: it opens, and the detail has the keys.
	id := ""
	for deadline := time.Now().Add(15 * time.Second); id == "" && time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		id = regexp.MustCompile(`\b\d{5,}\b`).FindString(strings.Split(tm.screen(), "\n")[4])
	}
	if id == "" {
		t.Fatalf("no conversation on the third row:\n%s", tm.screen())
	}
	tm.sgr(0, 5, 4)
	tm.sgr(0, 5, 4)
	tm.waitFor("esc back", "Conversation "+id)
}

// sgr types an SGR mouse report of button at column x, row y (from 0).
func (tm *tmuxTerm) sgr(button, x, y int) {
	tm.t.Helper()
	seq := fmt.Sprintf("\x1b[<%d;%d;%dM", button, x+1, y+1)
	args := []string{"send-keys", "-t", "main", "-H"}
	for _, b := range []byte(seq) {
		args = append(args, fmt.Sprintf("%02x", b))
	}
	tm.run(args...)
}

// TestNoteInEditorInARealTerminal: ctrl+e in the note editor runs $EDITOR
// on the terminal itself (not on the browser's wrapped reader and writer,
// through which the editor got pipes and the browser came back blank
// after it), and the browser comes back with the text the editor saved.
func TestNoteInEditorInARealTerminal(t *testing.T) {
	c := newCLI(t, apitest.Options{})
	editor := filepath.Join(t.TempDir(), "editor")
	script := "#!/bin/sh\nif [ -t 0 ] && [ -t 1 ]; then echo on a terminal >> \"$1\"; else echo on pipes >> \"$1\"; fi\n"
	if err := os.WriteFile(editor, []byte(script), 0o700); err != nil {
		t.Fatal(err)
	}
	c.env["EDITOR"] = editor
	tm := newTmux(t, c, 120, 36)
	tm.waitFor("1 Leads", "Mallory")
	tm.keys("n", "a")
	tm.keys("-l", "typed first")
	tm.keys("C-e")
	tm.waitFor("on a terminal", "ctrl+s saves it")
	tm.keys("C-s")
	s := tm.waitFor("added a note")
	// The mouse is back too: a click outside the notes closes them, and
	// one on a tab switches.
	x := tabColumn(t, s, "2 Conversations") + 2
	tm.sgr(0, x, 0)
	tm.waitFor("s set status")
	tm.sgr(0, x, 0)
	tm.waitFor("1 leads")
}

// tabColumn is the cell where title starts on the screen's first line.
func tabColumn(t *testing.T, screen, title string) int {
	t.Helper()
	line := strings.Split(screen, "\n")[0]
	i := strings.Index(line, title)
	if i < 0 {
		t.Fatalf("no %q in the tab bar %q", title, line)
	}
	return ansi.StringWidth(line[:i])
}
