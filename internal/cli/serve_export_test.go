package cli

import (
	"os"
	"testing"
	"time"

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
