// Package transcript shows one conversation as a scrollable column of
// messages: the AI's replies as rendered Markdown in panes on the left, the
// visitor's messages as plain text in panes on the right, anything else as a
// muted note.
//
// Rendering Markdown is slow (glamour manages ~0.4 MB/s), so blocks are
// rendered once per (message, width, background) and cached. Setting a
// session or a size renders on the spot only what fills the screen and
// returns a command that renders the rest in the background; View only
// slices lines.
package transcript

import (
	"reflect"
	"slices"
	"sort"
	"strings"
	"sync/atomic"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/neotui/neotui/api"
	"github.com/neotui/neotui/internal/safetext"
)

// Model is the transcript viewer. Create it with New.
type Model struct {
	KeyMap KeyMap

	styles        *Styles // shared by copies: replaced, never changed in place
	isDark        bool
	width, height int

	session api.Session
	entries []entry

	// cache holds rendered blocks. Copies of the model share it, and only the
	// Update goroutine touches it: background renders return theirs in a
	// renderedMsg.
	cache map[cacheKey]*block
	rend  *renderer      // for the Update goroutine, at (width, isDark, styles)
	gen   uint64         // bumped whenever what a block looks like changes
	live  *atomic.Uint64 // gen, for background renders to notice they are stale

	// The document: the rendered blocks around the one being read, in order,
	// a blank line between them. Block first+j starts at line starts[j].
	lines  []string
	starts []int
	first  int
	offset int // the first line on screen
	anchor int // the block to show first while nothing is laid out

	term    string
	matches []int // the messages containing term
	current int   // the match last jumped to; -1 once the reader scrolls
}

type cacheKey struct {
	index, width int
	dark         bool
}

// New returns a transcript showing nothing, with styles for a dark or light
// background.
func New(styles Styles, isDark bool) Model {
	return Model{
		KeyMap:  DefaultKeyMap(),
		styles:  &styles,
		isDark:  isDark,
		cache:   make(map[cacheKey]*block),
		live:    new(atomic.Uint64),
		current: -1,
	}
}

// SessionID is the ID of the conversation shown.
func (m Model) SessionID() int64 { return m.session.SessionID }

// messages

// renderedMsg carries blocks rendered off the Update goroutine, tagged with
// what they were rendered for so that stale ones are dropped.
type renderedMsg struct {
	session int64
	width   int
	dark    bool
	gen     uint64
	blocks  map[int]*block
}

// commands

// renderRest returns a command rendering, with its own renderer, every block
// not yet rendered for the current width and background; nil if none.
func (m *Model) renderRest() tea.Cmd {
	if m.width <= 0 {
		return nil
	}
	var todo []int
	for i := range m.entries {
		if !m.rendered(i) {
			todo = append(todo, i)
		}
	}
	if len(todo) == 0 {
		return nil
	}
	entries, st, live := m.entries, m.styles, m.live
	tag := renderedMsg{session: m.session.SessionID, width: m.width, dark: m.isDark, gen: m.gen}
	return func() tea.Msg {
		r := newRenderer(tag.width, tag.dark, *st)
		tag.blocks = make(map[int]*block, len(todo))
		for _, i := range todo {
			if live.Load() != tag.gen {
				return nil // superseded: a newer session, size or theme
			}
			tag.blocks[i] = r.block(entries[i])
		}
		return tag
	}
}

// setters

// SetSession shows s, from its first message — or, when s is the session
// already shown (a refresh), where the reader was, keeping what is rendered
// of messages that did not change.
func (m *Model) SetSession(s api.Session) tea.Cmd {
	m.init()
	entries := make([]entry, len(s.Messages))
	for i, msg := range s.Messages {
		entries[i] = newEntry(msg)
	}
	anchor, line := 0, 0
	if m.entries != nil && s.SessionID == m.session.SessionID {
		for k := range m.cache {
			if k.index >= len(entries) || k.index >= len(m.entries) || entries[k.index] != m.entries[k.index] {
				delete(m.cache, k)
			}
		}
		anchor, line = m.position()
		anchor = min(anchor, max(len(entries)-1, 0))
	} else {
		clear(m.cache)
	}
	m.session, m.entries = s, entries
	m.matches, m.current = m.find(m.term), -1
	return m.show(anchor, line)
}

// SetSize sets the size of the view. A new width renders again, from the
// message at the top.
func (m *Model) SetSize(width, height int) tea.Cmd {
	m.init()
	width, height = max(width, 0), max(height, 0)
	if width == m.width && height == m.height {
		return nil
	}
	anchor, line := m.position()
	if width != m.width {
		m.width, m.height, m.rend = width, height, nil
		return m.show(anchor, 0)
	}
	m.height = height
	m.fill(anchor, line)
	m.rebuild(anchor, line)
	return nil
}

