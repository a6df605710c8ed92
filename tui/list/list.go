// Package list is a list model with a live filter that stays fast at 100k
// items: View draws only the rows on screen, and filtering runs over
// haystacks lower-cased once, off the update loop, dropping stale results.
// It replaces bubbles' list, whose paginator and filter do not scale.
package list

import (
	"runtime"
	"slices"
	"sync/atomic"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
)

// Item is one row. FilterText is what the live filter searches (already
// sanitized, single-line; e.g. name, email, phone, content, page and session
// ID joined by spaces); it must not change for the item's life. Key
// identifies the item across reloads.
type Item interface {
	FilterText() string
	Key() string
}

// Suffixed is an Item whose filter text goes on, after a space, with its
// FilterSuffix: text that many items hold alike, such as the page a visitor
// was on, so that each shares one copy rather than holding its own inside
// FilterText. The live filter searches the two as one text.
type Suffixed interface {
	Item
	FilterSuffix() string
}

// Appender is an Item that writes its filter text rather than holding it:
// AppendFilterText appends to dst what FilterText returns. The list reads
// such an item's text through it, into scratch of its own, when it indexes
// the items: the item need not keep a joined copy of its fields (its
// record's, which it holds anyway) for its whole life.
type Appender interface {
	Item
	AppendFilterText(dst []byte) []byte
}

// RenderFunc draws one row at exactly width cells (the list pads or
// truncates if it doesn't). terms are the active filter words, lower-cased,
// so the renderer can highlight them (see Highlight).
type RenderFunc func(item Item, width int, selected bool, terms []string) string

// Styles style the filter bar and the empty states. Match is for renderers
// to pass to Highlight.
type Styles struct {
	FilterPrompt, FilterText, Count, Empty, Match lipgloss.Style
}

// syncFilterMax is the list size below which Update filters synchronously:
// a few thousand items filter in well under a millisecond, and answering at
// once spares a frame of stale rows and a round trip through the runtime.
const syncFilterMax = 5000

// Model is the list. The zero value is not usable; call New.
type Model struct {
	render RenderFunc
	// styles and input are shared by the list's copies and never changed in
	// place: new ones replace them (SetStyles, editInput). By value they
	// made the list 12 KB, copied whole with every message that passes
	// through the app's model.
	styles *Styles
	keys   KeyMap
	input  *textinput.Model

	items  []Item
	corpus *corpus
	// shown is the applied filter; with no words, every item is shown in
	// order and rows is unused.
	shown result
	// seq numbers filter requests; a filteredMsg with any other seq answers
	// a superseded query (or older items) and is dropped.
	seq int
	// id tells this list's filter results from another list's.
	id int

	cursor int // selected row, an index into the visible rows
	offset int // first visible row on screen

	width, height int

	empty string // what an empty list says; see SetEmpty
	more  bool   // the items are the first of more still loading; see SetMore

	header HeaderFunc // the column headers' line above the rows; see SetHeader
}

// HeaderFunc draws the line above the rows at exactly width cells: the
// columns' headers, which never scroll.
type HeaderFunc func(width int) string

// SetHeader gives the list a header line above its rows (nil: none). It
// takes a line of the list's height, when there are two or more.
func (m *Model) SetHeader(h HeaderFunc) {
	m.header = h
	m.scrollToCursor()
}

// SetEmpty sets what the list says when it has no items ("nothing here
// yet" until set): a placeholder that tells why, and what to do.
func (m *Model) SetEmpty(text string) { m.empty = text }

// lastID numbers lists.
var lastID atomic.Int64

// New returns an empty list; give it items with SetItems and a size with
// SetSize.
func New(render RenderFunc, styles Styles, keys KeyMap) Model {
	in := textinput.New()
	in.Prompt = ""
	// The list draws the box itself (see filterBar): no blinking cursor means
	// no timer messages and no redraws over SSH while the box is idle.
	in.SetVirtualCursor(false)
	return Model{render: render, styles: &styles, keys: keys, input: &in, corpus: newCorpus(nil, nil, nil),
		id: int(lastID.Add(1))}
}

