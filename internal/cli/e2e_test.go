package cli

import (
	"fmt"
	"os/exec"
	"strings"
	"testing"
	"time"

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
	if _, err := exec.LookPath("tmux"); err != nil {
		t.Skip("tmux is not installed (.ci/run installs it)")
	}
	tm := &tmuxTerm{t: t, socket: fmt.Sprintf("neotui-test-%d", time.Now().UnixNano())}
	cmd := []string{"new-session", "-d", "-s", "main", "-x", fmt.Sprint(w), "-y", fmt.Sprint(h)}
	for k, v := range c.env {
		cmd = append(cmd, "-e", k+"="+v)
	}
	cmd = append(cmd, "-e", "TERM=xterm-256color", "-e", "COLORTERM=truecolor")
	cmd = append(cmd, binary+" "+strings.Join(args, " ")+"; sleep 30")
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
