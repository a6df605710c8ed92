package tui

import (
	tea "charm.land/bubbletea/v2"

	"github.com/neotui/neotui/tui/list"
)

// The root's layout: the list beside the detail on a wide screen, or one
// of them on a narrow one; which list has the keys; what the detail shows.

func (m Model) split() bool { return m.sh.width >= splitWidth }

// tooSmall reports a terminal too small to draw the browser in.
func (m Model) tooSmall() bool {
	return m.sh.width > 0 && (m.sh.width < minWidth || m.sh.height < minHeight)
}

// botless reports the All bots inbox on a tab whose data is per bot: a
// sentence stands where the list would.
func (m Model) botless() bool { return m.sh.allBots && m.tab != tabLeads && !m.detailOpen }

// activeList is the list of the current tab (nil on Search).
func (m *Model) activeList() *list.Model {
	switch m.tab {
	case tabLeads:
		return &m.leads.list
	case tabSessions:
		return &m.sessions.list
	}
	return nil
}

// selectionKey identifies what the detail should show for the current tab.
func (m Model) selectionKey() string {
	if l := m.activeList(); l != nil {
		if it, ok := l.Selected(); ok {
			return it.Key()
		}
	}
	return ""
}

// follow points the detail at the selected row, when the detail is beside
// the list or open.
func (m *Model) follow() tea.Cmd {
	if !m.split() && !m.detailOpen {
		return nil
	}
	switch m.tab {
	case tabLeads:
		l, ok := m.leads.selected()
		switch {
		case !ok: // none, or the separator
		case m.detail.lead == nil || m.detail.lead.Key != l.Key:
			return m.detail.showLead(l)
		default:
			m.detail.lead = &l // fresher triage, same lead
		}
	case tabSessions:
		if id, ok := m.sessions.selectedID(); ok && (m.detail.lead != nil || m.detail.sessionID != id) {
			return m.detail.showSession(id, "", -1)
		}
	}
	return nil
}

// layout gives every child its size.
func (m *Model) layout() tea.Cmd {
	w, h := m.sh.width, m.bodyHeight()
	listW := m.listWidth()
	inner := listW
	if m.split() {
		inner-- // a gap before the pane's border
	}
	m.leads.list.SetSize(inner, h)
	m.sessions.list.SetSize(inner, h)
	m.search.setSize(inner, h)
	m.stats.setSize(w, h) // the whole width: no pane beside it
	if m.dialog != nil {
		m.dialog.setSize(w, m.sh.height)
	}
	detailW := w
	if m.split() {
		detailW = w - listW - 2 // the pane's border and padding
	}
	return m.detail.setSize(detailW, h)
}

// listWidth is the list's share of the screen.
func (m Model) listWidth() int {
	if m.split() {
		return m.sh.width / 2
	}
	return m.sh.width
}

// The frame's lines around the body: the tab bar (its titles, then its
// border) above, the status line and the footer below.
const tabBarLines, belowBody = 2, 2

// bodyHeight is the screen less the tab bar, status and footer.
func (m Model) bodyHeight() int { return max(m.sh.height-tabBarLines-belowBody, 1) }

// rect is a block of the screen, in cells from its top-left corner.
type rect struct{ x, y, w, h int }

func (r rect) has(x, y int) bool { return x >= r.x && x < r.x+r.w && y >= r.y && y < r.y+r.h }

// screenLayout is where the frame draws each block. render draws by it and
// the mouse finds what is under the pointer with it, so that the two agree.
type screenLayout struct {
	tabs rect // the line of the tab titles
	body rect // between the tab bar and the status line
	// left is the list, the search or the stats page; detail the pane
	// beside it (its border included) or, narrow, in its place. Either is
	// zero when not drawn.
	left, detail rect
}

func (m Model) screenLayout() screenLayout {
	w, h := m.sh.width, m.bodyHeight()
	l := screenLayout{tabs: rect{0, 0, w, 1}, body: rect{0, tabBarLines, w, h}}
	switch {
	case m.tab == tabStats || (!m.split() && !m.detailOpen):
		l.left = l.body // the stats page has no pane beside it
	case !m.split():
		l.detail = l.body
	default:
		lw := m.listWidth()
		l.left = rect{0, tabBarLines, lw, h}
		l.detail = rect{lw, tabBarLines, w - lw, h}
	}
	return l
}

// open puts d up, sized to the screen.
func (m *Model) open(d dialog) {
	d.setSize(m.sh.width, m.sh.height)
	m.dialog = d
}
