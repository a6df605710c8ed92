package tui

import (
	"context"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/neotui/neotui/api"
	"github.com/neotui/neotui/api/apitest"
	"github.com/neotui/neotui/internal/pgtest"
	"github.com/neotui/neotui/internal/store"
)

// TestStoreStoppedAndStartedUnderTheBrowser: PostgreSQL is stopped under a
// running browser, then started again. While it is down, the lists keep
// what they show, the status line says the store is unreachable and that
// neotui retries, and an action is refused saying so — at the key, and
// when the store call itself fails — and none is done later. Once the
// server is back, the browser sees it by itself, the status line clears,
// and the next action is saved.
func TestStoreStoppedAndStartedUnderTheBrowser(t *testing.T) {
	pg := pgtest.Private(t)
	st, err := store.Open(pg.URL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	bot := apitest.Generate(apitest.Spec{Serial: testSerial, Name: "Test Shop", Sessions: 60, Days: 20, End: testNow, Seed: 11, FirstID: 50001})
	ctx := context.Background()
	to := api.DayOf(testNow)
	if _, err := st.SaveHistory(ctx, testSerial, to-21, to, testNow, bot.Sessions(to-21, to)); err != nil {
		t.Fatal(err)
	}
	if _, err := st.SaveLeads(ctx, testSerial, to-21, to, testNow, bot.Leads(to-21, to)); err != nil {
		t.Fatal(err)
	}
	m := start(t, st, 120, 40)
	l, ok := m.leads.selected()
	if !ok {
		t.Fatal("no lead selected")
	}
	name := leadName(l)
	pollOnce := func(m Model) Model {
		next, cmd := m.Update(pollMsg{})
		return settle(t, next.(Model), cmd)
	}
	onScreen := func(m Model, want ...string) {
		t.Helper()
		s := screen(m)
		for _, w := range want {
			if !strings.Contains(s, w) {
				t.Errorf("the screen lacks %q:\n%s", w, s)
			}
		}
	}

	pg.Stop()
	m = pollOnce(m)
	down := "store unreachable (PostgreSQL at " + st.Where()[len("PostgreSQL at "):]
	onScreen(m, down, "retrying — triage is paused", name)
	m = settle(t, m, m.reload()) // a refresh while down: the lists stay
	onScreen(m, down, name)

	m = press(t, m, "*")
	onScreen(m, name+": not saved: the store is unreachable — try again when it is back")
	// An action sent before the poll saw the store go: the store refuses it.
	m.status.down = false
	next, cmd := m.Update(toggleStar(m.sh, l)())
	m = settle(t, next.(Model), cmd)
	onScreen(m, name+": not saved: the store is unreachable")
	if undoCount(m) != 0 {
		t.Error("a refused action can be undone, as if it were done")
	}

	pg.Start()
	back := time.Now()
	m = pollOnce(m)
	for deadline := time.Now().Add(30 * time.Second); !strings.Contains(screen(m), "the store is reachable again"); time.Sleep(200 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("30 s after PostgreSQL started again, the browser still says:\n%s", screen(m))
		}
		m = pollOnce(m)
	}
	t.Logf("the browser saw the store back %s after PostgreSQL started", time.Since(back).Round(time.Millisecond))
	onScreen(m, "the store is reachable again", name)
	tr, err := st.Triage(ctx, l.Bot, l.Key)
	if err != nil {
		t.Fatal(err)
	}
	if tr.Starred || tr.Version != l.Triage.Version {
		t.Errorf("an action refused while the store was down was done after all: %+v", tr)
	}
	m = press(t, m, "*")
	onScreen(m, name+": starred")
	if tr, err := st.Triage(ctx, l.Bot, l.Key); err != nil || !tr.Starred {
		t.Errorf("the first action after the store came back was not saved: %+v, %v", tr, err)
	}
}

var _ tea.Msg = pollMsg{}
