package cli

import (
	"fmt"
	"os"
	"os/exec"
	"slices"
	"strings"
	"testing"
	"time"
)

// TestFirstFrameLatency times the browser's start as a user meets it: the
// built binary started in a real terminal (tmux) over a big store, the pane
// read until the first frame with the list is on screen (the selected
// row), then until the full load has counted every conversation. It is a
// benchmark, not a test: it runs only when NEOTUI_FIRSTFRAME_STORE names
// the store (a SQLite file or a postgres:// URL of a copy of the store
// tui's bigStore builds, whose bot is tui-bot), with -v for the figures:
//
//	NEOTUI_FIRSTFRAME_STORE='postgres://neotui@/neotui_tuibench_v3?host=/tmp/…' go test -v -run TestFirstFrameLatency ./internal/cli
//
// Each run starts the binary anew in the pane (respawn-pane), timed from
// just before tmux is asked to; NEOTUI_FIRSTFRAME_RUNS sets how many (7).
// NEOTUI_FIRSTFRAME_VS names another neotui binary (a build of an older
// commit), started in turn with this one, so that a machine busy with
// something else slows both alike.
func TestFirstFrameLatency(t *testing.T) {
	at := os.Getenv("NEOTUI_FIRSTFRAME_STORE")
	if at == "" {
		t.Skip("set NEOTUI_FIRSTFRAME_STORE to a big store")
	}
	if _, err := exec.LookPath("tmux"); err != nil {
		t.Skip("tmux is not installed")
	}
	runs := 7
	if n := os.Getenv("NEOTUI_FIRSTFRAME_RUNS"); n != "" {
		fmt.Sscan(n, &runs)
	}
	env := []string{"TERM=xterm-256color", "COLORTERM=truecolor", "LANG=C.UTF-8",
		"XDG_DATA_HOME=" + t.TempDir(), "XDG_CONFIG_HOME=" + t.TempDir(), "NEOAGENT_SERIAL=tui-bot", "NEOTUI_STORE=" + at}
	tm := startTmux(t, env, "sleep 100000")
	var envArgs string
	for _, kv := range env {
		envArgs += " -e '" + kv + "'"
	}
	bins := []string{binary}
	if vs := os.Getenv("NEOTUI_FIRSTFRAME_VS"); vs != "" {
		bins = append(bins, vs)
	}
	first, full := make([][]time.Duration, len(bins)), make([][]time.Duration, len(bins))
	for range runs {
		for i, bin := range bins {
			f, a := timeStart(t, tm, envArgs, bin)
			first[i], full[i] = append(first[i], f), append(full[i], a)
		}
	}
	for i, bin := range bins {
		slices.Sort(first[i])
		slices.Sort(full[i])
		t.Logf("%s, %d starts: first frame median %.0f ms (%v), all loaded median %.0f ms (%v)",
			bin, runs, ms(first[i][runs/2]), first[i], ms(full[i][runs/2]), full[i])
	}
}

// timeStart starts bin in the pane and times its first frame with the
// list, and its full load.
func timeStart(t *testing.T, tm *controlTerm, envArgs, bin string) (first, all time.Duration) {
	tm.do("respawn-pane -k -t m 'sleep 100000'")
	for strings.TrimSpace(strings.Join(tm.screen(), "")) != "" {
		time.Sleep(pollEvery)
	}
	start := time.Now()
	tm.do("respawn-pane -k -t m" + envArgs + " '" + bin + " --offline'")
	for {
		if time.Since(start) > time.Minute {
			t.Fatalf("the browser did not load in a minute:\n%s", strings.Join(tm.screen(), "\n"))
		}
		screen := strings.Join(tm.screen(), "\n")
		if first == 0 && strings.Contains(screen, "\n▌") {
			first = time.Since(start)
		}
		if first != 0 && strings.Contains(screen, "Conversations 100000") {
			return first, time.Since(start)
		}
		time.Sleep(pollEvery)
	}
}
