package tui

import (
	"fmt"
	"slices"
	"strings"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/neotui/neotui/api"
	"github.com/neotui/neotui/config"
	"github.com/neotui/neotui/internal/english"
	"github.com/neotui/neotui/internal/safetext"
	"github.com/neotui/neotui/internal/store"
)

// View draws the whole screen: tab bar, body, status line, help line. Only
// the root returns a tea.View; terminal modes are set here and nowhere else.
func (m Model) View() tea.View {
	v := tea.NewView(m.render())
	v.AltScreen = true
	if !m.sh.NoMouse {
		// Cell motion: clicks and the wheel, no stream of moves. Shift
		// still selects text as the terminal's own.
		v.MouseMode = tea.MouseModeCellMotion
	}
	v.WindowTitle = "neotui · " + safetext.Line(m.sh.BotName)
	return v
}

func (m Model) render() string {
	w, h := m.sh.width, m.sh.height
	if w == 0 {
		return "" // no size yet
	}
	if m.tooSmall() {
		return fmt.Sprintf("neotui needs at least %d×%d;\nthis terminal is %d×%d.", minWidth, minHeight, w, h)
	}
	h = m.bodyHeight()
	body := place(m.body(), w, h)
	if m.dialog != nil {
		body = place(m.dialog.render(body, w, h), w, h)
	}
	// The tab bar is w wide already, the body too; the two lines below are
	// padded to w, as lipgloss.JoinVertical would.
	return strings.Join([]string{m.tabBar(), body, place(m.status.view(), w, 0), place(m.footer(), w, 0)}, "\n")
}

// floatOver draws box centred over body, which stays visible around it:
// the lead a menu acts on stays in sight.
func floatOver(body, box string, w, h int) string {
	at := floatAt(box, w, h)
	c := lipgloss.NewCanvas(w, h)
	c.Compose(lipgloss.NewCompositor(lipgloss.NewLayer(body), lipgloss.NewLayer(box).X(at.x).Y(at.y).Z(1)))
	return lipgloss.NewStyle().Width(w).Height(h).Render(c.Render())
}

// floatAt is where floatOver draws box in a body of w×h cells.
func floatAt(box string, w, h int) rect {
	bw, bh := lipgloss.Width(box), lipgloss.Height(box)
	return rect{max((w-bw)/2, 0), max((h-bh)/2, 0), bw, bh}
}

func (m Model) body() string {
	if m.tab == tabStats {
		return m.stats.View()
	}
	if m.botless() {
		return m.sh.styles.Muted.Render("The All bots inbox merges leads. Conversations and search are per bot: press b to pick one.")
	}
	var left string
	switch m.tab {
	case tabLeads:
		left = m.listOrPlaceholder(m.leads.view(), m.leads.ready, m.leads.raw.len(), m.leads.emptyText())
	case tabSessions:
		left = m.listOrPlaceholder(m.sessions.list.View(), m.sessions.ready, m.sessions.list.Len(), "No conversations stored yet.")
	case tabSearch:
		left = m.search.View()
	}
	if !m.split() {
		if m.detailOpen {
			return m.detail.View()
		}
		return left
	}
	right := m.detail.View()
	if m.tab == tabSearch && !m.detailOpen {
		right = m.sh.styles.Muted.Render("Open a result with enter to read it here.")
	} else if m.selectionKey() == "" && !m.detailOpen {
		right = ""
	}
	lay := m.screenLayout()
	border := m.sh.styles.PaneBorder
	if m.detailOpen {
		border = border.BorderForeground(m.sh.styles.Title.GetForeground()) // the detail has the keys
	}
	// The border and its padding, as the style draws them on each line.
	edge := border.Render("")
	right = prefixLines(edge, place(right, lay.detail.w-lipgloss.Width(edge), lay.detail.h))
	return beside(place(left, lay.left.w, lay.left.h), right)
}

func (m Model) listOrPlaceholder(view string, ready bool, n int, empty string) string {
	switch {
	case m.loadErr != nil:
		return m.sh.styles.StatusErr.Render(safetext.Line(m.loadErr.Error()))
	case !ready:
		return m.sh.styles.Muted.Render("Loading…")
	case n == 0 && m.status.syncing:
		return m.sh.styles.Muted.Render(empty + " Syncing…")
	case n == 0 && !m.sh.online():
		return m.sh.styles.Muted.Render(empty + " (offline)")
	}
	return view
}

// tabBar is the tabs with their counts, and the bot's name on the right.
func (m Model) tabBar() string {
	st := m.sh.styles
	left := strings.Join(m.tabLabels(), "")
	right := ""
	if room := m.sh.width - ansi.StringWidth(left) - 1; room >= 6 {
		right = st.BotName.Render(ansi.Truncate(safetext.Line(m.sh.BotName), room, "…"))
	}
	gap := m.sh.width - ansi.StringWidth(left) - ansi.StringWidth(right)
	line := left + strings.Repeat(" ", max(gap, 0)) + right
	return st.TabBar.Width(m.sh.width).Render(ansi.Truncate(line, m.sh.width, ""))
}

