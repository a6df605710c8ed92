package tui

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/neotui/neotui/api"
	"github.com/neotui/neotui/internal/english"
	"github.com/neotui/neotui/internal/store"
)

// statsLine is the line of the Stats tab's screen that starts with label.
func statsLine(t *testing.T, m Model, label string) string {
	t.Helper()
	for _, l := range strings.Split(screen(m), "\n") {
		if strings.HasPrefix(strings.TrimSpace(l), label) {
			return l
		}
	}
	t.Fatalf("no line %q on the screen:\n%s", label, screen(m))
	return ""
}

// conversationsShown is the figure of conversations on the Stats tab.
func conversationsShown(t *testing.T, m Model) string {
	t.Helper()
	return strings.Fields(statsLine(t, m, "Conversations "))[1]
}

func TestStatsShowsTheRangesFigures(t *testing.T) {
	st, bot := fillStore(t, 60)
	m := press(t, start(t, st, 100, 30), "4")
	today := api.DayOf(testNow)
	if got, want := conversationsShown(t, m), english.Count(len(bot.Sessions(today-29, today))); got != want {
		t.Errorf("30 days: %s conversations shown, the store holds %s", got, want)
	}
	if !strings.Contains(screen(m), "[30 days]") {
		t.Errorf("the range is not marked:\n%s", screen(m))
	}
	m = press(t, m, "left")
	if got, want := conversationsShown(t, m), english.Count(len(bot.Sessions(today-6, today))); got != want || !strings.Contains(screen(m), "[7 days]") {
		t.Errorf("7 days: %s conversations shown, want %s", got, want)
	}
	m = press(t, m, "left") // round to the last one
	feb, _ := api.ParseDay("2026-02-01")
	if got, want := conversationsShown(t, m), english.Count(len(bot.Sessions(feb, feb+27))); got != want || !strings.Contains(screen(m), "[last month]") {
		t.Errorf("last month: %s conversations shown, want %s", got, want)
	}
	// January held nothing: every figure of February is new.
	if line := statsLine(t, m, "Conversations"); !strings.Contains(line, " new ") || !strings.Contains(line, "Leads") {
		t.Errorf("February against an empty January: %q", line)
	}
}

func TestStatsDropsStaleResults(t *testing.T) {
	st, _ := fillStore(t, 30)
	m := press(t, start(t, st, 100, 30), "4")
	shown := conversationsShown(t, m)
	old := m.stats.seq
	m = press(t, m, "right") // a newer load
	next, _ := m.Update(reportLoadedMsg{seq: old, rep: &store.Report{Totals: store.Totals{Conversations: 999999}, PerDay: make([]store.DayFigures, 1)}})
	m = next.(Model)
	if strings.Contains(screen(m), "999,999") {
		t.Error("the result of an older load replaced the newer one")
	}
	if conversationsShown(t, m) != shown { // 90 days hold the same 20 days of data
		t.Errorf("90 days show %s conversations, 30 days %s", conversationsShown(t, m), shown)
	}
}

// TestStatsFollowTheSync: what a sync stores shows in the figures, on the
// tab or when it is next shown.
func TestStatsFollowTheSync(t *testing.T) {
	st, bot := fillStore(t, 30)
	m := press(t, start(t, st, 100, 30), "4")
	before := len(bot.Sessions(0, api.DayOf(testNow)))
	add := func(id int64) {
		t.Helper()
		s := api.Session{SessionID: id, CreateTime: testNow.Add(-time.Hour), Messages: []api.Message{{Type: api.RoleUser, Content: "hola"}}}
		day := api.DayOf(testNow)
		if _, err := st.SaveHistory(context.Background(), testSerial, day, day, testNow, []api.Session{s}); err != nil {
			t.Fatal(err)
		}
	}
	add(900001)
	m = settle(t, m, func() tea.Msg { return syncDoneMsg{} })
	if got := conversationsShown(t, m); got != english.Count(before+1) {
		t.Errorf("after a sync stored one more: %s conversations, want %d", got, before+1)
	}
	m = press(t, m, "1")
	add(900002)
	m = settle(t, m, func() tea.Msg { return syncDoneMsg{} })
	m = press(t, m, "4")
	if got := conversationsShown(t, m); got != english.Count(before+2) {
		t.Errorf("back on the tab after a sync: %s conversations, want %d", got, before+2)
	}
}

// TestStatsFunnelFollowsTriage: a status set elsewhere moves the funnel
// and gives a time to contact.
func TestStatsFunnelFollowsTriage(t *testing.T) {
	st, _ := fillStore(t, 30)
	m := press(t, start(t, st, 100, 40), "4")
	l := storedLeads(m)[0]
	if _, err := st.SetStatus(context.Background(), l.Bot, l.Key, store.StatusContacted, -1, l.CreateTime.Add(2*time.Hour), "bob"); err != nil {
		t.Fatal(err)
	}
	m = settle(t, m, readTriageSeq(m.sh, false))
	if f := statsLine(t, m, "new "); !strings.Contains(f, "contacted 1") {
		t.Errorf("funnel %q", f)
	}
	if !strings.Contains(screen(m), "first status past new: 2 h (1 lead)") {
		t.Errorf("no median time to contact:\n%s", screen(m))
	}
}

