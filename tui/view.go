package tui

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/neotui/neotui/api"
	"github.com/neotui/neotui/internal/safetext"
	"github.com/neotui/neotui/internal/store"
)

// View draws the whole screen: tab bar, body, status line, help line. Only
// the root returns a tea.View; terminal modes are set here and nowhere else.
func (m Model) View() tea.View {
	v := tea.NewView(m.render())
	v.AltScreen = true
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
	x := max((w-lipgloss.Width(box))/2, 0)
	y := max((h-lipgloss.Height(box))/2, 0)
	c := lipgloss.NewCanvas(w, h)
	c.Compose(lipgloss.NewCompositor(lipgloss.NewLayer(body), lipgloss.NewLayer(box).X(x).Y(y).Z(1)))
	return lipgloss.NewStyle().Width(w).Height(h).Render(c.Render())
}

func (m Model) body() string {
	if m.tab == tabStats {
		return m.stats.View()
	}
	if m.sh.allBots && m.tab != tabLeads && !m.detailOpen {
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
	h := m.bodyHeight()
	border := m.sh.styles.PaneBorder
	if m.detailOpen {
		border = border.BorderForeground(m.sh.styles.Title.GetForeground()) // the detail has the keys
	}
	// The border and its padding, as the style draws them on each line.
	edge := border.Render("")
	right = prefixLines(edge, place(right, m.sh.width-m.listWidth()-lipgloss.Width(edge), h))
	return beside(place(left, m.listWidth(), h), right)
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
	titles := []tabTitle{{"Leads", m.leads.raw.len(), m.leads.list.More()},
		{"Conversations", m.sessions.list.Len(), m.sessions.list.More()}, {"Search", -1, false}, {"Stats", -1, false}}
	if m.sh.allBots {
		titles[tabSessions].count = -1 // conversations are per bot: none in the merged inbox
	}
	left := m.tabTitles(titles)
	if ansi.StringWidth(left) > m.sh.width {
		titles[tabSessions].name = "Chats" // a narrow screen keeps all four tabs in sight
		left = m.tabTitles(titles)
	}
	right := ""
	if room := m.sh.width - ansi.StringWidth(left) - 1; room >= 6 {
		right = st.BotName.Render(ansi.Truncate(safetext.Line(m.sh.BotName), room, "…"))
	}
	gap := m.sh.width - ansi.StringWidth(left) - ansi.StringWidth(right)
	line := left + strings.Repeat(" ", max(gap, 0)) + right
	return st.TabBar.Width(m.sh.width).Render(ansi.Truncate(line, m.sh.width, ""))
}

// tabTitle is a tab's name and count (-1: none); more says that more are
// still loading than the count.
type tabTitle struct {
	name  string
	count int
	more  bool
}

// tabTitles are the tabs' titles side by side, with their counts.
func (m Model) tabTitles(titles []tabTitle) string {
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
	return strings.Join(parts, "")
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
	return ansi.Truncate(m.help.ShortHelpView(bindings), m.sh.width, "…")
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
	return title + "\n\n" + strings.Join(lines, "\n") + "\n\n" + strings.Join(m.helpNotes(), "\n")
}

// helpNotes are the keys of the dialogs, one line each, from their
// keymaps, wrapped to the screen.
func (m Model) helpNotes() []string {
	st := m.sh.styles
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
		{"n notes", line(defaultNotesKeys())},
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
		// Wrapped, not cut: the help scrolls on a small screen.
		desc := st.Help.FullDesc.Width(max(m.sh.width-11, 10)).Render(n[1])
		out = append(out, lipgloss.JoinHorizontal(lipgloss.Top, st.Help.FullKey.Render(fitCell(n[0], 11)), desc))
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