// tabTitle is a tab's name and count (-1: none); when a filter narrows
// its list, how many rows it lets through; more says that more are still
// loading than the count.
type tabTitle struct {
	name     string
	count    int
	narrowed bool
	matches  int
	more     bool
}

// tabLabels are the tabs' titles as the tab bar draws them from its left
// edge, one after the other: the mouse finds a tab by their widths.
func (m Model) tabLabels() []string {
	// Each counts what it shows: its view (unseen only, snoozed), and what
	// a filter lets through of it ("3/120").
	titles := []tabTitle{
		{"Leads", m.leads.cols.rows, m.leads.list.Narrowed(), m.leads.list.VisibleLen(), m.leads.list.More()},
		{"Conversations", m.sessions.list.Len(), m.sessions.list.Narrowed(), m.sessions.list.VisibleLen(), m.sessions.list.More()},
		{"Search", -1, false, 0, false}, {"Stats", -1, false, 0, false},
	}
	if m.sh.allBots {
		titles[tabSessions].count = -1 // conversations are per bot: none in the merged inbox
	}
	labels := m.tabTitles(titles)
	if ansi.StringWidth(strings.Join(labels, "")) > m.sh.width {
		titles[tabSessions].name = "Chats" // a narrow screen keeps all four tabs in sight
		labels = m.tabTitles(titles)
	}
	return labels
}

// tabTitles are the tabs' titles, with their counts.
func (m Model) tabTitles(titles []tabTitle) []string {
	st := m.sh.styles
	var parts []string
	for i, t := range titles {
		style := st.Tab
		if tab(i) == m.tab {
			style = st.ActiveTab
		}
		// The count is styled apart, not inside the tab's style: nesting
		// styled text inside an underline breaks its escape codes.
		label := style.UnsetPaddingRight().Render(fmt.Sprintf("%d %s", i+1, t.name))
		if t.count >= 0 {
			n := fmt.Sprint(t.count)
			if t.narrowed {
				n = fmt.Sprintf("%d/%d", t.matches, t.count)
			}
			if t.more {
				n += "…" // the first page: the rest is loading
			}
			label += " " + st.TabCount.Render(n)
		}
		if i == int(tabLeads) {
			if n := m.leads.unseen(); n > 0 {
				label += " " + st.Unseen.Render(fmt.Sprintf("●%d", n))
			}
			if m.leads.unseenOnly {
				label += st.Muted.Render(" (unseen)")
			}
			if m.sh.snoozedOnly {
				label += st.Muted.Render(" (snoozed)")
			}
		}
		parts = append(parts, label+" ")
	}
	return parts
}

// footer is the short help of what has focus.
func (m Model) footer() string {
	k := m.sh.keys
	bindings := k.ShortHelp()
	switch {
	case m.dialog != nil:
		bindings = m.dialog.keyMap().ShortHelp()
	case m.detailOpen:
		// Boxes float over an open lead too: theirs come first.
		bindings = []key.Binding{k.Scroll, k.Back}
		if m.detail.highlight != "" {
			bindings = append(bindings, k.NextMatch)
		}
		bindings = append(bindings, k.Help, k.Quit)
	case m.tab == tabStats:
		bindings = m.stats.keys.ShortHelp()
		if m.sh.NoExport {
			bindings = bindings[:len(bindings)-1] // e only says that export is off
		}
		bindings = append(bindings, k.Help, k.Quit)
	case m.tab == tabSearch && m.typing():
		bindings = []key.Binding{newKey("enter", "to the results"), newKey("esc", "clear, then leave the box"), k.NextTab}
	case m.typing():
		bindings = []key.Binding{newKey("enter", "keep the filter"), newKey("esc", "clear it"), k.NextTab}
	case m.tab != tabLeads:
		// Triage keys act on leads: advertise them on the Leads tab only.
		bindings = []key.Binding{k.Move, k.Open, k.Filter, k.LeadsTab, k.Help, k.Quit}
		if m.tab == tabSearch {
			bindings = []key.Binding{k.Move, k.Open, newKey("/", "new search"), k.LeadsTab, k.Help, k.Quit}
		}
	}
	return m.fitFooter(bindings)
}

// fitFooter is the hints of bindings that fit the screen's width. When not
// all do, the least useful go first: the movement keys and quit, which
// everyone tries anyway, then the others from the right; ? help stays, the
// way to all the others.
func (m Model) fitFooter(bindings []key.Binding) string {
	for {
		line := m.help.ShortHelpView(bindings) // at width 0: whole, not cut with "…"
		if ansi.StringWidth(line) <= m.sh.width {
			return line
		}
		i := m.leastUseful(bindings)
		if i < 0 {
			return ansi.Truncate(line, m.sh.width, "…")
		}
		bindings = slices.Delete(slices.Clone(bindings), i, i+1)
	}
}

// leastUseful is the index of the hint to drop first from a footer; -1
// when only ? help is left.
func (m Model) leastUseful(bindings []key.Binding) int {
	k := m.sh.keys
	obvious := []string{k.Move.Help().Key, k.Scroll.Help().Key, "↑↓", "j/k", k.Quit.Help().Key}
	if i := slices.IndexFunc(bindings, func(b key.Binding) bool { return slices.Contains(obvious, b.Help().Key) }); i >= 0 {
		return i
	}
	for i := len(bindings) - 1; i >= 0; i-- {
		if bindings[i].Help().Key != k.Help.Help().Key {
			return i
		}
	}
	return -1
}

