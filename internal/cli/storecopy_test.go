package cli

import (
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/neotui/neotui/api/apitest"
	"github.com/neotui/neotui/internal/pgtest"
	"github.com/neotui/neotui/internal/store"
)

// triageForCopy gives the leads of the store at where statuses, a star, a
// snooze, a seen mark and notes (one edited, one deleted), and returns
// the leads' keys.
func triageForCopy(t *testing.T, where string) []string {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(where)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	leads, err := st.Leads(ctx, store.LeadQuery{Bot: serial})
	if err != nil || len(leads) < 3 {
		t.Fatalf("%d leads stored, %v", len(leads), err)
	}
	at := time.Now().Add(-time.Hour)
	keys := []string{leads[0].Key, leads[1].Key, leads[2].Key}
	steps := []func() error{
		func() error {
			_, err := st.SetStatus(ctx, serial, keys[0], store.StatusBooked, 0, at, "ana")
			return err
		},
		func() error { _, err := st.ToggleStar(ctx, serial, keys[0], -1, at, "bo"); return err },
		func() error {
			_, err := st.Snooze(ctx, serial, keys[1], at.Add(72*time.Hour), 0, at, "ana")
			return err
		},
		func() error { _, err := st.SetSeen(ctx, serial, keys[2], true, -1, at, "bo"); return err },
		func() error {
			n, err := st.AddNote(ctx, serial, keys[0], "ana", "called: booked for Tuesday", at)
			if err == nil {
				_, err = st.EditNote(ctx, n, "called: booked for Wednesday", at.Add(time.Minute), "bo")
			}
			return err
		},
		func() error {
			n, err := st.AddNote(ctx, serial, keys[1], "bo", "wrong number", at)
			if err == nil {
				_, err = st.DeleteNote(ctx, n, "bo")
			}
			return err
		},
		func() error { _, err := st.AddNote(ctx, serial, keys[2], "bo", "asked for a quote", at); return err },
	}
	for _, step := range steps {
		if err := step(); err != nil {
			t.Fatal(err)
		}
	}
	return keys
}

// triageOf reads the leads' triage and notes from the store at where.
func triageOf(t *testing.T, where string, keys []string) []any {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(where)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	var got []any
	for _, k := range keys {
		tr, err := st.Triage(ctx, serial, k)
		if err != nil {
			t.Fatal(err)
		}
		notes, err := st.Notes(ctx, serial, k)
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, tr, notes)
	}
	return got
}

// TestStoreCopyRoundTrip: the store copied into PostgreSQL and from there
// into a new file prints the same leads (with their triage and notes),
// conversations, searches and report as the store it came from, in each
// of the three.
func TestStoreCopyRoundTrip(t *testing.T) {
	db := pgtest.Database(t)
	c := newCLI(t, apitest.Options{})
	c.mustRun("sync", "--since", "60d")
	keys := triageForCopy(t, c.storePath())
	back := filepath.Join(c.home, "backup", "neotui.db")

	r := c.mustRun("store", "copy", "--to", db)
	if !strings.HasPrefix(r.stdout, "copied ") || !strings.Contains(r.stdout, " conversations, ") ||
		!strings.Contains(r.stdout, "2 notes, ") || !strings.HasSuffix(r.stdout, ": counts verified\n") {
		t.Errorf("neotui store copy printed %q", r.stdout)
	}
	if r.stderr != "" {
		t.Errorf("neotui store copy wrote on stderr, not a terminal: %q", r.stderr)
	}
	c.mustRun("store", "copy", "--store", db, "--to", back)
	if fi, err := os.Stat(back); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("the copied file: %v, %v", fi, err)
	}

	for _, args := range [][]string{
		{"leads", "--since", "60d", "--format", "json"},
		{"leads", "--since", "60d", "--format", "csv"},
		{"sessions", "--since", "60d", "--format", "json"},
		{"search", "appuntamento", "--format", "json"},
		{"search", "mercoledi", "--format", "json"}, // finds Mercoledì: the index, folded
		{"report", "--since", "60d", "--format", "json"},
	} {
		want := c.mustRun(append(args, "--offline")...).stdout
		if len(want) < 100 {
			t.Fatalf("neotui %s printed %q: too little to compare", strings.Join(args, " "), want)
		}
		for _, where := range []string{db, back} {
			if got := c.mustRun(append(args, "--offline", "--store", where)...).stdout; got != want {
				t.Errorf("neotui %s on the copy %s printed\n%.600s\nwhere the store printed\n%.600s",
					strings.Join(args, " "), where, got, want)
			}
		}
	}
	want := triageOf(t, c.storePath(), keys)
	for _, where := range []string{db, back} {
		if got := triageOf(t, where, keys); !reflect.DeepEqual(got, want) {
			t.Errorf("triage and notes on the copy %s:\n%+v\nwant\n%+v", where, got, want)
		}
	}
}

