package list

// The mouse: the app knows which line of the list's view is under the
// pointer; the list knows what it draws on that line.

// SelectAt moves the cursor to the row drawn on line y of View (0 is its
// first line) and returns that row's item; false for a line without one
// (the header, blank lines, the empty list's message, the filter bar).
func (m *Model) SelectAt(y int) (Item, bool) {
	y -= m.headerLines()
	row := m.offset + y
	if y < 0 || y >= m.listHeight() || row >= m.VisibleLen() {
		return nil, false
	}
	m.cursor = row
	m.scrollToCursor()
	return m.items[m.itemIndex(row)], true
}

// Scroll moves the rows up by n lines (down for a negative n), as a mouse
// wheel does, the cursor with them: it keeps its place on screen until the
// list's end stops the rows, and then goes on to the first or last row.
func (m *Model) Scroll(n int) {
	m.offset += n
	m.cursor += n
	m.scrollToCursor()
}
