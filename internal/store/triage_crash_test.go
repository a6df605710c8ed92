package store

import (
	"bufio"
	"context"
	"fmt"
	"math"
	"os"
	"os/exec"
	"testing"
	"time"
)

// triageCrashChildEnv, set to a store path, turns the test binary into a
// process that triages the leads of that store until it is killed (see
// TestMain).
const triageCrashChildEnv = "NEOTUI_STORE_TRIAGE_CRASH_CHILD"

const triageCrashLeads = 20

// triageCrashChild sets statuses, stars and adds notes, round the leads of
// testBot, forever.
func triageCrashChild(path string) {
	triageLogKeep = math.MaxInt64 // the parent counts every logged action
	s, err := Open(path)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	ctx := context.Background()
	leads, err := s.Leads(ctx, LeadQuery{Bot: testBot})
	if err != nil || len(leads) != triageCrashLeads {
		fmt.Fprintln(os.Stderr, "triage crash child: leads:", len(leads), err)
		os.Exit(1)
	}
	fail := func(err error) {
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
	}
	for i := 0; ; i++ {
		key := leads[i%len(leads)].Key
		_, err := s.SetStatus(ctx, testBot, key, Statuses[i%len(Statuses)], -1, time.Now(), "child")
		fail(err)
		_, err = s.SetStarred(ctx, testBot, key, i%3 == 0, -1, time.Now(), "child")
		fail(err)
		_, err = s.AddNote(ctx, testBot, key, "child", fmt.Sprintf("note %d", i), time.Now())
		fail(err)
		if i == 0 {
			fmt.Println("acting") // the parent's clock starts now
		}
	}
}

// TestCrashMidTriage kills a process in a burst of triage actions: every
// action in the log must be whole in the store, and nothing be in the store
// that the log does not have.
func TestCrashMidTriage(t *testing.T) {
	path := newStoreAt(t)
	s, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	saveTestLeads(t, s, testBot, triageCrashLeads)
	s.Close()

	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), triageCrashChildEnv+"="+path)
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	if _, err := bufio.NewReader(out).ReadString('\n'); err != nil {
		cmd.Process.Kill()
		cmd.Wait()
		t.Fatalf("the triaging process did not start: %v", err)
	}
	time.Sleep(300 * time.Millisecond)
	if err := cmd.Process.Kill(); err != nil { // SIGKILL: no chance to clean up
		t.Fatal(err)
	}
	cmd.Wait()

	s, err = Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	checkIntegrity(t, s)

	count := func(query string) (n int64) {
		t.Helper()
		if err := s.db.QueryRow(query).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	for _, c := range []struct{ what, query string }{
		{"notes without their log entry, or log entries without their note",
			`SELECT (SELECT count(*) FROM notes) - (SELECT count(*) FROM triage_log WHERE what = 'note-add')`},
		{"note log entries naming no note",
			`SELECT count(*) FROM triage_log g WHERE what = 'note-add' AND NOT EXISTS (SELECT 1 FROM notes n WHERE n.id = g.note_id)`},
		{"leads whose notes count is wrong",
			`SELECT count(*) FROM triage t WHERE t.notes <> (
				SELECT count(*) FROM notes n WHERE n.bot = t.bot AND n.lead_key = t.lead_key)`},
		// Each lead's versions are 1, 2, … n, one log entry each, n stored.
		{"leads whose version is not their number of logged changes",
			`SELECT count(*) FROM triage t WHERE t.version <> (
				SELECT count(*) FROM triage_log g WHERE g.bot = t.bot AND g.lead_key = t.lead_key AND g.version IS NOT NULL)`},
		{"leads whose logged versions are not 1..n",
			`SELECT count(*) FROM triage t WHERE t.version <> (
				SELECT count(DISTINCT version) FROM triage_log g WHERE g.bot = t.bot AND g.lead_key = t.lead_key)
			OR t.version <> (SELECT max(version) FROM triage_log g WHERE g.bot = t.bot AND g.lead_key = t.lead_key)`},
		{"logged changes of leads with no triage row",
			`SELECT count(*) FROM triage_log g WHERE g.version IS NOT NULL AND NOT EXISTS (
				SELECT 1 FROM triage t WHERE t.bot = g.bot AND t.lead_key = g.lead_key)`},
	} {
		if n := count(c.query); n != 0 {
			t.Errorf("%d %s", n, c.what)
		}
	}
	logged := count(`SELECT count(*) FROM triage_log`)
	want := logged
	if onPostgres() {
		// A sequence skips the numbers the killed transaction took.
		want = count(`SELECT max(seq) FROM triage_log`)
	}
	if seq := triageSeq(t, s); logged == 0 || seq != want {
		t.Errorf("%d log entries, TriageSeq %d: want %d, above 0", logged, seq, want)
	}
	// The store still takes actions at the versions it reports.
	l, err := s.Leads(context.Background(), LeadQuery{Bot: testBot, Limit: 1})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.SetStarred(context.Background(), testBot, l[0].Key, !l[0].Triage().Starred, l[0].Triage().Version, actAt, "ana"); err != nil {
		t.Error(err)
	}
	t.Logf("%d logged actions survived the kill, %d notes", logged, count(`SELECT count(*) FROM notes`))
}
