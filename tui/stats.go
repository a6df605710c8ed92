package tui

import (
	"context"
	"fmt"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/neotui/neotui/api"
	"github.com/neotui/neotui/internal/english"
	"github.com/neotui/neotui/internal/export"
	"github.com/neotui/neotui/internal/safetext"
	"github.com/neotui/neotui/internal/store"
)

// statsModel is the Stats tab: the figures of a range of local days against
// the days before, read from the store in a Cmd, and a page of them that
// scrolls.
type statsModel struct {
	sh      *shared
	keys    statsKeyMap
	rng     statsRange
	seq     int // of the newest load asked for
	rep     *store.Report
	err     error
	stale   bool // the store changed while the tab was hidden
	top     int  // the first line of the page shown
	w, h    int
	history historyCount
}

// historyCount is how much of a bot's history the store holds, as last
// asked: total 0 while Neoagent has not said.
type historyCount struct {
	bot    string
	stored int
	total  int64
	asked  time.Time
	none   bool // Neoagent gave no count (404): the stored one is not needed
}

// statsRange is a range of days the tab offers.
type statsRange int

const (
	last7 statsRange = iota
	last30
	last90
	thisMonth
	lastMonth
	rangeCount
)

var rangeNames = [rangeCount]string{"7 days", "30 days", "90 days", "this month", "last month"}

// days is the range's first and last local day, today being today.
func (r statsRange) days(today api.Day) (from, to api.Day) {
	y, m, _ := today.Time().Date()
	first := api.DayOf(time.Date(y, m, 1, 0, 0, 0, 0, time.UTC))
	switch r {
	case last30:
		return today - 29, today
	case last90:
		return today - 89, today
	case thisMonth:
		return first, today
	case lastMonth:
		return api.DayOf(time.Date(y, m-1, 1, 0, 0, 0, 0, time.UTC)), first - 1
	}
	return today - 6, today
}

// localDay is the date of t in loc, as a Day.
func localDay(t time.Time, loc *time.Location) api.Day {
	y, m, d := t.In(loc).Date()
	return api.DayOf(time.Date(y, m, d, 0, 0, 0, 0, time.UTC))
}

// statsKeyMap is the Stats tab's own keys.
type statsKeyMap struct {
	Shorter, Longer    key.Binding
	Down, Up, PageDown key.Binding
	PageUp, Top, End   key.Binding
	Export             key.Binding
}

func defaultStatsKeys() statsKeyMap {
	return statsKeyMap{
		Shorter:  key.NewBinding(key.WithKeys("left", "h"), key.WithHelp("←→", "7d·30d·90d·this/last month")),
		Longer:   key.NewBinding(key.WithKeys("right", "l")),
		Down:     key.NewBinding(key.WithKeys("down", "j"), key.WithHelp("↑↓", "scroll")),
		Up:       key.NewBinding(key.WithKeys("up", "k")),
		PageDown: key.NewBinding(key.WithKeys("pgdown", "space", "ctrl+d"), key.WithHelp("pgdn/pgup", "page")),
		PageUp:   key.NewBinding(key.WithKeys("pgup", "ctrl+u")),
		Top:      key.NewBinding(key.WithKeys("g", "home"), key.WithHelp("g/G", "top/bottom")),
		End:      key.NewBinding(key.WithKeys("G", "end")),
		Export:   key.NewBinding(key.WithKeys("e"), key.WithHelp("e", "export")),
	}
}

func (k statsKeyMap) ShortHelp() []key.Binding { return []key.Binding{k.Shorter, k.Down, k.Export} }

func (k statsKeyMap) FullHelp() [][]key.Binding {
	return [][]key.Binding{{k.Shorter, k.Down, k.PageDown, k.Top, k.Export}}
}

func newStats(sh *shared) statsModel {
	return statsModel{sh: sh, keys: defaultStatsKeys(), rng: last30, stale: true}
}

func (s *statsModel) setSize(w, h int) { s.w, s.h = w, h }

// messages · commands

type reportLoadedMsg struct {
	seq    int
	rep    *store.Report
	stored int // the bot's messages stored, whatever their day; -1: not asked
	err    error
}

// historyCountedMsg is how much of bot's history the store holds; total 0
// when Neoagent did not say.
type historyCountedMsg struct {
	bot    string
	stored int
	total  int64
}

// countWait bounds the optional request for a bot's message count.
const countWait = 10 * time.Second

