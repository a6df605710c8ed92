package cli

import (
	"bufio"
	"cmp"
	"fmt"
	"io"
	"os"
	"os/exec"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"
)

// TestKeystrokeLatency times the live filter as a user meets it: the built
// binary in a real terminal (tmux) over a big store, a key sent, the pane
// read until the screen changes. It is a benchmark, not a test: it runs only
// when NEOTUI_KEYSTROKE_DATA names an XDG_DATA_HOME holding neotui/neotui.db,
// a copy of the store tui's bigStore builds (typing starts once its 100000
// conversations are loaded), with -v for the figures:
//
//	NEOTUI_KEYSTROKE_DATA=/tmp/xdg/data go test -v -run TestKeystrokeLatency ./internal/cli
//
// NEOTUI_KEYSTROKE_VS names another neotui binary (a build of an older
// commit): the two are then typed at in turn, key by key, so that a machine
// busy with something else slows both alike; NEOTUI_KEYSTROKE_VS_DATA, its
// XDG_DATA_HOME if it needs one of its own (an older schema: a copy of the
// same store). NEOTUI_KEYSTROKE_SERIAL is the
// store's bot (tui-bot, bigStore's, by default). NEOTUI_KEYSTROKE_EACH=1
// logs every key's times.
//
// Per key it reports three times: echo, the first change of the screen (the
// typed letter in the filter box); list, the last change of the list's half
// of the screen (the rows and count of the new query); all, the last change
// anywhere (the detail pane beside the list following the first match). The
// pane is read every pollEvery through a tmux control client, so a time is
// late by at most pollEvery plus one read (well under a millisecond each);
// cat in the same terminal echoes a key in 1.5 ms by this measure. A frame
// that changes the whole list reaches tmux in pieces, and list is when the
// last piece is on screen.
func TestKeystrokeLatency(t *testing.T) {
	data := os.Getenv("NEOTUI_KEYSTROKE_DATA")
	if data == "" {
		t.Skip("set NEOTUI_KEYSTROKE_DATA to an XDG_DATA_HOME holding a big store")
	}
	if _, err := exec.LookPath("tmux"); err != nil {
		t.Skip("tmux is not installed")
	}
	serial := cmp.Or(os.Getenv("NEOTUI_KEYSTROKE_SERIAL"), "tui-bot")
	bins := []string{binary}
	if vs := os.Getenv("NEOTUI_KEYSTROKE_VS"); vs != "" {
		bins = append(bins, vs)
	}
	terms := make([]*controlTerm, len(bins))
	for i, bin := range bins {
		dir := data
		if i > 0 {
			dir = cmp.Or(os.Getenv("NEOTUI_KEYSTROKE_VS_DATA"), data)
		}
		terms[i] = startControlTerm(t, bin, dir, serial)
	}
	times := make([][]keyTime, len(bins))
	for _, tab := range keystrokeScript {
		for _, tm := range terms {
			tm.untimed(tab.open...)
		}
		for _, k := range tab.keys {
			for i, tm := range terms {
				kt := tm.time(k)
				times[i] = append(times[i], kt)
				if os.Getenv("NEOTUI_KEYSTROKE_EACH") != "" {
					t.Logf("%d %-6s echo %5.1f  list %5.1f  all %5.1f", i, k, ms(kt.echo), ms(kt.list), ms(kt.all))
				}
			}
		}
	}
	for i, bin := range bins {
		t.Logf("%s: %d keys", bin, len(times[i]))
		for _, m := range keyMetrics {
			med, p90 := percentiles(times[i], m.of)
			t.Logf("  %-5s median %5.1f ms  p90 %5.1f ms", m.name, ms(med), ms(p90))
		}
	}
	if len(bins) == 2 {
		for _, m := range keyMetrics {
			ratios := make([]float64, len(times[0]))
			for j := range ratios {
				ratios[j] = float64(m.of(times[0][j])) / float64(m.of(times[1][j]))
			}
			slices.Sort(ratios)
			t.Logf("%-5s this/vs per key: median %.2f", m.name, ratios[len(ratios)/2])
		}
	}
}

// keystrokeScript is what is typed: per tab, the keys that open its filter
// (not timed), then words typed and erased a key at a time (timed). A word
// with no substring hit (mrtnz) takes the fuzzy pass.
var keystrokeScript = []struct {
	open []string
	keys []string
}{
	{open: []string{"/"}, keys: typeAndErase("maria", "mrtnz")},
	{open: []string{"Escape", "2", "/"}, keys: typeAndErase("precio", "hora")},
}

func typeAndErase(words ...string) []string {
	var keys []string
	for _, w := range words {
		for _, r := range w {
			keys = append(keys, string(r))
		}
		for range w {
			keys = append(keys, "BSpace")
		}
	}
	return keys
}

const (
	pollEvery = 500 * time.Microsecond
	// settleFor is how long the screen must stay still for a key's work to
	// count as done; the detail's transcript may come well after the list.
	settleFor = 300 * time.Millisecond
	termW     = 120
	termH     = 40
	listCells = termW/2 - 1 // the list's half, before the detail's border
)

type keyTime struct{ echo, list, all time.Duration }

var keyMetrics = []struct {
	name string
	of   func(keyTime) time.Duration
}{
	{"echo", func(k keyTime) time.Duration { return k.echo }},
	{"list", func(k keyTime) time.Duration { return k.list }},
	{"all", func(k keyTime) time.Duration { return k.all }},
}

