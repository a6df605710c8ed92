package tui

import (
	"strings"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
)

// dialog is a box over the screen: a menu (status, snooze, copy, bot,
// export), the notes of a lead, or the help. One is up at a time, in the
// root's one slot, and while it is up it has every key but ctrl+c.
type dialog interface {
	// update takes a key, a paste or a result; done closes the dialog.
	update(msg tea.Msg) (done bool, cmd tea.Cmd)
	// render draws the dialog over body, the w×h cells of the screen
	// between the tab bar and the status line.
	render(body string, w, h int) string
	// area is the cells that render covers of a body of w×h cells: a click
	// outside them closes the dialog.
	area(w, h int) rect
	// setSize follows the terminal's size.
	setSize(w, h int)
	// keyMap is the dialog's keys: the footer shows its short help, and
	// the ? screen its full help.
	keyMap() help.KeyMap
}

// newKey is a binding with its help: keys, then what they do.
func newKey(keys, desc string) key.Binding {
	return key.NewBinding(key.WithKeys(strings.Split(keys, "/")...), key.WithHelp(keys, desc))
}

// helpKeyMap is the keys of the ? screen.
type helpKeyMap struct {
	Down, Up, PageDown, PageUp, Top, Bottom key.Binding
	Close, Quit                             key.Binding
}

func defaultHelpKeys() helpKeyMap {
	return helpKeyMap{
		Down:     key.NewBinding(key.WithKeys("j", "down"), key.WithHelp("j/k", "scroll")),
		Up:       key.NewBinding(key.WithKeys("k", "up")),
		PageDown: key.NewBinding(key.WithKeys("pgdown", "space", "ctrl+d"), key.WithHelp("pgdn/pgup", "page")),
		PageUp:   key.NewBinding(key.WithKeys("pgup", "ctrl+u")),
		Top:      key.NewBinding(key.WithKeys("g", "home"), key.WithHelp("g/G", "top/bottom")),
		Bottom:   key.NewBinding(key.WithKeys("G", "end")),
		Close:    key.NewBinding(key.WithKeys("esc", "?", "q"), key.WithHelp("esc", "close")),
		Quit:     key.NewBinding(key.WithKeys("ctrl+c"), key.WithHelp("ctrl+c", "quit")),
	}
}

func (k helpKeyMap) ShortHelp() []key.Binding { return []key.Binding{k.Down, k.Close, k.Quit} }

func (k helpKeyMap) FullHelp() [][]key.Binding {
	return [][]key.Binding{{k.Down, k.PageDown, k.Top, k.Close, k.Quit}}
}

// helpScreen is the ? screen: every key, scrolled on a short screen. The
// root gives it its text, which follows the screen's width and the sync.
type helpScreen struct {
	keys  helpKeyMap
	lines []string
	top   int // the first line shown
	page  int // the lines shown at once
}

func newHelpScreen() *helpScreen { return &helpScreen{keys: defaultHelpKeys()} }

// setText gives the screen its text, page lines at a time.
func (h *helpScreen) setText(text string, page int) {
	h.lines, h.page = strings.Split(text, "\n"), max(page, 1)
	h.top = min(h.top, h.last())
}

// last is the first line shown at the end of the text.
func (h *helpScreen) last() int { return max(len(h.lines)-h.page, 0) }

func (h *helpScreen) update(msg tea.Msg) (bool, tea.Cmd) {
	k, ok := msg.(tea.KeyPressMsg)
	if !ok {
		return false, nil
	}
	switch {
	case key.Matches(k, h.keys.Close):
		return true, nil
	case key.Matches(k, h.keys.Down):
		h.scroll(1)
	case key.Matches(k, h.keys.Up):
		h.scroll(-1)
	case key.Matches(k, h.keys.PageDown):
		h.scroll(h.page)
	case key.Matches(k, h.keys.PageUp):
		h.scroll(-h.page)
	case key.Matches(k, h.keys.Top):
		h.top = 0
	case key.Matches(k, h.keys.Bottom):
		h.top = h.last()
	}
	return false, nil
}

// scroll moves the text by n lines, within it.
func (h *helpScreen) scroll(n int) { h.top = max(min(h.top+n, h.last()), 0) }

func (h *helpScreen) render(_ string, _, _ int) string {
	if len(h.lines) == 0 {
		return ""
	}
	return strings.Join(h.lines[min(h.top, len(h.lines)-1):], "\n")
}

func (h *helpScreen) setSize(int, int) {} // the root gives it text for the new size

func (h *helpScreen) area(w, hh int) rect { return rect{0, 0, w, hh} } // the whole body

func (h *helpScreen) keyMap() help.KeyMap { return h.keys }

// keyLine is bindings as one line of hints: "enter choose · esc cancel".
func keyLine(bindings []key.Binding) string {
	var parts []string
	for _, b := range bindings {
		if b.Enabled() && b.Help().Key != "" {
			parts = append(parts, b.Help().Key+" "+b.Help().Desc)
		}
	}
	return strings.Join(parts, " · ")
}
