package tui

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"charm.land/bubbles/v2/spinner"
	tea "charm.land/bubbletea/v2"

	"github.com/neotui/neotui/api"
	"github.com/neotui/neotui/internal/store"
	"github.com/neotui/neotui/internal/syncer"
)

// TestSyncMergesNewRowsWithoutMovingTheCursor: a background sync saves a
// new lead; it appears at the top, the selection stays on its lead, and the
// status line tells what happened.
func TestSyncMergesNewRowsWithoutMovingTheCursor(t *testing.T) {
	st, _ := fillStore(t, 80)
	var asked [][2]api.Day
	opts := testOptions(st)
	opts.Sync = func(ctx context.Context, from, to api.Day, progress func(syncer.Progress)) (syncer.Report, error) {
		asked = append(asked, [2]api.Day{from, to})
		progress(syncer.Progress{Endpoint: store.EndpointLeads, Total: 1})
		fresh := api.Lead{Type: api.TypeLead, Name: "Zoe Newcomer", Email: "zoe@example.com",
			CreateTime: testNow.Add(-time.Minute), SessionID: 424242}
		ch, err := st.SaveLeads(ctx, testSerial, api.DayOf(testNow), api.DayOf(testNow), testNow, []api.Lead{fresh})
		progress(syncer.Progress{Endpoint: store.EndpointLeads, Done: 1, Total: 1, Changes: ch})
		return syncer.Report{Requests: 1, Windows: 1, Changes: ch}, err
	}
	m := New(opts)
	t.Cleanup(m.Close)
	// Load first, then select the third lead, then let the sync land.
	m.sh.Sync = nil
	m = settle(t, m, sizeCmd(120, 40), m.Init())
	m = press(t, m, "j", "j")
	selected := m.selectionKey()
	before := leadList(m).Len()

	m.sh.Sync = opts.Sync
	m = press(t, m, "r")
	if leadList(m).Len() != before+1 {
		t.Fatalf("%d leads after the sync, want %d", leadList(m).Len(), before+1)
	}
	if m.selectionKey() != selected {
		t.Error("the new lead moved the selection")
	}
	if len(asked) != 1 || asked[0][1] != api.DayOf(testNow) || asked[0][1]-asked[0][0] != 29 {
		t.Errorf("sync asked for %v, want the last 30 days", asked)
	}
	if s := screen(m); !strings.Contains(s, "Zoe") || !strings.Contains(s, "1 new lead") {
		t.Errorf("screen after sync:\n%s", s)
	}
}

// TestSyncErrorIsAStatusLine: an error never erases what is shown.
func TestSyncErrorIsAStatusLine(t *testing.T) {
	st, _ := fillStore(t, 40)
	opts := testOptions(st)
	opts.Sync = func(context.Context, api.Day, api.Day, func(syncer.Progress)) (syncer.Report, error) {
		return syncer.Report{}, errors.New("Neoagent rejected the API key (HTTP 401): check NEOAGENT_API_KEY")
	}
	m := New(opts)
	t.Cleanup(m.Close)
	m = settle(t, m, sizeCmd(120, 40), m.Init())
	s := screen(m)
	if !strings.Contains(s, "rejected the API key") || !strings.Contains(s, "r retries") {
		t.Errorf("no error in the status line:\n%s", s)
	}
	if leadList(m).Len() == 0 || !strings.Contains(s, "Conversation ") {
		t.Errorf("the error erased the stored data:\n%s", s)
	}
}

// TestOlderHistoryOnDemand: reaching the end of a list asks for the 30
// days before what was synced.
func TestOlderHistoryOnDemand(t *testing.T) {
	st, _ := fillStore(t, 40)
	var asked [][2]api.Day
	opts := testOptions(st)
	opts.Sync = func(_ context.Context, from, to api.Day, _ func(syncer.Progress)) (syncer.Report, error) {
		asked = append(asked, [2]api.Day{from, to})
		return syncer.Report{}, nil
	}
	m := New(opts)
	t.Cleanup(m.Close)
	m = settle(t, m, sizeCmd(120, 40), m.Init())
	m = press(t, m, "2", "G")
	today := api.DayOf(testNow)
	want := [][2]api.Day{{today - 29, today}, {today - 59, today - 30}}
	if len(asked) != 2 || asked[1] != want[1] {
		t.Errorf("syncs asked %v, want %v", asked, want)
	}
	// It says what it brought, even nothing.
	if msg := fmt.Sprintf("older history %s…%s: nothing stored", want[1][0], want[1][1]); !strings.Contains(screen(m), msg) {
		t.Errorf("the status line does not say %q:\n%s", msg, screen(m))
	}
}