func percentiles(ks []keyTime, of func(keyTime) time.Duration) (median, p90 time.Duration) {
	ds := make([]time.Duration, len(ks))
	for i, k := range ks {
		ds[i] = of(k)
	}
	slices.Sort(ds)
	return ds[len(ds)/2], ds[len(ds)*9/10]
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// controlTerm is a tmux server of its own running one binary, driven
// through a control client: each command is a line written to it, each
// answer a %begin…%end block read back, with no process started per read.
type controlTerm struct {
	t       *testing.T
	in      io.Writer
	replies chan []string
}

func startControlTerm(t *testing.T, bin, data, serial string) *controlTerm {
	t.Helper()
	tm := startTmux(t, []string{"TERM=xterm-256color", "COLORTERM=truecolor", "LANG=C.UTF-8",
		"XDG_DATA_HOME=" + data, "XDG_CONFIG_HOME=" + t.TempDir(), "NEOAGENT_SERIAL=" + serial}, bin+" --offline")
	tm.waitFor("Conversations 100000", 2*time.Minute)
	return tm
}

// startTmux starts command in a new tmux session with env, and a control
// client attached to it.
func startTmux(t *testing.T, env []string, command string) *controlTerm {
	t.Helper()
	socket := fmt.Sprintf("neotui-timed-%d", time.Now().UnixNano())
	tmux := func(args ...string) *exec.Cmd {
		return exec.Command("tmux", append([]string{"-L", socket, "-u", "-f", "/dev/null"}, args...)...)
	}
	args := []string{"new-session", "-d", "-s", "m", "-x", fmt.Sprint(termW), "-y", fmt.Sprint(termH)}
	for _, kv := range env {
		args = append(args, "-e", kv)
	}
	if out, err := tmux(append(args, command)...).CombinedOutput(); err != nil {
		t.Fatalf("tmux: %v: %s", err, out)
	}
	t.Cleanup(func() { tmux("kill-server").Run() })

	ctl := tmux("-C", "attach", "-t", "m")
	in, err := ctl.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	out, err := ctl.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := ctl.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { in.Close(); ctl.Wait() })
	tm := &controlTerm{t: t, in: in, replies: make(chan []string, 1)}
	go tm.read(out)
	tm.do("refresh-client -f no-output") // no copy of every frame's bytes
	return tm
}

// read passes the answers to this client's commands (flags 1) to replies;
// notifications and the attach's own block are dropped.
func (tm *controlTerm) read(r io.Reader) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	var block []string
	var end string
	for sc.Scan() {
		line := sc.Text()
		switch {
		case end == "" && strings.HasPrefix(line, "%begin "):
			end, block = strings.TrimPrefix(line, "%begin "), []string{}
		case end != "" && (line == "%end "+end || line == "%error "+end):
			if strings.HasSuffix(end, " 1") {
				tm.replies <- block
			}
			end = ""
		case end != "":
			block = append(block, line)
		}
	}
	close(tm.replies)
}

func (tm *controlTerm) do(command string) []string {
	if _, err := io.WriteString(tm.in, command+"\n"); err != nil {
		tm.t.Fatal(err)
	}
	reply, ok := <-tm.replies
	if !ok {
		tm.t.Fatal("the tmux control client ended")
	}
	return reply
}

func (tm *controlTerm) screen() []string { return tm.do("capture-pane -p -t m") }

func (tm *controlTerm) send(key string) {
	if len(key) == 1 {
		tm.do("send-keys -t m -l '" + key + "'")
		return
	}
	tm.do("send-keys -t m " + key)
}

// untimed sends keys apart, each after the screen settles: an Escape
// followed at once by a key reads as alt+key.
func (tm *controlTerm) untimed(keys ...string) {
	for _, k := range keys {
		tm.time(k)
	}
}

// waitFor reads the screen until it shows want, then lets it settle.
func (tm *controlTerm) waitFor(want string, limit time.Duration) {
	deadline := time.Now().Add(limit)
	for !strings.Contains(strings.Join(tm.screen(), "\n"), want) {
		if time.Now().After(deadline) {
			tm.t.Fatalf("the screen never showed %q:\n%s", want, strings.Join(tm.screen(), "\n"))
		}
		time.Sleep(50 * time.Millisecond)
	}
	time.Sleep(settleFor)
}

// time sends key and reads the screen until it has stayed still for
// settleFor, noting when it changed.
func (tm *controlTerm) time(key string) keyTime {
	last := tm.screen()
	lastList := listHalf(last)
	var kt keyTime
	start := time.Now()
	tm.send(key)
	changed := start
	for time.Since(changed) < settleFor || kt.echo == 0 {
		if time.Since(start) > 10*time.Second {
			tm.t.Fatalf("the screen did not change in 10 s after %q", key)
		}
		time.Sleep(pollEvery)
		now := tm.screen()
		at := time.Since(start)
		if slices.Equal(now, last) {
			continue
		}
		if kt.echo == 0 {
			kt.echo = at
		}
		kt.all, last, changed = at, now, time.Now()
		if l := listHalf(now); l != lastList {
			kt.list, lastList = at, l
		}
	}
	return kt
}

// listHalf is the list's part of the screen: each line's first listCells
// cells.
func listHalf(lines []string) string {
	var b strings.Builder
	for _, l := range lines {
		b.WriteString(ansi.Truncate(l, listCells, ""))
		b.WriteByte('\n')
	}
	return b.String()
}
