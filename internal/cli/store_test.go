package cli

import (
	"net/url"
	"os"
	"strings"
	"testing"

	"github.com/neotui/neotui/api/apitest"
	"github.com/neotui/neotui/internal/pgtest"
)

// TestPostgresStore: every command reads a PostgreSQL store as it reads
// the SQLite file: the same data synced into both prints the same.
func TestPostgresStore(t *testing.T) {
	db := pgtest.Database(t)
	c := newCLI(t, apitest.Options{})
	c.mustRun("sync", "--since", "30d")
	c.mustRun("sync", "--since", "30d", "--store", db)
	for _, args := range [][]string{
		{"leads", "--since", "30d", "--format", "json"},
		{"sessions", "--since", "30d", "--format", "csv"},
		{"search", "appuntamento", "--format", "json"},
		{"search", "mercoledi", "--format", "json"}, // finds Mercoledì: accents and case folded
		{"report", "--since", "30d", "--format", "json"},
	} {
		onFile := c.mustRun(append(args, "--offline")...)
		if len(onFile.stdout) < 100 {
			t.Fatalf("neotui %s printed %q: too little to compare", strings.Join(args, " "), onFile.stdout)
		}
		// NEOTUI_STORE names it as well as --store does.
		c.env["NEOTUI_STORE"] = db
		onPostgres := c.mustRun(append(args, "--offline")...)
		delete(c.env, "NEOTUI_STORE")
		if onPostgres.stdout != onFile.stdout {
			t.Errorf("neotui %s on PostgreSQL printed\n%.600s\nwhere the file printed\n%.600s",
				strings.Join(args, " "), onPostgres.stdout, onFile.stdout)
		}
	}
}

// TestStorePasswordNotInArgs: a password in --store would show in ps.
func TestStorePasswordNotInArgs(t *testing.T) {
	c := newCLI(t, apitest.Options{})
	const pw = "hunter2"
	r := c.run("leads", "--offline", "--store", "postgres://ana:"+pw+"@db.example/neotui")
	r.failsWith(t, 1, "--store holds a password", "PGPASSWORD")
	if strings.Contains(r.stderr, pw) {
		t.Errorf("the refusal shows the password: %s", r.stderr)
	}
	if _, err := os.Stat(c.storePath()); err == nil {
		t.Error("the default store was opened instead")
	}
}

// TestStoreUnreachable: a server that is not there is named, without the
// password the config gives it, and nothing falls back to the file.
func TestStoreUnreachable(t *testing.T) {
	c := newCLI(t, apitest.Options{})
	const pw = "hunter2"
	where := "postgres://ana:" + url.QueryEscape(pw) + "@127.0.0.1:1/neotui?connect_timeout=5"
	c.writeConfig("rate_limit: 100000\nstore: "+where+"\n", 0o600)
	r := c.run("leads", "--offline")
	r.failsWith(t, 1, "connect to the store at postgres://ana@127.0.0.1:1/neotui")
	if strings.Contains(r.stderr, pw) {
		t.Errorf("the error shows the password: %s", r.stderr)
	}
}

// TestBrowserStoreUnreachable: the browser opens its store while the
// terminal is set up; one that is not there leaves its error on the
// terminal's screen, and nothing of the browser's.
func TestBrowserStoreUnreachable(t *testing.T) {
	c := newCLI(t, apitest.Options{})
	c.writeConfig("rate_limit: 100000\nstore: postgres://ana@127.0.0.1:1/neotui?connect_timeout=5\n", 0o600)
	tm := newTmuxShell(t, c, 100, 20, "echo before; "+binary+" --offline; echo exit=$?")
	screen := tm.waitFor("exit=1")
	if !strings.HasPrefix(screen, "before\nneotui: connect to the store at postgres://ana@127.0.0.1:1/neotui") {
		t.Errorf("the terminal shows:\n%s", screen)
	}
}
