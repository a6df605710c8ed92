package tui

import (
	"errors"
	"fmt"
	"strings"
	"time"

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
	if w < minWidth || h < minHeight {
		return fmt.Sprintf("neotui needs at least %d×%d;\nthis terminal is %d×%d.", minWidth, minHeight, w, h)
	}
	body := m.body()
	switch {
	case m.showHelp:
		lines := strings.Split(m.fullHelp(), "\n")
		body = strings.Join(lines[min(m.helpTop, len(lines)-1):], "\n")
	case m.notes != nil:
		body = lipgloss.Place(w, m.bodyHeight(), lipgloss.Center, lipgloss.Top, m.notes.view(min(w-2, 90)))
	}
	body = lipgloss.NewStyle().Width(w).Height(m.bodyHeight()).MaxHeight(m.bodyHeight()).MaxWidth(w).Render(body)
	if m.overlay != nil && !m.showHelp && m.notes == nil {
		body = floatOver(body, m.overlay.view(), w, m.bodyHeight())
	}
	return lipgloss.JoinVertical(lipgloss.Left, m.tabBar(), body, m.statusLine(), m.footer())
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
	if m.sh.allBots && m.tab != tabLeads && !m.detailOpen {
		return m.sh.styles.Muted.Render("The All bots inbox merges leads. Conversations and search are per bot: press b to pick one.")
	}
	var left string
	switch m.tab {
	case tabLeads:
		empty := m.leadsEmpty()
		l := m.leads
		l.SetEmpty(empty)
		left = m.listOrPlaceholder(l.View(), m.leadsReady, len(m.rawLeads), empty)
	case tabSessions:
		left = m.listOrPlaceholder(m.sessions.View(), m.sessionsReady, m.sessions.Len(), "No conversations stored yet.")
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
	left = lipgloss.NewStyle().Width(m.listWidth()).MaxWidth(m.listWidth()).Render(left)
	border := m.sh.styles.PaneBorder
	if m.detailOpen {
		border = border.BorderForeground(m.sh.styles.Title.GetForeground()) // the detail has the keys
	}
	right = border.Height(m.bodyHeight()).Render(right)
	return lipgloss.JoinHorizontal(lipgloss.Top, left, right)
}

// leadsEmpty is what the Leads tab says with no leads to show.
func (m Model) leadsEmpty() string {
	switch {
	case m.sh.snoozedOnly:
		return "No snoozed leads. Z returns to the inbox."
	case m.unseenOnly && len(m.rawLeads) > 0:
		return "No unseen leads: every one has been opened. u shows them all."
	}
	return "No leads stored yet."
}

func (m Model) listOrPlaceholder(view string, ready bool, n int, empty string) string {
	switch {
	case m.loadErr != nil:
		return m.sh.styles.StatusErr.Render(safetext.Line(m.loadErr.Error()))
	case !ready:
		return m.sh.styles.Muted.Render("Loading…")
	case n == 0 && m.syncing:
		return m.sh.styles.Muted.Render(empty + " Syncing…")
	case n == 0 && !m.sh.online():
		return m.sh.styles.Muted.Render(empty + " (offline)")
	}
	return view
}

// tabBar is the tabs with their counts, and the bot's name on the right.
func (m Model) tabBar() string {
	st := m.sh.styles
	titles := []tabTitle{{"Leads", len(m.rawLeads)}, {"Conversations", m.sessions.Len()}, {"Search", -1}}
	if m.sh.allBots {
		titles[tabSessions].count = -1 // conversations are per bot: none in the merged inbox
	}
	left := m.tabTitles(titles)
	if ansi.StringWidth(left) > m.sh.width {
		titles[tabSessions].name = "Chats" // a narrow screen keeps all three tabs in sight
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

// tabTitle is a tab's name and count (-1: none).
type tabTitle struct {
	name  string
	count int
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
			label += " " + st.TabCount.Render(fmt.Sprint(t.count))
		}
		if i == int(tabLeads) {
			if n := m.unseen(); n > 0 {
				label += " " + st.Unseen.Render(fmt.Sprintf("●%d", n))
			}
			if m.unseenOnly {
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

// statusLine shows the sync: progress, its age, or its error; never blocking.
func (m Model) statusLine() string {
	st := m.sh.styles
	var s string
	switch {
	case m.flashText != "" && m.sh.now().Sub(m.flashAt) < 10*time.Second:
		if m.flashErr {
			s = st.StatusErr.Render("⚠ " + safetext.Line(m.flashText))
		} else {
			s = st.Status.Render(safetext.Line(m.flashText))
			if m.syncErr != nil && !m.syncing {
				// "2 new leads" from one bot does not hide another's failure.
				s += st.Status.Render(" · ") + m.syncErrLine(m.sh.width-lipgloss.Width(s)-3)
			}
		}
		if m.syncing {
			s = m.spinner.View() + " " + s
		}
	case m.syncing:
		p := m.progress
		what := "syncing"
		if m.older != [2]api.Day{} {
			what = "loading older history"
		}
		if m.progressBot != "" {
			what += " " + safetext.Line(m.progressBot)
		}
		if p.Total > 0 {
			what = fmt.Sprintf("%s: %s %d/%d windows", what, p.Endpoint, min(p.Done+1, p.Total), p.Total)
			if p.Endpoint == store.EndpointHistory {
				what += fmt.Sprintf(" (%s…%s)", p.Window, p.WindowTo)
			}
		}
		s = m.spinner.View() + " " + st.Status.Render(what)
	case m.syncErr != nil:
		s = m.syncErrLine(m.sh.width)
	case !m.syncedAt.IsZero():
		s = st.Status.Render("synced " + relative(m.syncedAt, m.sh.now()) + " · " + safetext.Line(m.sh.BotName))
	case !m.sh.online():
		s = st.Status.Render("offline: showing the local store")
	}
	return ansi.Truncate(s, m.sh.width, "…")
}

// syncErrLine is the last sync's error in width cells, the hint first; an
// error cut short says where to read it whole.
func (m Model) syncErrLine(width int) string {
	text := "⚠ " + syncErrText(m.syncErr)
	if !permanent(m.syncErr) {
		text = "⚠ (r retries) " + syncErrText(m.syncErr)
	}
	if ansi.StringWidth(text) > width {
		const more = "… ? shows all"
		text = ansi.Truncate(text, max(width-ansi.StringWidth(more), 0), "") + more
	}
	return m.sh.styles.StatusErr.Render(text)
}

// syncErrText is a sync's error on one line: one clause per bot that failed.
func syncErrText(err error) string {
	return safetext.Line(strings.ReplaceAll(err.Error(), "\n", "; "))
}

// permanent reports that trying again cannot help until the
// configuration changes: a wrong key or serial, a refused request.
func permanent(err error) bool {
	for _, e := range []error{api.ErrUnauthorized, api.ErrForbidden, api.ErrNotFound, api.ErrBadRequest} {
		if errors.Is(err, e) {
			return true
		}
	}
	return false
}

// footer is the short help of what has focus.
func (m Model) footer() string {
	k := m.sh.keys
	bindings := k.ShortHelp()
	switch {
	case m.showHelp:
		bindings = []key.Binding{hint("j/k", "scroll"), hint("esc", "close"), hint("ctrl+c", "quit")}
	case m.notes != nil && m.notes.typing():
		bindings = []key.Binding{hint("ctrl+s", "save"), hint("esc", "cancel")}
		if m.notes.dropping {
			bindings[1] = hint("esc", "drop the text")
		}
	case m.notes != nil:
		bindings = []key.Binding{hint("a", "add"), hint("e", "edit"), hint("dd", "delete"),
			hint("j/k", "move"), k.Undo, hint("esc", "close")}
	case m.overlay != nil && len(m.overlay.choices) == 0:
		bindings = []key.Binding{hint("enter", "ok"), hint("esc", "cancel")}
	case m.overlay != nil:
		bindings = []key.Binding{hint("↑↓", "move"), hint("enter", "choose"), hint("esc", "cancel")}
	case m.detailOpen:
		// Boxes float over an open lead too: theirs come first.
		bindings = []key.Binding{k.Scroll, k.Back}
		if m.detail.highlight != "" {
			bindings = append(bindings, k.NextMatch)
		}
		bindings = append(bindings, k.Help, k.Quit)
	case m.tab == tabSearch && m.typing():
		bindings = []key.Binding{hint("enter", "to the results"), hint("esc", "clear, then leave the box"), k.NextTab}
	case m.typing():
		bindings = []key.Binding{hint("enter", "keep the filter"), hint("esc", "clear it"), k.NextTab}
	case m.tab != tabLeads:
		// Triage keys act on leads: advertise them on the Leads tab only.
		bindings = []key.Binding{k.Move, k.Open, k.Filter, k.LeadsTab, k.Help, k.Quit}
		if m.tab == tabSearch {
			bindings = []key.Binding{k.Move, k.Open, hint("/", "new search"), k.LeadsTab, k.Help, k.Quit}
		}
	}
	return ansi.Truncate(m.help.ShortHelpView(bindings), m.sh.width, "…")
}

// scrolled is the first line shown after a scrolling key, from top on a
// page of page lines; the caller keeps it within the text.
func scrolled(top int, key string, page int) int {
	switch key {
	case "j", "down":
		top++
	case "k", "up":
		top--
	case "pgdown", "space", "ctrl+d":
		top += page
	case "pgup", "ctrl+u":
		top -= page
	case "g", "home":
		top = 0
	case "G", "end":
		top = 1 << 20
	}
	return max(top, 0)
}

// hint is a footer entry for a key handled outside the keymap.
func hint(keys, desc string) key.Binding {
	return key.NewBinding(key.WithKeys(keys), key.WithHelp(keys, desc))
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
				cells = append(cells, st.Help.FullKey.Render(fit(h.Key, keyW))+st.Help.FullDesc.Render(fit(h.Desc, cellW-keyW)))
			}
		}
	}
	cols := max(m.sh.width/cellW, 1)
	rows := (len(cells) + cols - 1) / cols
	lines := make([]string, rows)
	for i, c := range cells {
		lines[i%rows] += c
	}
	title := st.Title.Render("Keys") + st.Muted.Render("  (? or esc closes · j/k scroll)")
	if m.syncErr != nil {
		// The status line cuts a long error; here it is whole.
		title += "\n\n" + st.StatusErr.Width(m.sh.width).Render("The last sync failed: "+syncErrText(m.syncErr))
	}
	return title + "\n\n" + strings.Join(lines, "\n") + "\n\n" + strings.Join(m.helpNotes(), "\n")
}

// helpNotes are the keys of the boxes and menus, one entry each, wrapped
// to the screen.
func (m Model) helpNotes() []string {
	st := m.sh.styles
	notes := [][2]string{
		{"/ filter", "words narrow together · status:won · is:starred · is:unseen"},
		{"n notes", "a add · e edit · dd delete · ctrl+s save · esc close"},
		{"z snooze", "t tomorrow · w next week · x wake · or type YYYY-MM-DD"},
	}
	var out []string
	for _, n := range notes {
		// Wrapped, not cut: the help scrolls on a small screen.
		desc := st.Help.FullDesc.Width(max(m.sh.width-11, 10)).Render(n[1])
		out = append(out, lipgloss.JoinHorizontal(lipgloss.Top, st.Help.FullKey.Render(fit(n[0], 11)), desc))
	}
	return out
}
