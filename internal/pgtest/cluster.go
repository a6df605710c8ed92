package pgtest

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// Cluster is a PostgreSQL server of one test's own, started by
// .ci/postgres, which the test may stop and start again (a database
// restart under a running neotui) without disturbing the shared server
// other tests use.
type Cluster struct {
	t      testing.TB
	script string
	dir    string
	// URL is the server's postgres database, as its superuser: open a
	// store on it.
	URL string
}

// Private starts a cluster for t and removes it when t ends. It skips t
// (fails it, when required) where the tests have no PostgreSQL: it
// needs the server's binaries, as the shared server does.
func Private(t testing.TB) *Cluster {
	t.Helper()
	Server(t) // skips without PostgreSQL
	script := findScript(t)
	out, err := exec.Command(script, "start").Output()
	if err != nil {
		t.Fatalf(".ci/postgres start: %v: %s", err, stderrOf(err))
	}
	c := &Cluster{t: t, script: script}
	for _, line := range strings.Split(string(out), "\n") {
		if v, ok := strings.CutPrefix(line, "export NEOTUI_POSTGRES_DIR="); ok {
			c.dir = strings.Trim(v, "'")
		}
		if v, ok := strings.CutPrefix(line, "export "+URLEnv+"="); ok {
			c.URL = strings.Trim(v, "'")
		}
	}
	if c.dir == "" || c.URL == "" {
		t.Fatalf(".ci/postgres start printed no cluster: %s", out)
	}
	t.Cleanup(func() { exec.Command(script, "stop", c.dir).Run() })
	return c
}

// Database creates an empty database on the cluster for t, and returns
// its URL.
func (c *Cluster) Database(t testing.TB) string {
	t.Helper()
	return databaseOn(t, c.URL)
}

// Socket is the path of the server's Unix socket.
func (c *Cluster) Socket() string { return filepath.Join(c.dir, ".s.PGSQL.5432") }

// Stop stops the server (fast shutdown: its sessions are ended), keeping
// its data.
func (c *Cluster) Stop() { c.run("halt") }

// Start starts the stopped server again.
func (c *Cluster) Start() { c.run("resume") }

func (c *Cluster) run(verb string) {
	c.t.Helper()
	if out, err := exec.Command(c.script, verb, c.dir).CombinedOutput(); err != nil {
		c.t.Fatalf(".ci/postgres %s: %v: %s", verb, err, out)
	}
}

// findScript finds .ci/postgres in the module's root, above the test's
// package folder.
func findScript(t testing.TB) string {
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		p := filepath.Join(dir, ".ci", "postgres")
		if _, err := os.Stat(p); err == nil {
			return p
		}
		up := filepath.Dir(dir)
		if up == dir {
			t.Fatal("no .ci/postgres above the test's folder")
		}
		dir = up
	}
}

func stderrOf(err error) string {
	if ee, ok := err.(*exec.ExitError); ok {
		return string(ee.Stderr)
	}
	return ""
}