// countHistory asks Neoagent how many messages the bot has, then the store
// how many of them it holds. Any failure (a server without the endpoint
// answers 404) leaves the figure out.
func countHistory(sh *shared, bot string, count func(context.Context) (int64, error)) tea.Cmd {
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(sh.ctx, countWait)
		defer cancel()
		total, err := count(ctx)
		if err != nil || total <= 0 {
			return historyCountedMsg{bot: bot}
		}
		stored, err := sh.Store.StoredMessages(sh.ctx, bot)
		if err != nil {
			return historyCountedMsg{bot: bot}
		}
		return historyCountedMsg{bot: bot, stored: stored, total: total}
	}
}

// counter asks Neoagent for the bot's message count; nil for none (offline,
// All bots).
func (s statsModel) counter() func(context.Context) (int64, error) {
	if s.sh.allBots {
		return nil
	}
	for _, b := range s.sh.Bots {
		if b.Serial == s.sh.Serial {
			return b.MessageCount
		}
	}
	return nil
}

// countIfDue asks for the bot's message count, at most once a minute: the
// figures reload at every window a sync stores (and with them how many
// messages are stored, a local count).
func (s *statsModel) countIfDue() tea.Cmd {
	bot, count, h := s.sh.Serial, s.counter(), &s.history
	if count == nil || h.bot == bot && s.sh.now().Sub(h.asked) < time.Minute {
		return nil
	}
	if h.bot != bot {
		*h = historyCount{bot: bot}
	}
	h.asked = s.sh.now()
	return countHistory(s.sh, bot, count)
}

// report is the figures shown: the one loaded, with how much of the
// bot's history is stored when Neoagent said.
func (s statsModel) report() *store.Report {
	if s.rep == nil || s.sh.allBots || s.history.bot != s.sh.Serial || s.history.total == 0 {
		return s.rep
	}
	rep := *s.rep
	rep.StoredMessages, rep.TotalMessages = s.history.stored, s.history.total
	return &rep
}

// query is the report of the range, as of now, for the bot or all bots.
func (s statsModel) query() store.ReportQuery {
	from, to := s.rng.days(localDay(s.sh.now(), s.sh.loc()))
	return store.ReportQuery{Bot: s.sh.Serial, AllBots: s.sh.allBots, From: from, To: to, Days: s.sh.loc()}
}

// loadReport reads the report of q and, when withStored, how many of the
// bot's messages are stored.
func loadReport(sh *shared, seq int, q store.ReportQuery, withStored bool) tea.Cmd {
	return func() tea.Msg {
		msg := reportLoadedMsg{seq: seq, stored: -1}
		msg.rep, msg.err = sh.Store.Report(sh.ctx, q)
		if withStored && msg.err == nil {
			msg.stored, msg.err = sh.Store.StoredMessages(sh.ctx, q.Bot)
		}
		return msg
	}
}

func (s *statsModel) load() tea.Cmd {
	s.seq++
	s.stale = false
	count := s.countIfDue()
	withStored := s.counter() != nil && !s.history.none
	return tea.Batch(loadReport(s.sh, s.seq, s.query(), withStored), count)
}

// reload follows the store: at once when the tab shows, else when it does.
func (s *statsModel) reload(shown bool) tea.Cmd {
	if !shown {
		s.stale = true
		return nil
	}
	return s.load()
}

// shown loads the figures when the tab comes up, unless they are current.
func (s *statsModel) shown() tea.Cmd {
	if s.stale || s.rep == nil {
		return s.load()
	}
	return nil
}

// forget drops the figures of a bot no longer shown.
func (s *statsModel) forget() {
	s.rep, s.err, s.stale, s.top, s.history = nil, nil, true, 0, historyCount{}
}

// syncFrom is the first UTC day the figures need: the day before (in UTC)
// the period before the range.
func (s statsModel) syncFrom() api.Day {
	q := s.query()
	return q.From - (q.To - q.From + 1) - 1
}

// update

func (s statsModel) Update(msg tea.Msg) (statsModel, tea.Cmd) {
	switch msg := msg.(type) {
	case reportLoadedMsg:
		if msg.seq != s.seq {
			return s, nil // a load for an older range or older data
		}
		if q := s.query(); store.IsUnreachable(msg.err) && s.rep != nil && s.rep.From == q.From && s.rep.To == q.To {
			s.stale = true // the figures shown stay, and are read again when the tab comes up
			return s, nil
		}
		s.err = msg.err
		if msg.err == nil {
			s.rep = msg.rep
		}
		if msg.stored >= 0 && s.history.bot == s.sh.Serial {
			s.history.stored = msg.stored
		}
	case historyCountedMsg:
		if msg.bot == s.history.bot {
			s.history.stored, s.history.total, s.history.none = msg.stored, msg.total, msg.total == 0
		}
	case tea.KeyPressMsg:
		return s.handleKey(msg)
	}
	return s, nil
}

