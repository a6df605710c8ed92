package cli

import (
	"os"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"

	"github.com/neotui/neotui/api/apitest"
)

// TestServeExportIsOff: an SSH user's e writes nothing on the server and
// says what to run there instead.
func TestServeExportIsOff(t *testing.T) {
	c := newCLI(t, apitest.Options{})
	ana := newTeammate(t, "ana@laptop")
	t.Chdir(t.TempDir())
	s := c.serveInProcess("--authorized-keys", c.authorizedKeys(ana))
	tm := s.connect(ana, 120, 40)
	tm.waitFor(0, "Mallory", 10*time.Second)
	from := tm.out.Len()
	tm.send("e")
	tm.waitFor(from, "export is off in shared sessions", 5*time.Second)
	tm.send("\r") // were a dialog open, this would export its proposed name
	time.Sleep(300 * time.Millisecond)
	if code := s.stop(); code != 0 {
		t.Errorf("exit %d; stderr:\n%s", code, s.stderr)
	}
	if entries, _ := os.ReadDir("."); len(entries) != 0 {
		t.Errorf("a session wrote %d files in the server's working folder", len(entries))
	}
}

// TestServeEditorIsOff: ctrl+e in a served session's note editor runs no
// editor on the server (one would run commands there): it says why, and
// the footer does not offer it.
func TestServeEditorIsOff(t *testing.T) {
	c := newCLI(t, apitest.Options{})
	c.env["EDITOR"] = "vi"
	ana := newTeammate(t, "ana@laptop")
	s := c.serveInProcess("--authorized-keys", c.authorizedKeys(ana))
	tm := s.connect(ana, 120, 40)
	tm.waitFor(0, "Mallory", 10*time.Second)
	from := tm.out.Len()
	tm.send("n")
	tm.send("a")
	tm.waitFor(from, "ctrl+s save", 5*time.Second)
	if strings.Contains(ansi.Strip(tm.out.String()[from:]), "ctrl+e") {
		t.Error("a served session's note editor offers ctrl+e")
	}
	tm.send("\x05") // ctrl+e
	tm.waitFor(from, "off in shared sessions", 5*time.Second)
	if code := s.stop(); code != 0 {
		t.Errorf("exit %d; stderr:\n%s", code, s.stderr)
	}
}
