package cli

import (
	"cmp"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
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
// the moment the process starts (the shell that tmux runs notes the time,
// then becomes neotui: exec), and also from just before tmux is asked to,
// which adds tmux's own work (25–40 ms here); NEOTUI_FIRSTFRAME_RUNS sets how
// many (7).
// NEOTUI_FIRSTFRAME_BIN names the binary to time instead of this build's
// (a build with other flags, or a script that sets the environment).
// NEOTUI_FIRSTFRAME_VS names another neotui binary (a build of an older
// commit), started in turn with this one, each first every other time, so
// that a machine busy with something else slows both alike; the median of
// the paired differences is logged too, steadier than the difference of the
// medians. NEOTUI_FIRSTFRAME_VS_STORE, its store if it needs one of its own
// (an older schema: a copy of the same data).
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
	env := []string{"TERM=xterm-256color", "COLORTERM=truecolor", "LANG=C.UTF-8", "LC_ALL=C.UTF-8", // LC_ALL: $EPOCHREALTIME's decimal point
		"XDG_DATA_HOME=" + t.TempDir(), "XDG_CONFIG_HOME=" + t.TempDir(), "NEOAGENT_SERIAL=tui-bot"}
	tm := startTmux(t, env, "sleep 100000")
	envArgs := func(store string) string {
		var args string
		for _, kv := range append(env, "NEOTUI_STORE="+store) {
			args += " -e '" + kv + "'"
		}
		return args
	}
	bins, stores := []string{cmp.Or(os.Getenv("NEOTUI_FIRSTFRAME_BIN"), binary)}, []string{at}
	if vs := os.Getenv("NEOTUI_FIRSTFRAME_VS"); vs != "" {
		bins, stores = append(bins, vs), append(stores, cmp.Or(os.Getenv("NEOTUI_FIRSTFRAME_VS_STORE"), at))
	}
	stamp := filepath.Join(t.TempDir(), "started")
	var first, full, asked [][]time.Duration
	for range bins {
		first, full, asked = append(first, nil), append(full, nil), append(asked, nil)
	}
	for run := range runs {
		for k := range bins {
			i := (k + run) % len(bins) // each goes first in turn
			r := timeStart(t, tm, envArgs(stores[i]), bins[i], stamp)
			first[i], full[i], asked[i] = append(first[i], r.first), append(full[i], r.all), append(asked[i], r.asked)
		}
	}
	if len(bins) == 2 {
		// Starts taken in turn share the machine's moment: the median of
		// their differences is steadier than the difference of medians.
		diff := make([]time.Duration, runs)
		for r := range runs {
			diff[r] = first[0][r] - first[1][r]
		}
		slices.Sort(diff)
		t.Logf("first frame, start by start: %s minus %s, median %+.1f ms (quartiles %+.1f, %+.1f)",
			bins[0], bins[1], ms(diff[runs/2]), ms(diff[runs/4]), ms(diff[runs*3/4]))
	}
	for i, bin := range bins {
		for _, d := range [][]time.Duration{first[i], full[i], asked[i]} {
			slices.Sort(d)
		}
		t.Logf("%s, %d starts: first frame median %.1f ms from process start (%v), %.1f ms from asking tmux; all loaded median %.0f ms (%v)",
			bin, runs, ms(first[i][runs/2]), round(first[i]), ms(asked[i][runs/2]), ms(full[i][runs/2]), round(full[i]))
	}
}

// round is ds to the tenth of a millisecond, to print.
func round(ds []time.Duration) []time.Duration {
	r := make([]time.Duration, len(ds))
	for i, d := range ds {
		r[i] = d.Round(100 * time.Microsecond)
	}
	return r
}

// startPollEvery is how often a start's pane is read: a read costs tmux
// some CPU, and a process starting is short of it on two cores (read every
// 0.5 ms, the start took 10–20 ms longer); a time is late by up to this.
const startPollEvery = 2 * time.Millisecond

// startTimes are one start's times: first frame and full load from the
// process's start, and the first frame from asking tmux to start it.
type startTimes struct{ first, all, asked time.Duration }

// timeStart starts bin in the pane and times its first frame with the
// list, and its full load. The pane runs bash, which writes the time to
// stamp (a builtin: no process started) and then becomes bin.
func timeStart(t *testing.T, tm *controlTerm, envArgs, bin, stamp string) startTimes {
	tm.do("respawn-pane -k -t m 'sleep 100000'")
	for strings.TrimSpace(strings.Join(tm.screen(), "")) != "" {
		time.Sleep(startPollEvery)
	}
	os.Remove(stamp)
	asked := time.Now()
	tm.do("respawn-pane -k -t m" + envArgs + ` "bash -c 'echo \$EPOCHREALTIME >` + stamp + `; exec ` + bin + ` --offline'"`)
	var first time.Time
	for {
		if time.Since(asked) > time.Minute {
			t.Fatalf("the browser did not load in a minute:\n%s", strings.Join(tm.screen(), "\n"))
		}
		screen := strings.Join(tm.screen(), "\n")
		if first.IsZero() && strings.Contains(screen, "\n▌") {
			first = time.Now()
		}
		if !first.IsZero() && strings.Contains(screen, "Conversations 100000") {
			started := processStart(t, stamp)
			return startTimes{first: first.Sub(started), all: time.Since(started), asked: first.Sub(asked)}
		}
		time.Sleep(startPollEvery)
	}
}

// processStart reads the time the pane's shell wrote before it became
// neotui: seconds since the epoch, with microseconds.
func processStart(t *testing.T, stamp string) time.Time {
	b, err := os.ReadFile(stamp)
	if err != nil {
		t.Fatalf("the start's time: %v", err)
	}
	sec, frac, _ := strings.Cut(strings.TrimSpace(string(b)), ".")
	s, err1 := strconv.ParseInt(sec, 10, 64)
	us, err2 := strconv.ParseInt((frac + "000000")[:6], 10, 64)
	if err1 != nil || err2 != nil {
		t.Fatalf("the start's time: %q", b)
	}
	return time.Unix(s, us*1000)
}
