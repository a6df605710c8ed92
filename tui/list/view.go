package list

import (
	"strconv"
	"strings"

	"github.com/charmbracelet/x/ansi"
)

// View draws exactly height lines of exactly width cells: the rows on screen
// (only those are rendered, whatever the list's length), then the filter bar
// while it is shown.
func (m Model) View() string {
	if m.height == 0 {
		return ""
	}
	lines := make([]string, 0, m.height)
	if m.headerLines() > 0 {
		lines = append(lines, m.fit(m.header(m.width)))
	}
	rows := m.listHeight()
	switch {
	case rows == 0:
	case len(m.items) == 0:
		empty := m.empty
		if empty == "" {
			empty = "nothing here yet"
		}
		lines = append(lines, m.fit(m.styles.Empty.Render(empty)))
	case m.VisibleLen() == 0:
		msg := "no matches for " + strconv.Quote(strings.Join(m.shown.words, " "))
		lines = append(lines, m.fit(m.styles.Empty.Render(msg)))
	default:
		end := min(m.offset+rows, m.VisibleLen())
		for row := m.offset; row < end; row++ {
			it := m.items[m.itemIndex(row)]
			lines = append(lines, m.fit(m.render(it, m.width, row == m.cursor, m.shown.words)))
		}
	}
	blank := strings.Repeat(" ", m.width)
	for len(lines) < rows+m.headerLines() {
		lines = append(lines, blank)
	}
	if m.filterBarShown() {
		lines = append(lines, m.filterBar())
	}
	return strings.Join(lines, "\n")
}

// filterBar draws "/ query▏   12/3400": the box, with a thin cursor while
// it has focus, and the match count at the right edge.
func (m Model) filterBar() string {
	prompt := m.styles.FilterPrompt.Render("/ ")
	n := strconv.Itoa(m.VisibleLen()) + "/" + strconv.Itoa(m.Len())
	if m.more {
		n += "…"
	}
	if m.shown.fuzzy && m.VisibleLen() > 0 {
		n = "≈ " + n // no exact match: these are near ones
	}
	count := m.styles.Count.Render(n)

	query := m.input.Value()
	if m.input.Focused() {
		r := []rune(query)
		pos := min(m.input.Position(), len(r))
		query = string(r[:pos]) + "▏" + string(r[pos:])
	}
	// Keep the end of a long query, where the typing happens.
	room := m.width - ansi.StringWidth(prompt) - ansi.StringWidth(count) - 2
	if w := ansi.StringWidth(query); w > room && room > 0 {
		query = ansi.TruncateLeft(query, w-room+1, "…")
	}
	left := prompt + m.styles.FilterText.Render(query)
	gap := max(m.width-ansi.StringWidth(left)-ansi.StringWidth(count), 1)
	return m.fit(left + strings.Repeat(" ", gap) + count)
}

// fit makes s one line of exactly m.width cells: a renderer's stray newline
// or overflow must not break the frame's geometry.
func (m Model) fit(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i]
	}
	w := Width(s)
	if w > m.width {
		s = ansi.Truncate(s, m.width, "")
		// A wide rune straddling the edge is dropped whole, leaving a gap.
		w = Width(s)
	}
	if w < m.width {
		s += strings.Repeat(" ", m.width-w)
	}
	return s
}