// r after an action: the sync's outcome shows, not the action's message.
func TestRefreshShowsItsOutcome(t *testing.T) {
	st, _ := fillStore(t, 40)
	opts := testOptions(st)
	opts.Sync = func(context.Context, api.Day, api.Day, func(syncer.Progress)) (syncer.Report, error) {
		return syncer.Report{Requests: 2, Windows: 1}, nil
	}
	m := New(opts)
	t.Cleanup(m.Close)
	m = settle(t, m, sizeCmd(120, 40), m.Init())
	m = press(t, m, "*")
	if !strings.Contains(screen(m), "starred") {
		t.Fatalf("no message for the star:\n%s", screen(m))
	}
	m = press(t, m, "r")
	if s := screen(m); strings.Contains(s, ": starred") || !strings.Contains(s, "synced just now") {
		t.Errorf("after r the status line still shows the star, not the sync:\n%s", s)
	}
}

// TestAllBotsSyncsEveryBot: the merged inbox syncs each configured bot,
// not just the one switched to last; one bot's failure names it and does
// not keep the other's new leads out.
func TestAllBotsSyncsEveryBot(t *testing.T) {
	st, _ := fillStore(t, 40)
	var asked []string
	failing := func(context.Context, api.Day, api.Day, func(syncer.Progress)) (syncer.Report, error) {
		asked = append(asked, testSerial)
		return syncer.Report{}, errors.New("Neoagent rejected the API key (HTTP 401)")
	}
	clinic := func(ctx context.Context, from, to api.Day, progress func(syncer.Progress)) (syncer.Report, error) {
		asked = append(asked, "bot-2")
		fresh := api.Lead{Type: api.TypeLead, Name: "Clara Clinic", Email: "clara@example.com",
			CreateTime: testNow.Add(-time.Minute), SessionID: 515151}
		ch, err := st.SaveLeads(ctx, "bot-2", to, to, testNow, []api.Lead{fresh})
		progress(syncer.Progress{Endpoint: store.EndpointLeads, Done: 1, Total: 1, Changes: ch})
		return syncer.Report{Requests: 1, Windows: 1, Changes: ch}, err
	}
	opts := testOptions(st)
	opts.Bots = []Bot{{Name: "Test Shop", Serial: testSerial, Sync: failing},
		{Name: "Clinic", Serial: "bot-2", Sync: clinic}}
	m := New(opts) // offline at first: Options.Sync is nil
	t.Cleanup(m.Close)
	m = settle(t, m, sizeCmd(120, 40), m.Init())
	m = press(t, m, "b", "a")
	if fmt.Sprint(asked) != "[tui-bot bot-2]" {
		t.Errorf("All bots synced %v, want both bots in order", asked)
	}
	s := screen(m)
	if row := lineWith(s, "clara@example.com"); !strings.Contains(row, "Clinic") || !strings.Contains(row, "Clara") {
		t.Errorf("the Clinic's new lead is not in the All bots inbox:\n%s", s)
	}
	if !strings.Contains(s, "Test Shop: Neoagent rejected the API key") {
		t.Errorf("the failure does not name its bot:\n%s", s)
	}
}

// TestLongSyncErrorReadsWholeInHelp: at 80 columns a long error is cut
// with a pointer to ?, which shows it whole; a wrong key is not something
// r fixes, so the line does not offer it.
func TestLongSyncErrorReadsWholeInHelp(t *testing.T) {
	st, _ := fillStore(t, 40)
	opts := testOptions(st)
	opts.Sync = func(context.Context, api.Day, api.Day, func(syncer.Progress)) (syncer.Report, error) {
		return syncer.Report{}, fmt.Errorf("Neoagent rejected the API key for serial %s (HTTP 401): check NEOAGENT_API_KEY or the bot's key in the config file: %w",
			testSerial, api.ErrUnauthorized)
	}
	m := New(opts)
	t.Cleanup(m.Close)
	m = settle(t, m, sizeCmd(80, 24), m.Init())
	s := screen(m)
	if !strings.Contains(s, "⚠ Neoagent rejected") || !strings.Contains(s, "? shows all") || strings.Contains(s, "r retries") {
		t.Errorf("the status line does not point to the whole error (or offers r):\n%s", s)
	}
	m = press(t, m, "?")
	flat := strings.Join(strings.Fields(screen(m)), " ")
	if !strings.Contains(flat, "The last sync failed: Neoagent rejected the API key for serial "+testSerial+" (HTTP 401): check NEOAGENT_API_KEY or the bot's key in the config file") {
		t.Errorf("help does not show the whole error:\n%s", screen(m))
	}
}

// statusLine is the screen's status line: the one above the footer.
func statusLine(m Model) string {
	lines := strings.Split(screen(m), "\n")
	for i := len(lines) - 1; i >= 0; i-- {
		if strings.Contains(lines[i], "⚠") || strings.Contains(lines[i], "syncing") {
			return strings.TrimSpace(lines[i])
		}
	}
	return ""
}

