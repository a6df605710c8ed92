package cli

import (
	"context"
	"encoding/json"
	"net/http"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/neotui/neotui/api"
	"github.com/neotui/neotui/api/apitest"
	"github.com/neotui/neotui/internal/pgtest"
	"github.com/neotui/neotui/internal/store"
)

// TestKilledSyncIsTakenOverAtOnce: two neotui on one PostgreSQL store. The
// first is killed (kill -9) in the middle of a sync of past days, in
// two-day windows; the second, started then, syncs at once — the first's
// hold on the bot ended with its connection, so the second does not wait
// out the 30 s lease — and ends with every conversation stored once and
// no window the first had stored fetched again.
func TestKilledSyncIsTakenOverAtOnce(t *testing.T) {
	c := newCLI(t, apitest.Options{Latency: 300 * time.Millisecond})
	c.env["NEOTUI_STORE"] = pgtest.Database(t)
	c.writeConfig("rate_limit: 100000\nhistory_window_days: 2\n", 0o600)
	today := api.DayOf(time.Now())
	from, to := today-29, today-10 // past days: once stored, never asked again
	args := []string{"sync", "--since", from.String(), "--until", to.String()}

	st, err := store.Open(c.env["NEOTUI_STORE"])
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	ctx := context.Background()
	stored := func() map[api.Day]time.Time {
		marks, err := st.Marks(ctx, serial, store.EndpointHistory, from, to)
		if err != nil {
			t.Fatal(err)
		}
		return marks
	}

	first := exec.Command(binary, args...)
	for k, v := range c.env {
		first.Env = append(first.Env, k+"="+v)
	}
	if err := first.Start(); err != nil {
		t.Fatal(err)
	}
	for deadline := time.Now().Add(30 * time.Second); len(stored()) < 6; time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			first.Process.Kill()
			t.Fatalf("the first sync stored %d days in 30 s", len(stored()))
		}
	}
	syscall.Kill(first.Process.Pid, syscall.SIGKILL)
	first.Wait()
	committed := stored()
	if len(committed) == int(to-from)+1 {
		t.Fatal("the first sync had finished before it was killed: nothing to take over")
	}
	killedAt := len(c.srv.Requests())

	start := time.Now()
	r := c.run(args...)
	took := time.Since(start)
	if r.code != 0 {
		t.Fatalf("the second sync: exit %d: %s", r.code, r.stderr)
	}
	// The killed sync's lease would hold the bot 30 s; the second takes
	// over as soon as PostgreSQL sees the first's connection end.
	if took > 20*time.Second {
		t.Errorf("the second sync took %s: it waited for the killed one's lease to lapse\n%s", took, r.stdout)
	}

	reqs := c.srv.Requests()
	for _, q := range reqs[killedAt:] {
		if q.Status != http.StatusOK || q.Endpoint != apitest.ChatContentHistory {
			continue
		}
		lo, hi := requestDays(t, q)
		for d := lo; d <= hi; d++ {
			if _, ok := committed[d]; ok {
				t.Errorf("the second sync fetched %s…%s again: the first had stored %s", lo, hi, d)
			}
		}
	}
	t.Logf("the second sync took %s (waited: %v), fetching %d windows after the first had stored %d days",
		took.Round(time.Millisecond), strings.Contains(r.stdout, "another neotui is syncing this bot"), len(reqs)-killedAt, len(committed))
	sessions, err := st.Sessions(ctx, store.SessionQuery{Bot: serial, From: from, To: to})
	if err != nil {
		t.Fatal(err)
	}
	want := c.bot.Sessions(from, to)
	ids := map[int64]bool{}
	for _, s := range sessions {
		ids[s.SessionID] = true
	}
	if len(sessions) != len(want) || len(ids) != len(want) || len(want) == 0 {
		t.Errorf("the store holds %d conversations (%d different) of %s…%s, Neoagent serves %d",
			len(sessions), len(ids), from, to, len(want))
	}
	for _, s := range want {
		if !ids[s.SessionID] {
			t.Errorf("conversation %d of %s is missing", s.SessionID, s.CreateTime.Format(time.DateOnly))
		}
	}
}

// requestDays reads the days a request asked for.
func requestDays(t *testing.T, r apitest.Request) (from, to api.Day) {
	t.Helper()
	var q struct{ StartTime, EndTime string } // either casing: json matches fields so
	if err := json.Unmarshal(r.Body, &q); err != nil {
		t.Fatalf("%s %s: %v", r.Endpoint, r.Body, err)
	}
	from, err1 := api.ParseDay(q.StartTime)
	to, err2 := api.ParseDay(q.EndTime)
	if err1 != nil || err2 != nil {
		t.Fatalf("%s %s: no days", r.Endpoint, r.Body)
	}
	return from, to
}
