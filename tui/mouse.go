package tui

import (
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
)

// The mouse, in Bubble Tea's cell-motion mode (off with mouse: false): the
// wheel scrolls what is under the pointer; a click selects a row or a tab,
// a click on the selected row opens it (so does a double click), and a
// click outside a dialog closes it. What is under the pointer comes from
// screenLayout, the rectangles render draws by.

// wheelLines is how far one step of the wheel scrolls, as in bubbles'
// viewport and most terminal programs.
const wheelLines = 3

// mouse handles a mouse message: wheel steps and left clicks; releases and
// motion mean nothing here.
func (m Model) mouse(msg tea.MouseMsg) (Model, tea.Cmd) {
	if m.sh.NoMouse || m.sh.width == 0 || m.tooSmall() {
		return m, nil
	}
	switch msg := msg.(type) {
	case tea.MouseWheelMsg:
		switch msg.Button {
		case tea.MouseWheelUp:
			return m.wheel(msg.X, msg.Y, -wheelLines)
		case tea.MouseWheelDown:
			return m.wheel(msg.X, msg.Y, wheelLines)
		}
	case tea.MouseClickMsg:
		if msg.Button == tea.MouseLeft {
			return m.click(msg.X, msg.Y)
		}
	}
	return m, nil
}

// wheel scrolls by n lines what is at x, y.
func (m Model) wheel(x, y, n int) (Model, tea.Cmd) {
	lay := m.screenLayout()
	switch {
	case m.dialog != nil:
		if h, ok := m.dialog.(*helpScreen); ok {
			h.scroll(n) // the others are short enough to show whole
		}
		return m, nil
	case lay.detail.has(x, y):
		m.detail.transcript.Scroll(n)
		return m, nil
	case !lay.left.has(x, y) || m.botless():
		return m, nil
	}
	switch m.tab {
	case tabStats:
		m.stats.scroll(n)
		return m, nil
	case tabSearch:
		m.search.results.Scroll(n)
		return m, m.search.readMore()
	}
	m.activeList().Scroll(n)
	return m, m.moved()
}

// click acts on a left click at x, y.
func (m Model) click(x, y int) (Model, tea.Cmd) {
	lay := m.screenLayout()
	switch {
	case m.dialog != nil:
		return m.clickAround(x, y, lay.body)
	case lay.tabs.has(x, y):
		if t, ok := m.tabAt(x); ok {
			return m.switchTab(t)
		}
		return m, nil
	case lay.detail.has(x, y):
		// The pane beside the list takes the keys, as on enter.
		if m.split() && !m.detailOpen && m.tab != tabSearch {
			return m.openSelected()
		}
		return m, nil
	case !lay.left.has(x, y) || m.botless():
		return m, nil
	}
	switch m.tab {
	case tabSearch:
		return m.clickSearch(y - lay.left.y)
	case tabStats:
		return m, nil
	}
	return m.clickRow(y - lay.left.y)
}

// clickRow selects the row on line y of the active list, or opens it if it
// was selected already. While the filter box has the keys, a click only
// selects: enter there keeps the filter.
func (m Model) clickRow(y int) (Model, tea.Cmd) {
	l := m.activeList()
	before, had := l.Selected()
	it, ok := l.SelectAt(y)
	switch {
	case !ok:
		return m, nil
	case had && it.Key() == before.Key() && !l.Filtering():
		return m.openSelected()
	}
	m.detailOpen = false // the list has the keys again
	return m, m.moved()
}

// clickSearch acts on line y of the Search tab: the query box takes the
// keys; a result is selected, or opened when it was selected already.
func (m Model) clickSearch(y int) (Model, tea.Cmd) {
	s := &m.search
	if y < searchHead {
		if y == 0 {
			return m, s.focus()
		}
		return m, nil
	}
	before, had := s.results.Selected()
	typing := s.typing()
	it, ok := s.results.SelectAt(y - searchHead)
	if !ok {
		return m, nil
	}
	s.blur()
	if had && it.Key() == before.Key() && !typing {
		return m, s.openSelected()
	}
	return m, s.readMore()
}

// clickAround closes the dialog on a click outside it (in body, the
// rectangle it is drawn in), unless that would drop a note being written.
func (m Model) clickAround(x, y int, body rect) (Model, tea.Cmd) {
	a := m.dialog.area(body.w, body.h)
	if (rect{body.x + a.x, body.y + a.y, a.w, a.h}).has(x, y) {
		return m, nil
	}
	if n, ok := m.dialog.(*notesModel); ok && n.unsaved() {
		m.flash("your note is not saved: ctrl+s saves it, esc twice drops it", true)
		return m, nil
	}
	m.dialog = nil
	return m, nil
}

// tabAt is the tab whose title the tab bar draws at column x.
func (m Model) tabAt(x int) (tab, bool) {
	for i, label := range m.tabLabels() {
		w := ansi.StringWidth(label)
		if x < w {
			return tab(i), true
		}
		x -= w
	}
	return 0, false
}