func TestStatsScrollsAndFits(t *testing.T) {
	st, _ := fillStore(t, 60)
	for _, size := range [][2]int{{80, 24}, {120, 36}, {minWidth, minHeight}, {200, 60}} {
		m := press(t, start(t, st, size[0], size[1]), "4")
		for range rangeCount {
			checkFrame(t, m, size[0], size[1])
			m = press(t, m, "right")
		}
	}
	m := press(t, start(t, st, 80, 24), "4")
	if strings.Contains(screen(m), "Triage") {
		t.Fatal("the whole page fits 80×24: nothing to scroll")
	}
	m = press(t, m, "G")
	if !strings.Contains(screen(m), "Triage") || strings.Contains(screen(m), "[30 days]") {
		t.Errorf("G did not reach the end:\n%s", screen(m))
	}
	m = press(t, m, "g")
	if !strings.Contains(screen(m), "[30 days]") {
		t.Errorf("g did not go back to the top:\n%s", screen(m))
	}
}

func TestStatsExportMarkdown(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	st, _ := fillStore(t, 60)
	m := press(t, start(t, st, 100, 30), "4")
	if p := typeExportName(t, m, "march.csv"); pickerOf(p) == nil || !strings.Contains(pickerOf(p).err, "name the file march.md") {
		t.Fatalf("a .csv name for the report was not refused:\n%s", screen(p))
	}
	m = awaitModel(t, typeExportName(t, m, "march.md"), exported)
	b, err := os.ReadFile(filepath.Join(dir, "march.md"))
	if err != nil {
		t.Fatalf("no report written: %v; status %q", err, flashText(m))
	}
	md := string(b)
	shown := conversationsShown(t, m)
	if !strings.HasPrefix(md, "# Report · Test Shop\n") || !strings.Contains(md, "| Conversations | "+shown+" |") || !strings.Contains(md, "## Top pages") {
		t.Errorf("the report:\n%s", md)
	}
	if !strings.HasPrefix(flashText(m), "exported to "+filepath.Join(dir, "march.md")+": the report of ") {
		t.Errorf("status %q", flashText(m))
	}
}

func TestStatsTriageKeysSayWhy(t *testing.T) {
	st, _ := fillStore(t, 10)
	m := press(t, start(t, st, 120, 40), "4", "s")
	if flashText(m) != "triage keys act on leads (1: Leads)" || pickerOf(m) != nil {
		t.Errorf("s on the Stats tab: %q", flashText(m))
	}
}

func TestStatsRanges(t *testing.T) {
	day := func(s string) api.Day { d, _ := api.ParseDay(s); return d }
	for _, tc := range []struct {
		r        statsRange
		today    string
		from, to string
	}{
		{last7, "2026-03-10", "2026-03-04", "2026-03-10"},
		{last90, "2026-03-10", "2025-12-11", "2026-03-10"},
		{thisMonth, "2026-03-10", "2026-03-01", "2026-03-10"},
		{lastMonth, "2026-03-10", "2026-02-01", "2026-02-28"},
		{lastMonth, "2026-01-31", "2025-12-01", "2025-12-31"},
		{thisMonth, "2026-01-01", "2026-01-01", "2026-01-01"},
	} {
		from, to := tc.r.days(day(tc.today))
		if from != day(tc.from) || to != day(tc.to) {
			t.Errorf("%s on %s: %s..%s, want %s..%s", rangeNames[tc.r], tc.today, from, to, tc.from, tc.to)
		}
	}
	// A day is the user's: 23:30 UTC is tomorrow in Rome.
	rome, err := time.LoadLocation("Europe/Rome")
	if err != nil {
		t.Skip(err)
	}
	if d := localDay(time.Date(2026, 3, 10, 23, 30, 0, 0, time.UTC), rome); d != day("2026-03-11") {
		t.Errorf("23:30 UTC in Rome is %s", d)
	}
}

func TestBarChart(t *testing.T) {
	st := newStyles(true).Title
	lines := barChart([]int{0, 4, 8, 2}, 20, 2, st)
	got := ansi.Strip(strings.Join(lines, "\n"))
	// 8 fills both rows; 4 the lower; 2 half of it; 0 nothing.
	want := "8         ███     \n      ███ ███ ▄▄▄ "
	if got != want {
		t.Errorf("bars:\n%q\nwant\n%q", got, want)
	}
	// More days than cells: two days a column.
	if c := layoutColumns(make([]int, 90), 60); c.per != 2 || len(c.sums) != 45 || c.cw != 1 {
		t.Errorf("90 days in 60 cells: %d a column, %d columns of %d", c.per, len(c.sums), c.cw)
	}
	if s := ansi.Strip(sparkline([]int{0, 1, 8}, 20, 2, st)); s != "        ▁▁▁▁▁ █████ " {
		t.Errorf("sparkline %q", s)
	}
}

// TestStatsSayHowMuchHistoryIsStored: with Neoagent's message count, the
// share the store holds; without it (a 404), nothing.
func TestStatsSayHowMuchHistoryIsStored(t *testing.T) {
	st, _ := fillStore(t, 60)
	stored, err := st.StoredMessages(context.Background(), testSerial)
	if err != nil || stored == 0 {
		t.Fatal(stored, err)
	}
	open := func(count func(context.Context) (int64, error)) Model {
		opts := testOptions(st)
		opts.Bots = []Bot{{Name: "Test Shop", Serial: testSerial, MessageCount: count}}
		m := New(opts)
		t.Cleanup(m.Close)
		m = settle(t, m, sizeCmd(100, 40), m.Init())
		return press(t, m, "4")
	}
	m := open(func(context.Context) (int64, error) { return int64(stored * 2), nil })
	want := fmt.Sprintf("History in the local store: %s of %s messages stored · 50 %%", english.Count(stored), english.Count(stored*2))
	if !strings.Contains(screen(m), want) {
		t.Errorf("no %q:\n%s", want, screen(m))
	}
	m = open(func(context.Context) (int64, error) { return 0, &api.Error{Kind: api.ErrNotFound, Status: 404} })
	if strings.Contains(screen(m), "History in the local store") {
		t.Errorf("a count Neoagent did not give:\n%s", screen(m))
	}
}