// Rows are items with the index the live filter searches. Build them with
// NewRows in a command, off the update loop: indexing 100k items takes tens
// of milliseconds, a few frames.
type Rows struct {
	items  []Item
	corpus *corpus
}

// NewRows indexes items (newest first). prev, the rows shown so far (see
// Model.Rows), lends the index of the items at its end whose texts have not
// changed: a reload that adds items at the top costs little more than a copy.
// It only reads prev, so the model may go on using it.
func NewRows(items []Item, prev Rows) Rows {
	return Rows{items: items, corpus: newCorpus(items, prev.corpus, prev.items)}
}

// Len is the number of items.
func (r Rows) Len() int { return len(r.items) }

// Items are the items, in order: not to be changed.
func (r Rows) Items() []Item { return r.items }

// Rows are the items shown, with their index: prev for the next NewRows.
func (m Model) Rows() Rows { return Rows{items: m.items, corpus: m.corpus} }

// SetItems is SetRows of items indexed here, on the update loop: for lists
// of a few thousand items.
func (m *Model) SetItems(items []Item) tea.Cmd { return m.SetRows(NewRows(items, m.Rows())) }

// SetRows replaces the items. The cursor stays on the same Key if it is
// still there; otherwise it keeps its index, clamped. A list showing its top
// keeps showing it, so that new rows merging in above are seen; one scrolled
// down keeps the cursor at its place on screen, so that they do not move the
// rows being read.
// A filter is kept and re-applied at once, because a result still in flight
// indexes the old items. The returned command is nil for now; batch it anyway,
// so that SetRows can move work off the update loop without callers changing.
func (m *Model) SetRows(r Rows) tea.Cmd {
	sel, hadSel := m.Selected()
	line, atTop := m.cursor-m.offset, m.offset == 0

	if r.corpus == nil { // the zero Rows: no items
		r = NewRows(nil, Rows{})
	}
	m.corpus, m.items, m.more = r.corpus, r.items, false
	m.seq++ // drops results computed over the old items
	m.shown = result{}
	if words := parseQuery(m.input.Value()); len(words) > 0 {
		m.shown = m.corpus.filter(words, result{})
	}

	row := -1
	if hadSel {
		row = m.rowOf(sel.Key())
	}
	if row < 0 {
		row = m.cursor
	}
	m.cursor = row
	m.offset = row - line
	if atTop {
		m.offset = 0
	}
	m.releaseNotes() // a kept filter's, over the new rows: the load collects
	m.scrollToCursor()
	return nil
}

// SetSize sets the size in cells. height includes the filter bar's line.
func (m *Model) SetSize(width, height int) {
	m.width, m.height = max(width, 0), max(height, 0)
	m.scrollToCursor()
}

// Selected returns the item under the cursor; false when nothing is visible.
func (m Model) Selected() (Item, bool) {
	if m.VisibleLen() == 0 {
		return nil, false
	}
	return m.items[m.itemIndex(m.cursor)], true
}

// Cursor is the visible row under the cursor.
func (m Model) Cursor() int { return m.cursor }

// Select moves the cursor to the item with key and reports whether it is
// visible; a filtered-out or unknown key leaves the cursor where it is.
func (m *Model) Select(key string) bool {
	row := m.rowOf(key)
	if row < 0 {
		return false
	}
	m.cursor = row
	m.scrollToCursor()
	return true
}

// Filtering reports whether the filter box has focus. The app must not act
// on global keys then: q is a letter.
func (m Model) Filtering() bool { return m.input.Focused() }

// FilterValue is the text in the filter box.
func (m Model) FilterValue() string { return m.input.Value() }

// Len is the number of items.
func (m Model) Len() int { return len(m.items) }

// Narrowed reports whether a filter leaves out items (VisibleLen counts
// what it lets through).
func (m Model) Narrowed() bool { return len(m.shown.words) > 0 }

// VisibleLen is the number of items the filter lets through.
func (m Model) VisibleLen() int {
	if len(m.shown.words) == 0 {
		return len(m.items)
	}
	return len(m.shown.rows)
}