// TestRateLimitPauseLeadsTheStatusLine: while Neoagent limits the sync,
// the status line says so first, and when it goes again.
func TestRateLimitPauseLeadsTheStatusLine(t *testing.T) {
	st, _ := fillStore(t, 40)
	opts := testOptions(st)
	opts.Sync = func(ctx context.Context, from, to api.Day, progress func(syncer.Progress)) (syncer.Report, error) {
		progress(syncer.Progress{Endpoint: store.EndpointHistory, Done: 1, Total: 5, Window: to - 13, WindowTo: to - 7,
			Notice: "Neoagent is limiting requests", Retry: testNow.Add(20 * time.Second)})
		<-ctx.Done() // still waiting when the test reads the screen
		return syncer.Report{}, ctx.Err()
	}
	m := New(opts)
	t.Cleanup(m.Close)
	m.sh.Sync = nil // load first; the sync starts on r
	m = settle(t, m, sizeCmd(120, 40), m.Init())
	m.sh.Sync = opts.Sync
	next, cmd := m.Update(keyMsg("r"))
	m = whileSyncing(t, next.(Model), cmd)
	line := statusLine(m)
	if _, text, _ := strings.Cut(line, " "); !strings.HasPrefix(text, "Neoagent is limiting requests — retrying in 20 s · syncing") {
		t.Errorf("status line %q does not start (after the spinner) with the pause", line)
	}
}

// whileSyncing feeds m what cmd sends, and what that sends, for a moment,
// but the spinner's ticks: settle waits for a quiet model, and a sync that
// is still running never is.
func whileSyncing(t *testing.T, m Model, cmd tea.Cmd) Model {
	t.Helper()
	msgs := make(chan tea.Msg, 16)
	var run func(tea.Cmd)
	run = func(c tea.Cmd) {
		if c == nil {
			return
		}
		go func() { msgs <- c() }()
	}
	run(cmd)
	for deadline := time.After(300 * time.Millisecond); ; {
		select {
		case msg := <-msgs:
			switch msg := msg.(type) {
			case tea.BatchMsg:
				for _, c := range msg {
					run(c)
				}
			case spinner.TickMsg, nil:
			default:
				next, cmd := m.Update(msg)
				m = next.(Model)
				run(cmd)
			}
		case <-deadline:
			return m
		}
	}
}

// TestRateLimitErrorSaysTheCauseFirst: a sync that gave up on Neoagent's
// rate limit says so first and what to change, then that r tries again.
func TestRateLimitErrorSaysTheCauseFirst(t *testing.T) {
	st, _ := fillStore(t, 40)
	opts := testOptions(st)
	opts.Sync = func(context.Context, api.Day, api.Day, func(syncer.Progress)) (syncer.Report, error) {
		return syncer.Report{}, fmt.Errorf("syncing history: %w",
			&api.Error{Kind: api.ErrRateLimited, Endpoint: api.EndpointHistory, Status: 429, Attempts: 16})
	}
	m := New(opts)
	t.Cleanup(m.Close)
	m = settle(t, m, sizeCmd(160, 40), m.Init())
	line := statusLine(m)
	if !strings.HasPrefix(line, "⚠ syncing history: Neoagent is limiting our request rate") ||
		!strings.Contains(line, "lower rate_limit") || !strings.HasSuffix(line, "r retries") {
		t.Errorf("status line %q: want the cause first, then rate_limit, then r", line)
	}
	// Narrow, the cause is cut, not the key.
	m = settle(t, m, sizeCmd(80, 24))
	if line := statusLine(m); !strings.HasPrefix(line, "⚠ syncing history: Neoagent") || !strings.HasSuffix(line, "r retries") {
		t.Errorf("status line at 80 columns %q: want the cause first and r kept", line)
	}
}

// Close waits for a running sync to end, so that it gives the bot's sync
// lease back before neotui exits (a SIGTERM mid-sync held the bot for the
// lease's 30 s).
func TestCloseWaitsForTheSyncToEnd(t *testing.T) {
	st, _ := fillStore(t, 20)
	var released atomic.Bool
	started := make(chan struct{})
	opts := testOptions(st)
	opts.Sync = func(ctx context.Context, from, to api.Day, progress func(syncer.Progress)) (syncer.Report, error) {
		close(started)
		<-ctx.Done()
		time.Sleep(100 * time.Millisecond) // the lease's release, after the cancelled request
		released.Store(true)
		return syncer.Report{}, ctx.Err()
	}
	m := New(opts)
	m = settle(t, m, sizeCmd(120, 40))
	next, _ := m.refresh() // starts the sync at once; its messages are not read
	select {
	case <-started:
	case <-time.After(5 * time.Second):
		t.Fatal("the sync did not start")
	}
	next.Close()
	if !released.Load() {
		t.Error("Close returned before the sync ended")
	}
}