// fullHelp lists every key in as many columns as fit: bubbles' own full
// help cuts columns off at 80 cells.
func (m Model) fullHelp() string {
	st := m.sh.styles
	const keyW, cellW = 11, 36
	var cells []string
	for _, group := range m.sh.keys.FullHelp() {
		for _, b := range group {
			if b.Enabled() {
				h := b.Help()
				cells = append(cells, st.Help.FullKey.Render(fitCell(h.Key, keyW))+st.Help.FullDesc.Render(fitCell(h.Desc, cellW-keyW)))
			}
		}
	}
	cols := max(m.sh.width/cellW, 1)
	rows := (len(cells) + cols - 1) / cols
	lines := make([]string, rows)
	for i, c := range cells {
		lines[i%rows] += c
	}
	hk := defaultHelpKeys()
	title := st.Title.Render("Keys") + st.Muted.Render("  ("+keyLine([]key.Binding{hk.Close, hk.Down})+")")
	if err := m.status.err; err != nil {
		// The status line cuts a long error; here it is whole.
		title += "\n\n" + st.StatusErr.Width(m.sh.width).Render("The last sync failed: "+syncErrText(err))
	}
	return strings.Join(m.whereAmI(), "\n") + "\n\n" + title + "\n\n" + strings.Join(lines, "\n") + "\n\n" + strings.Join(m.helpNotes(), "\n")
}

// whereAmI is what ? says above the keys: which neotui, on which config
// file, store and bot, synced when.
func (m Model) whereAmI() []string {
	sh := m.sh
	file := sh.ConfigFile
	if file == "" {
		file = "none: the environment and defaults"
	}
	bot := sh.BotName
	if serial := config.MaskSerial(sh.Serial); !strings.Contains(bot, serial) {
		bot += " · serial " + serial // a bot from the environment is named by it already
	}
	if sh.allBots {
		bot = "All bots: " + english.Plural(len(sh.Bots), "bot")
	}
	synced := "never"
	if t := m.status.lastSynced; !t.IsZero() || !m.status.syncedAt.IsZero() {
		if m.status.syncedAt.After(t) {
			t = m.status.syncedAt
		}
		synced = clock(t, sh.now(), sh.loc()) + " (" + relative(t, sh.now(), sh.loc()) + ")"
	}
	rows := [][2]string{{"config", file}, {"store", firstNonEmpty(sh.StorePath, "-")}, {"bot", bot}, {"synced", synced}}
	if sh.Version != "" {
		rows = append([][2]string{{"neotui", sh.Version}}, rows...)
	}
	out := make([]string, len(rows))
	for i, r := range rows {
		out[i] = m.helpRow(r[0], safetext.Line(r[1])) // paths can hold escapes too
	}
	return out
}

// helpRow is a line of ?: a key, or a name, and its text, wrapped (not
// cut: the help scrolls on a small screen).
func (m Model) helpRow(name, text string) string {
	st := m.sh.styles
	desc := st.Help.FullDesc.Width(max(m.sh.width-11, 10)).Render(text)
	return lipgloss.JoinHorizontal(lipgloss.Top, st.Help.FullKey.Render(fitCell(name, 11)), desc)
}

// helpNotes are the keys of the dialogs, one line each, from their
// keymaps, wrapped to the screen.
func (m Model) helpNotes() []string {
	line := func(k help.KeyMap) string {
		var all []key.Binding
		for _, group := range k.FullHelp() {
			all = append(all, group...)
		}
		return keyLine(all)
	}
	notes := [][2]string{
		{"/ filter", "words narrow together · status:won · is:starred · is:unseen"},
		{"menus", line(newPickerKeys(nil))},
		{"s status", keyLine(choiceKeys(statusChoices()))},
		{"n notes", line(notesKeysFor(m.sh))},
		{"4 stats", line(defaultStatsKeys())},
		{"y copy", keyLine(choiceKeys(copyChoices(store.Lead{Lead: api.Lead{Email: "e", PhoneNumber: "p", Name: "n", SessionID: 1}}, nil, false)))},
	}
	if len(m.sh.Bots) > 1 {
		notes = append(notes, [2]string{"b bot", keyLine(choiceKeys(botChoices(m.sh.Bots)))})
	}
	notes = append(notes, [2]string{"? help", line(defaultHelpKeys())})
	notes = append(notes, [2]string{"z snooze", keyLine([]key.Binding{snoozeKeys.Tomorrow, snoozeKeys.NextWeek, snoozeKeys.Wake}) +
		" · or type YYYY-MM-DD"})
	var out []string
	for _, n := range notes {
		out = append(out, m.helpRow(n[0], n[1]))
	}
	return out
}

// choiceKeys are the hotkeys of choices.
func choiceKeys(cs []choice) []key.Binding {
	out := make([]key.Binding, len(cs))
	for i, c := range cs {
		out[i] = c.key
	}
	return out
}
