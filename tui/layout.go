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
	m.help.SetWidth(w)
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

// bodyHeight is the screen less the tab bar (2 lines), status and footer.
func (m Model) bodyHeight() int { return max(m.sh.height-4, 1) }

// open puts d up, sized to the screen.
func (m *Model) open(d dialog) {
	d.setSize(m.sh.width, m.sh.height)
	m.dialog = d
}