// SetDark switches the transcript to a dark or light background and its
// styles. Blocks are cached per background, so switching back costs nothing
// unless the styles changed too.
func (m *Model) SetDark(isDark bool, styles Styles) tea.Cmd {
	m.init()
	same := reflect.DeepEqual(styles, *m.styles)
	if same && isDark == m.isDark {
		return nil
	}
	if !same {
		clear(m.cache)
	}
	m.isDark, m.styles, m.rend = isDark, &styles, nil
	return m.show(m.position())
}

// SetHighlight marks the case-insensitive occurrences of term in the messages
// that contain it, and returns how many messages do; "" clears it. Matching
// is on a message's text as written (Markdown included), so a term split by
// formatting or by a line wrap is counted but not marked.
func (m *Model) SetHighlight(term string) int {
	m.init()
	m.term = term
	m.matches, m.current = m.find(term), -1
	m.rebuild(m.position())
	return len(m.matches)
}

// ScrollToMessage brings message i to the top, or as near as the end of the
// conversation allows.
func (m *Model) ScrollToMessage(i int) {
	m.init()
	m.jump(i)
	m.current = -1
	if _, ok := slices.BinarySearch(m.matches, i); ok {
		m.current = i
	}
}

// NextMatch scrolls to the next message containing the highlighted term, and
// reports whether there was one.
func (m *Model) NextMatch() bool {
	j, _ := slices.BinarySearch(m.matches, m.matchFrom()+1)
	if j == len(m.matches) {
		return false
	}
	m.ScrollToMessage(m.matches[j])
	return true
}

// PrevMatch scrolls to the previous message containing the highlighted term,
// and reports whether there was one.
func (m *Model) PrevMatch() bool {
	j, _ := slices.BinarySearch(m.matches, m.matchFrom())
	if j == 0 {
		return false
	}
	m.ScrollToMessage(m.matches[j-1])
	return true
}

// MatchPosition is which match was last jumped to, from 1, and how many
// messages hold the term; k is 0 before any jump or after scrolling.
func (m Model) MatchPosition() (k, n int) {
	if j, ok := slices.BinarySearch(m.matches, m.current); ok && m.current >= 0 {
		k = j + 1
	}
	return k, len(m.matches)
}

// matchFrom is where stepping through matches starts: the match last jumped
// to, or the message at the top once the reader has scrolled.
func (m *Model) matchFrom() int {
	if m.current >= 0 {
		return m.current
	}
	i, _ := m.position()
	return i
}

// update

// Update scrolls on keys and takes in background renders.
func (m Model) Update(msg tea.Msg) (Model, tea.Cmd) {
	switch msg := msg.(type) {
	case renderedMsg:
		if msg.session != m.session.SessionID || msg.width != m.width || msg.dark != m.isDark || msg.gen != m.gen {
			return m, nil
		}
		for i, b := range msg.blocks {
			m.cache[cacheKey{i, msg.width, msg.dark}] = b
		}
		m.rebuild(m.position())
	case tea.KeyPressMsg:
		half := max(m.height/2, 1)
		switch {
		case key.Matches(msg, m.KeyMap.Up):
			m.scroll(-1)
		case key.Matches(msg, m.KeyMap.Down):
			m.scroll(1)
		case key.Matches(msg, m.KeyMap.PageUp):
			m.scroll(-max(m.height, 1))
		case key.Matches(msg, m.KeyMap.PageDown):
			m.scroll(max(m.height, 1))
		case key.Matches(msg, m.KeyMap.HalfPageUp):
			m.scroll(-half)
		case key.Matches(msg, m.KeyMap.HalfPageDown):
			m.scroll(half)
		case key.Matches(msg, m.KeyMap.Top):
			m.jump(0)
		case key.Matches(msg, m.KeyMap.Bottom):
			m.jump(len(m.entries) - 1)
			m.offset = m.maxOffset()
		default:
			return m, nil
		}
		m.current = -1
	}
	return m, nil
}

// init makes the zero Model usable.
func (m *Model) init() {
	if m.cache == nil {
		*m = New(DefaultStyles(true), true)
	}
}

// show renders on the spot what the screen needs from line `line` of block
// anchor on, lays it out, and returns the command rendering the rest. Every
// change of what blocks look like goes through here and bumps gen, so that
// renders for what was before are dropped.
func (m *Model) show(anchor, line int) tea.Cmd {
	m.gen++
	m.live.Store(m.gen)
	m.fill(anchor, line)
	m.rebuild(anchor, line)
	return m.renderRest()
}