func (s statsModel) handleKey(msg tea.KeyPressMsg) (statsModel, tea.Cmd) {
	k := s.keys
	last := max(len(s.page())-s.h, 0)
	switch {
	case key.Matches(msg, k.Shorter, k.Longer):
		if key.Matches(msg, k.Shorter) {
			s.rng = (s.rng + rangeCount - 1) % rangeCount
		} else {
			s.rng = (s.rng + 1) % rangeCount
		}
		s.top = 0
		return s, s.load()
	case key.Matches(msg, k.Down):
		s.top++
	case key.Matches(msg, k.Up):
		s.top--
	case key.Matches(msg, k.PageDown):
		s.top += max(s.h-1, 1)
	case key.Matches(msg, k.PageUp):
		s.top -= max(s.h-1, 1)
	case key.Matches(msg, k.Top):
		s.top = 0
	case key.Matches(msg, k.End):
		s.top = last
	}
	s.top = min(max(s.top, 0), last)
	return s, nil
}

// scroll moves the page by n lines (the mouse wheel).
func (s *statsModel) scroll(n int) {
	s.top = min(max(s.top+n, 0), max(len(s.page())-s.h, 0))
}

// view

func (s statsModel) View() string {
	lines := s.page()
	top := min(s.top, max(len(lines)-s.h, 0))
	return strings.Join(lines[top:min(top+s.h, len(lines))], "\n")
}

// page is every line of the tab, to be scrolled.
func (s statsModel) page() []string {
	st := s.sh.styles
	lines := []string{s.rangeLine(), ""}
	switch {
	case s.err != nil:
		return append(lines, st.StatusErr.Render(safetext.Line(s.err.Error())))
	case s.rep == nil:
		return append(lines, st.Muted.Render("Loading…"))
	}
	rep := s.report()
	lines = append(lines, s.totals(rep)...)
	if c := export.Coverage(rep); c != "" {
		lines = append(lines, st.Muted.Render("History in the local store: "+c))
	}
	lines = append(lines, "")
	lines = append(lines, s.chart(rep)...)
	lines = append(lines, "")
	lines = append(lines, s.heatAndPages(rep)...)
	lines = append(lines, "", st.Title.Render("Triage"), s.funnel(rep), st.Muted.Render(export.MedianLine(rep)))
	if recs := export.Recommendations(rep.Totals); len(recs) > 0 {
		lines = append(lines, "", st.Title.Render("Recommendations"))
		for _, r := range recs {
			lines = append(lines, strings.Split(lipgloss.NewStyle().Width(s.w).Render("• "+r), "\n")...)
		}
	}
	return lines
}

// rangeLine is the ranges, the current one marked, and its days.
func (s statsModel) rangeLine() string {
	st := s.sh.styles
	var parts []string
	for r, name := range rangeNames {
		if statsRange(r) == s.rng { // brackets: without colour too
			parts = append(parts, st.ActiveTab.UnsetPadding().Render("["+name+"]"))
		} else {
			parts = append(parts, st.Muted.Render(name))
		}
	}
	line := strings.Join(parts, st.Muted.Render(" · "))
	q := s.query()
	days := fmt.Sprintf("%s – %s", q.From, q.To)
	if gap := s.w - ansi.StringWidth(line) - ansi.StringWidth(days); gap >= 2 {
		line += strings.Repeat(" ", gap) + st.Muted.Render(days)
	}
	return ansi.Truncate(line, s.w, "…")
}

