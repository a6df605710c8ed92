package list

// SetRender replaces the row renderer (the app's styles changed).
func (m *Model) SetRender(render RenderFunc) { m.render = render }

// SetStyles replaces the list's own styles.
func (m *Model) SetStyles(styles Styles) { m.styles = styles }

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
