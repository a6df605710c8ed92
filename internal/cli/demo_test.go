package cli

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/neotui/neotui/api/apitest"
	"github.com/neotui/neotui/internal/pgtest"
)

func TestDemoSessionsOutOfRange(t *testing.T) {
	c := newCLI(t, apitest.Options{})
	for _, n := range []string{"0", "-5", "1000001"} {
		c.run("demo", "--sessions", n).failsWith(t, 2, "--sessions", "1,000,000")
	}
}

// TestDemoAtScale: neotui demo --sessions builds its store first, telling
// how far on stderr (a line per window when stderr is not a terminal),
// indexes it for search, and opens on all of it.
func TestDemoAtScale(t *testing.T) {
	c := newCLI(t, apitest.Options{})
	stderr := filepath.Join(t.TempDir(), "stderr")
	tm := newTmuxShell(t, c, 120, 30, fmt.Sprintf("%s demo --sessions 3000 2>%s", binary, stderr))
	tm.waitFor("2 Conversations 3000", "Example Shop (demo)")
	b, err := os.ReadFile(stderr)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	if len(lines) < 3 || !slices.Contains(lines, "building the demo store: 3,120/3,120 conversations") ||
		lines[len(lines)-1] != "indexing the demo store for search: 100%" {
		t.Errorf("stderr while building: %q", b)
	}
	tm.keys("q")
}

// TestDemoStore: neotui demo --store builds the demo's store there and
// keeps it, for the listing commands to read; a store that holds data
// already gets no sample bots.
func TestDemoStore(t *testing.T) {
	c := newCLI(t, apitest.Options{})
	db := pgtest.Database(t)
	tm := newTmuxShell(t, c, 120, 30, binary+" demo --sessions 300 --store '"+db+"'")
	tm.waitFor("Example Shop (demo)")
	tm.keys("q")
	c.env["NEOAGENT_SERIAL"] = apitest.DemoSerial
	out := c.mustRun("sessions", "--offline", "--store", db, "--since", "400d", "--format", "csv").stdout
	if n := strings.Count(out, "\n") - 1; n < 300 {
		t.Errorf("the demo's store in the database holds %d conversations of the demo bot, want 300 or more", n)
	}

	again := newTmuxShell(t, c, 120, 30, binary+" demo --store '"+db+"'")
	again.waitFor("neotui: --store", "the demo fills only a new file or an empty database")
}