// VisibleItem is the item of a visible row, in the order shown.
func (m Model) VisibleItem(row int) Item { return m.items[m.itemIndex(row)] }

// itemIndex maps a visible row to its index in items.
func (m Model) itemIndex(row int) int {
	if len(m.shown.words) == 0 {
		return row
	}
	return int(m.shown.rows[row])
}

// rowOf returns the visible row of the item with key, or -1. It is a linear
// scan: it runs on reloads and selections, not per frame.
func (m Model) rowOf(key string) int {
	for row := range m.VisibleLen() {
		if m.items[m.itemIndex(row)].Key() == key {
			return row
		}
	}
	return -1
}

// Update handles keys, pastes into the filter box and filter results.
func (m Model) Update(msg tea.Msg) (Model, tea.Cmd) {
	switch msg := msg.(type) {
	case filteredMsg:
		if msg.list != m.id {
			return m, nil
		}
		if msg.seq == m.seq {
			m.apply(msg.result)
		}
		// A result that came after enter or esc, even one no longer
		// wanted, may have kept notes since they were let go of.
		return m, m.doneTyping()
	case tea.KeyPressMsg:
		if m.input.Focused() {
			return m.updateFilter(msg)
		}
		return m.updateBrowse(msg)
	}
	if m.input.Focused() {
		return m.updateInput(msg) // pastes and the like
	}
	return m, nil
}

func (m Model) updateBrowse(msg tea.KeyPressMsg) (Model, tea.Cmd) {
	page := max(m.listHeight(), 1)
	switch {
	case key.Matches(msg, m.keys.Up):
		m.cursor--
	case key.Matches(msg, m.keys.Down):
		m.cursor++
	case key.Matches(msg, m.keys.PageUp):
		// Scroll the page with the cursor, as less does, so rows keep their
		// place relative to it.
		m.cursor -= page
		m.offset -= page
	case key.Matches(msg, m.keys.PageDown):
		m.cursor += page
		m.offset += page
	case key.Matches(msg, m.keys.Top):
		m.cursor = 0
	case key.Matches(msg, m.keys.Bottom):
		m.cursor = m.VisibleLen() - 1
	case key.Matches(msg, m.keys.Filter):
		m.editInput(func(in *textinput.Model) {
			in.CursorEnd()
			in.Focus()
		})
	case key.Matches(msg, m.keys.ClearFilter) && m.FilterValue() != "":
		// With no filter, esc is left to the app (back).
		return m, m.clearFilter()
	}
	m.scrollToCursor()
	return m, nil
}

func (m Model) updateFilter(msg tea.KeyPressMsg) (Model, tea.Cmd) {
	switch {
	case key.Matches(msg, m.keys.ClearFilter):
		return m, m.clearFilter()
	case key.Matches(msg, m.keys.AcceptFilter):
		m.editInput(func(in *textinput.Model) {
			in.Blur()
			if len(parseQuery(in.Value())) == 0 {
				in.Reset() // nothing to keep: hide the bar
			}
		})
		m.scrollToCursor()
		return m, m.doneTyping()
	case msg.Text == "" && key.Matches(msg, m.keys.Up, m.keys.Down):
		// Arrows move through the matches while typing; j and k are text.
		return m.updateBrowse(msg)
	}
	return m.updateInput(msg)
}

// updateInput passes msg to the filter box and filters again if the text
// changed.
func (m Model) updateInput(msg tea.Msg) (Model, tea.Cmd) {
	before := m.input.Value()
	var cmd tea.Cmd
	m.editInput(func(in *textinput.Model) { *in, cmd = in.Update(msg) })
	if m.input.Value() != before {
		cmd = tea.Batch(cmd, m.refilter())
	}
	return m, cmd
}

// editInput changes the filter box on a copy of it: the list is a value,
// and its earlier copies keep the box they had, as when it was held by
// value (a shallow copy: bubbles may still write in the text's runes,
// which copies share either way).
func (m *Model) editInput(edit func(*textinput.Model)) {
	in := *m.input
	edit(&in)
	m.input = &in
}

