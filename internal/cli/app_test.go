package cli

import (
	"runtime/debug"
	"testing"
	"time"

	"github.com/neotui/neotui/api"
	"github.com/neotui/neotui/internal/store"
	"github.com/neotui/neotui/internal/syncer"
)

func TestProgressLine(t *testing.T) {
	day, _ := api.ParseDay("2026-03-01")
	now := time.Date(2026, 3, 4, 10, 0, 0, 0, time.UTC)
	for _, tt := range []struct {
		p    syncer.Progress
		also string // a longer job's own progress
		want string
	}{
		{syncer.Progress{Endpoint: store.EndpointLeads, Done: 0, Total: 6, Window: day, WindowTo: day + 29},
			"", "syncing leads 1/6 (2026-03-01…2026-03-30)"},
		{syncer.Progress{Endpoint: store.EndpointHistory, Done: 3, Total: 6, Window: day, WindowTo: day + 6},
			"", "syncing history 4/6 (2026-03-01…2026-03-07)"},
		{syncer.Progress{Endpoint: store.EndpointHistory, Done: 1, Total: 6, Window: day, WindowTo: day + 6,
			Notice: "Neoagent is limiting requests", Retry: now.Add(20 * time.Second)},
			"", "Neoagent is limiting requests — retrying in 20 s · syncing history 2/6 (2026-03-01…2026-03-07)"},
		// --all: why it waits, then how much is stored, then the window.
		{syncer.Progress{Endpoint: store.EndpointHistory, Done: 1, Total: 3, Window: day, WindowTo: day + 30,
			Notice: "waiting for the rate limit", Retry: now.Add(6 * time.Second)}, "93 % stored",
			"waiting for the rate limit — retrying in 6 s · 93 % stored · syncing history 2/3 (2026-03-01…2026-03-31)"},
		{syncer.Progress{Done: 6, Total: 6}, "93 % stored", ""}, // done: the line is cleared
		{syncer.Progress{}, "", ""},                             // nothing to do
	} {
		if got := progressLine(tt.p, now, tt.also); got != tt.want {
			t.Errorf("progressLine(%+v) = %q, want %q", tt.p, got, tt.want)
		}
	}
}

// TestBrowserGC: the browser starts collecting at twice its live heap and,
// once it is made, at half, unless GOGC says otherwise; it
// leaves the setting as it found it.
func TestBrowserGC(t *testing.T) {
	defer debug.SetGCPercent(debug.SetGCPercent(100))
	for _, tc := range []struct {
		gogc         string
		start, after int
	}{{"", startGCPercent, browserGCPercent}, {"300", 100, 100}} {
		settle, restore := browserGC(func(k string) string { return map[string]string{"GOGC": tc.gogc}[k] })
		if got := gcPercent(); got != tc.start {
			t.Errorf("GOGC=%q: the browser starts collecting at %d%%, want %d%%", tc.gogc, got, tc.start)
		}
		settle()
		if got := gcPercent(); got != tc.after {
			t.Errorf("GOGC=%q: the browser collects at %d%% once made, want %d%%", tc.gogc, got, tc.after)
		}
		restore()
		if got := gcPercent(); got != 100 {
			t.Errorf("GOGC=%q: %d%% after the browser, want 100%%", tc.gogc, got)
		}
	}
}

// gcPercent is the GOGC in force.
func gcPercent() int {
	p := debug.SetGCPercent(100)
	debug.SetGCPercent(p)
	return p
}
