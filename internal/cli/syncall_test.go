package cli

import (
	"strings"
	"testing"

	"github.com/neotui/neotui/api/apitest"
)

// With Neoagent's message count, a full-history sync stops as soon as the
// store holds every message it counts, and says so; a second one asks only
// for the days that can still change.
func TestSyncAllStopsWhenTheStoreHoldsEverything(t *testing.T) {
	c := newCLI(t, apitest.Options{})
	out := c.mustRun("sync", "--all").stdout
	if !strings.Contains(out, "all history, back to") || !strings.Contains(out, "messages stored · 100 %") {
		t.Fatalf("first --all: %q", out)
	}
	// The bot's 60 days fit in the first step: its leads and three windows.
	if !strings.Contains(out, "4 requests") {
		t.Errorf("first --all walked further than the bot's history: %q", out)
	}
	sessions := c.mustRun("sessions", "--offline", "--since", "100d", "--format", "json").stdout
	if n := strings.Count(sessions, `"SessionID"`); n != c.bot.Len() {
		t.Errorf("stored %d conversations of the bot's %d", n, c.bot.Len())
	}
	c.srv.ResetRequests()
	again := c.mustRun("sync", "--all").stdout
	if !strings.Contains(again, "2 requests, nothing new") || !strings.Contains(again, "100 %") {
		t.Errorf("second --all: %q", again)
	}
}

// Without the count (an older Neoagent answers 404), the walk ends on a
// year without a conversation.
func TestSyncAllWithoutACountStopsOnAQuietYear(t *testing.T) {
	c := newCLI(t, apitest.Options{NoMessageCount: true})
	out := c.mustRun("sync", "--all").stdout
	if !strings.Contains(out, "no conversation before") || strings.Contains(out, "messages stored") {
		t.Fatalf("--all without a count: %q", out)
	}
	// Five steps of 93 days (the bot's 60, then a quiet year): a leads
	// request and three windows each.
	if !strings.Contains(out, "20 requests") {
		t.Errorf("--all walked %q", out)
	}
	c.run("sync", "--all", "--since", "7d").failsWith(t, 2, "--all", "--since")
}