// refilter requests the filter for the text in the box: at once for small
// lists, otherwise as a command whose result Update applies if still newest.
func (m *Model) refilter() tea.Cmd {
	m.seq++
	words := parseQuery(m.input.Value())
	switch {
	case slices.Equal(words, m.shown.words):
		return nil // e.g. a trailing space: the shown result is right
	case len(words) == 0:
		m.apply(result{})
		return nil
	case len(m.items) < syncFilterMax:
		m.apply(m.corpus.filter(words, m.shown))
		return nil
	}
	c, prev, id, seq := m.corpus, m.shown, m.id, m.seq
	return func() tea.Msg {
		return filteredMsg{list: id, seq: seq, result: c.filter(words, prev)}
	}
}

// apply shows a new filter result from its first row: the newest match, or
// the best fuzzy one.
func (m *Model) apply(r result) {
	m.shown = r
	m.cursor, m.offset = 0, 0
	m.scrollToCursor()
}

// clearFilter empties and leaves the box, keeping the selected item
// selected in the full list.
func (m *Model) clearFilter() tea.Cmd {
	m.editInput(func(in *textinput.Model) {
		in.Reset()
		in.Blur()
	})
	m.seq++ // drops a result still in flight
	if len(m.shown.words) > 0 {
		if m.VisibleLen() > 0 {
			// The selected item's index is its row in the full list.
			m.cursor = m.itemIndex(m.cursor)
		}
		m.shown = result{}
		// Centre the restored selection rather than pin it to an edge.
		m.offset = m.cursor - m.listHeight()/2
	}
	m.scrollToCursor()
	return m.doneTyping()
}

// collectNotesMin is how many rows' notes (20 bytes each: 1 MB) are worth
// a collection once let go.
const collectNotesMin = 50_000

// doneTyping lets the corpus go of its notes, the filter no longer typed.
// Many are collected at once, with the typing's other garbage (its results,
// its scratch), in a command, concurrently: the heap's goal then follows
// what the list keeps, not the peak of the typing, and the memory the
// typing held is what the next allocations reuse.
func (m *Model) doneTyping() tea.Cmd {
	if m.releaseNotes() < collectNotesMin {
		return nil
	}
	return collect
}

// releaseNotes lets the corpus go of its notes and its searches' scratch
// unless the filter is being typed: they serve typing on alone (see
// noteStore.release). It returns how many rows' notes it let go of.
func (m *Model) releaseNotes() int {
	if m.input.Focused() {
		return 0
	}
	return m.corpus.release()
}

func collect() tea.Msg {
	runtime.GC()
	return nil
}

// filterBarShown reports whether the bar takes a line: while typing, and
// while a kept filter applies.
func (m Model) filterBarShown() bool {
	return m.input.Focused() || m.input.Value() != ""
}

// listHeight is the number of lines for rows.
func (m Model) listHeight() int {
	h := m.height - m.headerLines()
	if m.filterBarShown() {
		h--
	}
	return max(h, 0)
}

// headerLines is 1 when the header line is drawn: with a header and room
// for a row beneath it.
func (m Model) headerLines() int {
	if m.header != nil && m.height >= 2 {
		return 1
	}
	return 0
}

// scrollToCursor clamps the cursor to the visible rows and moves the offset
// as little as needed to show it, without leaving blank lines at the bottom
// that rows could fill.
func (m *Model) scrollToCursor() {
	n, rows := m.VisibleLen(), m.listHeight()
	m.cursor = clamp(m.cursor, 0, n-1)
	if m.cursor < m.offset {
		m.offset = m.cursor
	}
	if rows > 0 && m.cursor >= m.offset+rows {
		m.offset = m.cursor - rows + 1
	}
	m.offset = clamp(m.offset, 0, n-rows)
}

// clamp limits v to [lo, hi]; lo wins when hi < lo.
func clamp(v, lo, hi int) int {
	return max(lo, min(v, hi))
}
