package list

// SetRender replaces the row renderer (the app's styles changed).
func (m *Model) SetRender(render RenderFunc) { m.render = render }

// SetStyles replaces the list's own styles.
func (m *Model) SetStyles(styles Styles) { m.styles = &styles }

// AtEnd reports whether the cursor is on the last visible row: the app
// loads older history then.
func (m Model) AtEnd() bool {
	n := m.VisibleLen()
	return n > 0 && m.cursor == n-1
}

// Visible returns the items the filter shows, in order (for export).
func (m Model) Visible() []Item {
	out := make([]Item, m.VisibleLen())
	for row := range out {
		out[row] = m.items[m.itemIndex(row)]
	}
	return out
}

// SelectNext moves the cursor from where it is, one row at a time in
// direction dir (1 down, -1 up), to the first visible item for which ok
// holds, and returns it; with none, the cursor stays.
func (m *Model) SelectNext(dir int, ok func(Item) bool) (Item, bool) {
	for row := m.cursor + dir; row >= 0 && row < m.VisibleLen(); row += dir {
		if it := m.items[m.itemIndex(row)]; ok(it) {
			m.cursor = row
			m.scrollToCursor()
			return it, true
		}
	}
	return nil, false
}

// SetMore says that the items are the first of more still loading, until
// the next SetRows: the filter bar's count says so ("12/300…"), as a count
// of the app's should, so that nobody takes a part for the whole.
func (m *Model) SetMore(more bool) { m.more = more }

// More reports whether more items are still loading (see SetMore).
func (m Model) More() bool { return m.more }
