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