// TestStoreCopyRefusesData: a file that exists, or a database holding
// neotui data, is never written over.
func TestStoreCopyRefusesData(t *testing.T) {
	c := newCLI(t, apitest.Options{})
	c.mustRun("sync", "--since", "7d")
	existing := filepath.Join(c.home, "old.db")
	if err := os.WriteFile(existing, []byte("keep me"), 0o600); err != nil {
		t.Fatal(err)
	}
	c.run("store", "copy", "--to", existing).failsWith(t, 1, existing+" exists already: copy into a new file")
	if b, _ := os.ReadFile(existing); string(b) != "keep me" {
		t.Errorf("the existing file now holds %q", b)
	}
	c.run("store", "copy", "--to", c.storePath()).failsWith(t, exitUsage, "--to names the store itself")

	db := pgtest.Database(t)
	c.mustRun("store", "copy", "--to", db)
	c.run("store", "copy", "--to", db).failsWith(t, 1, "holds neotui data already: copy into a new file or an empty database")
}

// TestStoreCopyPasswordNotInArgs: a password in --to would show in ps; it
// is refused before anything is opened.
func TestStoreCopyPasswordNotInArgs(t *testing.T) {
	c := newCLI(t, apitest.Options{})
	c.mustRun("sync", "--since", "7d")
	const pw = "hunter2"
	for _, to := range []string{"postgres://ana:" + pw + "@db.example/neotui", "postgresql://ana@db.example/neotui?password=" + pw} {
		r := c.run("store", "copy", "--to", to)
		r.failsWith(t, 1, "--to holds a password", "PGPASSWORD")
		if strings.Contains(r.stderr, pw) {
			t.Errorf("the refusal shows the password: %s", r.stderr)
		}
	}
}

// TestStoreCopyFailsWhole: a copy that fails half way (a damaged store:
// a message of no conversation) leaves no file, not even a temporary one,
// and a database as empty as it was.
func TestStoreCopyFailsWhole(t *testing.T) {
	c := newCLI(t, apitest.Options{})
	c.mustRun("sync", "--since", "7d")
	// The store's own checks keep such a message out: written past them.
	raw, err := sql.Open("sqlite", c.storePath())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := raw.Exec(`INSERT INTO messages (bot, session_id, seq, type, content) VALUES (?, 424242, 0, 'User', 'orphan')`, serial); err != nil {
		t.Fatal(err)
	}
	raw.Close()

	dir := filepath.Join(c.home, "copies")
	to := filepath.Join(dir, "copy.db")
	c.run("store", "copy", "--to", to).failsWith(t, 1, "copy the store to "+to, "nothing was copied")
	if left, _ := os.ReadDir(dir); len(left) > 0 {
		t.Errorf("a failed copy left %s behind", left[0].Name())
	}

	db := pgtest.Database(t)
	c.run("store", "copy", "--to", db).failsWith(t, 1, "nothing was copied")
	if out := c.mustRun("sessions", "--since", "7d", "--offline", "--store", db, "--format", "csv").stdout; strings.Count(out, "\n") > 1 {
		t.Errorf("a failed copy left conversations in the database:\n%.300s", out)
	}
}