// fill renders, on the spot, the blocks that fill the screen from line
// `line` of block anchor: those below, then those above if the conversation
// ends first.
func (m *Model) fill(anchor, line int) {
	if m.width <= 0 || m.height <= 0 {
		return
	}
	n := -line
	for i := anchor; i < len(m.entries) && n < m.height; i++ {
		n += len(m.block(i).lines) + 1
	}
	for i := anchor - 1; i >= 0 && n < m.height; i-- {
		n += len(m.block(i).lines) + 1
	}
}

// block returns block i, rendering it on the spot if it is not cached.
func (m *Model) block(i int) *block {
	k := cacheKey{i, m.width, m.isDark}
	if b, ok := m.cache[k]; ok {
		return b
	}
	if m.rend == nil {
		m.rend = newRenderer(m.width, m.isDark, *m.styles)
	}
	b := m.rend.block(m.entries[i])
	m.cache[k] = b
	return b
}

func (m *Model) rendered(i int) bool {
	_, ok := m.cache[cacheKey{i, m.width, m.isDark}]
	return ok
}

// rebuild lays out the rendered blocks around block anchor and puts line
// `line` of it at the top of the screen. It makes new slices: copies of the
// model may still show the old ones.
func (m *Model) rebuild(anchor, line int) {
	m.anchor, m.lines, m.starts, m.first, m.offset = anchor, nil, nil, anchor, 0
	switch {
	case m.width <= 0:
		return
	case len(m.entries) == 0:
		m.lines = []string{emptyLine(*m.styles, m.width)}
		return
	case !m.rendered(anchor):
		return
	}
	lo, hi := anchor, anchor+1
	for lo > 0 && m.rendered(lo-1) {
		lo--
	}
	for hi < len(m.entries) && m.rendered(hi) {
		hi++
	}
	m.first = lo
	for i := lo; i < hi; i++ {
		if i > lo {
			m.lines = append(m.lines, "")
		}
		m.starts = append(m.starts, len(m.lines))
		b := m.block(i)
		if _, ok := slices.BinarySearch(m.matches, i); ok {
			m.lines = append(m.lines, b.highlighted(m.term)...)
		} else {
			m.lines = append(m.lines, b.lines...)
		}
	}
	m.offset = min(max(m.starts[anchor-lo]+line, 0), m.maxOffset())
}

// position returns the block at the top of the screen and how many of its
// lines are scrolled past.
func (m *Model) position() (index, line int) {
	if len(m.starts) == 0 {
		return m.anchor, 0
	}
	j := sort.SearchInts(m.starts, m.offset+1) - 1
	return m.first + j, m.offset - m.starts[j]
}

// Position is where the reader is: the message at the top of the screen
// (from 1) of how many, and how far through the conversation that is, in
// percent: 100 once its end is on screen. A long message scrolled halfway
// counts half. (0, 0, 0) when there is nothing to show.
func (m Model) Position() (msg, total, percent int) {
	total = len(m.entries)
	if total == 0 {
		return 0, 0, 0
	}
	index, line := m.position()
	if m.first+len(m.starts) == total && m.offset >= m.maxOffset() {
		return index + 1, total, 100
	}
	done := float64(index)
	if j := index - m.first; j >= 0 && j < len(m.starts) {
		end := len(m.lines)
		if j+1 < len(m.starts) {
			end = m.starts[j+1]
		}
		if n := end - m.starts[j]; n > 0 {
			done += float64(line) / float64(n)
		}
	}
	return index + 1, total, min(int(100*done/float64(total)), 99)
}

// jump brings block i to the top, rendering what that needs.
func (m *Model) jump(i int) {
	i = min(max(i, 0), max(len(m.entries)-1, 0))
	m.fill(i, 0)
	m.rebuild(i, 0)
}

// Scroll moves the text by delta lines (up for a negative delta), as the
// scrolling keys do: for the mouse wheel.
func (m *Model) Scroll(delta int) {
	m.scroll(delta)
	m.current = -1
}

func (m *Model) scroll(delta int) {
	m.offset = min(max(m.offset+delta, 0), m.maxOffset())
}

func (m *Model) maxOffset() int { return max(len(m.lines)-m.height, 0) }

// find returns the messages whose text contains term, ignoring case.
func (m *Model) find(term string) []int {
	if term == "" {
		return nil
	}
	var found []int
	for i, e := range m.entries {
		if safetext.IndexFold(e.text, term) >= 0 {
			found = append(found, i)
		}
	}
	return found
}

// view

// View returns the visible part of the transcript: exactly height lines, none
// wider than width. It only slices lines rendered before.
func (m Model) View() string {
	if m.height <= 0 {
		return ""
	}
	var b strings.Builder
	for i := range m.height {
		if i > 0 {
			b.WriteByte('\n')
		}
		if j := m.offset + i; j < len(m.lines) {
			b.WriteString(m.lines[j])
		}
	}
	return b.String()
}