// totals are the figures against the days before, in two columns when
// they fit.
func (s statsModel) totals(rep *store.Report) []string {
	st := s.sh.styles
	var cells []string
	for _, l := range export.TotalLines(rep) {
		if l.Label == "Messages per conversation" {
			l.Label = "Messages/conversation" // fits a half of 80 columns
		}
		change := l.Change
		switch {
		case strings.HasPrefix(change, "▲"):
			change = st.Lead.UnsetBold().Render(change)
		case strings.HasPrefix(change, "▼"):
			change = st.StatusErr.Render(change)
		default:
			change = st.Muted.Render(change)
		}
		cells = append(cells, fitCell(l.Label, 21)+st.Bold.Render(fmt.Sprintf("%8s", l.Now))+" "+fitCell(change, 9))
	}
	const cellW = 21 + 8 + 1 + 9
	if s.w < 2*cellW+2 {
		return cells
	}
	half := (len(cells) + 1) / 2
	var lines []string
	for i := range half {
		line := cells[i]
		if j := i + half; j < len(cells) {
			line += "  " + cells[j]
		}
		lines = append(lines, line)
	}
	return lines
}

// chart is the conversations per day as bars, and the leads under them.
func (s statsModel) chart(rep *store.Report) []string {
	st := s.sh.styles
	conv, leads := make([]int, len(rep.PerDay)), make([]int, len(rep.PerDay))
	for i, d := range rep.PerDay {
		conv[i], leads[i] = d.Conversations, d.Leads+d.Appointments
	}
	h := max(4, min(12, s.h/5))
	top := 0
	for _, v := range conv {
		top = max(top, v)
	}
	axis := len(english.Count(top)) + 1
	c := layoutColumns(conv, s.w-axis)
	title := st.Title.Render("Conversations per day") + st.Muted.Render(", leads and appointments under them")
	if c.per > 1 {
		title = st.Title.Render(fmt.Sprintf("Conversations per %d days", c.per)) + st.Muted.Render(", leads and appointments under them")
	}
	lines := append([]string{ansi.Truncate(title, s.w, "…")}, barChart(conv, s.w, h, st.Chart)...)
	first, last := rep.PerDay[0].Day.Time(), rep.PerDay[len(rep.PerDay)-1].Day.Time()
	lines = append(lines, st.Muted.Render(chartAxis(first.Format("Jan 2"), last.Format("Jan 2"), c.width(), axis)))
	return append(lines, sparkline(leads, s.w, axis, st.ChartLeads))
}

// heatAndPages is when visitors write and the top pages: side by side when
// both fit, else one under the other.
func (s statsModel) heatAndPages(rep *store.Report) []string {
	st := s.sh.styles
	cw := 1
	if s.w >= 4+48+2+40 {
		cw = 2
	}
	heat := append([]string{st.Title.Render("When visitors write")}, heatmap(rep.ByWeekdayHour, cw, st.Chart)...)
	heatW := 4 + 24*cw
	pagesW := s.w - heatW - 3
	if pagesW < 36 {
		return append(append(heat, ""), s.pages(rep, s.w)...)
	}
	left := lipgloss.NewStyle().Width(heatW + 3).Render(strings.Join(heat, "\n"))
	return strings.Split(lipgloss.JoinHorizontal(lipgloss.Top, left, strings.Join(s.pages(rep, pagesW), "\n")), "\n")
}

// pages are the top pages with their conversations and leads, each page a
// link to itself.
func (s statsModel) pages(rep *store.Report, w int) []string {
	st := s.sh.styles
	lines := []string{st.Title.Render("Top pages") + st.Muted.Render("  conversations · leads")}
	if len(rep.TopPages) == 0 {
		return append(lines, st.Muted.Render("No conversations in these days."))
	}
	for _, p := range rep.TopPages {
		uri := safetext.Line(strings.TrimSpace(p.URI))
		if uri == "" {
			uri = "(no page)"
		}
		counts := fmt.Sprintf("%6s %5s ", english.Count(p.Conversations), english.Count(p.Leads))
		lines = append(lines, counts+link(fitCell(uri, w-len(counts)), pageLink(p.URI), st.CardValue))
	}
	return lines
}

// funnel is the leads of the range by status, in the order of triage.
func (s statsModel) funnel(rep *store.Report) string {
	st := s.sh.styles
	var parts []string
	for _, status := range store.Statuses {
		parts = append(parts, st.statusStyle(status).Render(fmt.Sprintf("%s %s", status, english.Count(rep.Funnel[status]))))
	}
	sep := st.Muted.Render(" → ")
	line := strings.Join(parts[:5], sep) + st.Muted.Render(" · ") + strings.Join(parts[5:], st.Muted.Render(" · "))
	return ansi.Truncate(line, s.w, "…")
}

// syncStats syncs the older days the figures of the Stats tab's range need
// (the browser syncs the last SyncDays by itself).
func (m *Model) syncStats() tea.Cmd { return m.status.syncBack(m.stats.syncFrom()) }
