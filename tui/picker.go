package tui

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbles/v2/textinput"
	bt "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

	"github.com/neotui/neotui/internal/safetext"
)

// choice is one line of a picker: its hotkey, a label, and what it stands
// for.
type choice struct {
	key   key.Binding
	label string
	value any
}

// pickerKeyMap is the keys of a picker: moving, choosing, cancelling, and
// the hotkeys of its choices.
type pickerKeyMap struct {
	Up, Down     key.Binding // also with a text box
	Prev, Next   key.Binding // without a text box: j and k are not text then
	Choose, Done key.Binding // enter: on a choice, or on typed text alone
	Cancel       key.Binding
	choices      []key.Binding
}

func newPickerKeys(choices []choice) pickerKeyMap {
	k := pickerKeyMap{
		Up:     key.NewBinding(key.WithKeys("up", "ctrl+p"), key.WithHelp("↑↓", "move")),
		Down:   key.NewBinding(key.WithKeys("down", "ctrl+n")),
		Prev:   key.NewBinding(key.WithKeys("k"), key.WithHelp("j/k", "move, without a text box")),
		Next:   key.NewBinding(key.WithKeys("j")),
		Choose: key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "choose")),
		Done:   key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "ok")),
		Cancel: key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "cancel")),
	}
	for _, c := range choices {
		k.choices = append(k.choices, c.key)
	}
	return k
}

// ShortHelp is the footer: a box with no choices only takes its text.
func (k pickerKeyMap) ShortHelp() []key.Binding {
	if len(k.choices) == 0 {
		return []key.Binding{k.Done, k.Cancel}
	}
	return []key.Binding{k.Up, k.Choose, k.Cancel}
}

func (k pickerKeyMap) FullHelp() [][]key.Binding {
	return [][]key.Binding{{k.Up, k.Prev, k.Choose, k.Cancel}, k.choices}
}

// picker is a small menu over the screen (status, snooze, copy, bot): j/k
// and enter, or a choice's hotkey; esc cancels. With a prompt it also has a
// text box (a typed date, a file name).
type picker struct {
	sh      *shared
	keys    pickerKeyMap
	title   string
	choices []choice
	cursor  int
	input   *tea.Model // optional
	// done turns the picked value (or the typed text) into the action.
	done func(value any, text string) bt.Cmd
	// check, when set, vets typed text before done sees it: an error keeps
	// the picker open with the text, saying why; otherwise done gets what
	// check returns (a path made absolute, say).
	check func(text string) (string, error)
	err   string // what check last said, until the text changes
}

func newPicker(sh *shared, title string, choices []choice, done func(value any, text string) bt.Cmd) *picker {
	return &picker{sh: sh, keys: newPickerKeys(choices), title: title, choices: choices, done: done}
}

// withInput adds a text box, focused, prefilled with value.
func (p *picker) withInput(prompt, value string) *picker {
	in := tea.New()
	in.Prompt = prompt
	in.SetValue(value)
	in.CursorEnd()
	in.Focus()
	p.input = &in
	return p
}

// withCheck vets typed text before done (see picker.check).
func (p *picker) withCheck(check func(text string) (string, error)) *picker {
	p.check = check
	return p
}

// update returns whether the picker is finished, and the command it made.
func (p *picker) update(msg bt.Msg) (finished bool, cmd bt.Cmd) {
	k, ok := msg.(bt.KeyPressMsg)
	if !ok {
		if p.input != nil {
			cmd = p.edit(msg)
		}
		return false, cmd
	}
	switch {
	case key.Matches(k, p.keys.Cancel):
		return true, nil
	case key.Matches(k, p.keys.Choose):
		return p.enter()
	case key.Matches(k, p.keys.Up):
		p.move(-1)
		return false, nil
	case key.Matches(k, p.keys.Down):
		p.move(1)
		return false, nil
	}
	if p.input != nil && p.input.Value() == "" {
		// An empty box: a choice's hotkey still picks it (dates have no letters).
		if c, ok := p.hotkey(k); ok {
			return true, p.done(c.value, "")
		}
	}
	if p.input != nil {
		// Typing goes to the box; it takes the choice away from the menu.
		cmd = p.edit(msg)
		p.cursor = -1
		return false, cmd
	}
	switch {
	case key.Matches(k, p.keys.Prev):
		p.move(-1)
		return false, nil
	case key.Matches(k, p.keys.Next):
		p.move(1)
		return false, nil
	}
	if c, ok := p.hotkey(k); ok {
		return true, p.done(c.value, "")
	}
	return false, nil
}

// enter takes the typed text, vetted, or else the choice under the cursor.
func (p *picker) enter() (bool, bt.Cmd) {
	if text := strings.TrimSpace(p.valueOf()); text != "" && (len(p.choices) == 0 || p.cursor < 0) {
		if p.check != nil {
			checked, err := p.check(text)
			if err != nil {
				p.err = err.Error()
				return false, nil
			}
			text = checked
		}
		return true, p.done(nil, text)
	}
	if p.cursor >= 0 && p.cursor < len(p.choices) {
		return true, p.done(p.choices[p.cursor].value, "")
	}
	return false, nil
}

func (p *picker) move(by int) { p.cursor = max(min(p.cursor+by, len(p.choices)-1), 0) }

// hotkey is the choice whose key k is.
func (p *picker) hotkey(k bt.KeyPressMsg) (choice, bool) {
	for _, c := range p.choices {
		if key.Matches(k, c.key) {
			return c, true
		}
	}
	return choice{}, false
}

// edit passes msg to the text box; a changed text drops check's complaint.
func (p *picker) edit(msg bt.Msg) bt.Cmd {
	before := p.input.Value()
	var cmd bt.Cmd
	*p.input, cmd = p.input.Update(msg)
	if p.input.Value() != before {
		p.err = ""
		p.cursor = -1 // typed or pasted text, not a choice, is what enter takes
	}
	return cmd
}

// valueOf is the typed text; "" without a text box.
func (p *picker) valueOf() string {
	if p.input == nil {
		return ""
	}
	return p.input.Value()
}

func (p *picker) view() string {
	st := p.sh.styles
	var tail []string // below the choices
	if p.input != nil {
		tail = append(tail, "", p.input.View())
	}
	if p.err != "" {
		// Wrapped to the screen: the complaint quotes a path of any length.
		w := max(min(p.sh.width-4, 72), 20)
		tail = append(tail, p.sh.styles.StatusErr.Width(w).Render("⚠ "+safetext.Line(p.err)))
	}
	keys := keyLine(p.keys.ShortHelp()[len(p.keys.ShortHelp())-2:])
	// The box fits the screen's body (its height less the tab bar, status
	// and footer lines): on a short screen the key line goes first (the
	// footer has the keys), then the choices scroll with the cursor.
	rows := 1 << 20
	if p.sh.height > 0 {
		rows = max(p.sh.height-4-2, 1) // less the border
	}
	tailRows := 0
	for _, t := range tail {
		tailRows += lipgloss.Height(t)
	}
	if 1+len(p.choices)+tailRows+2 <= rows {
		tail = append(tail, "", st.Muted.Render(keys))
	}
	title := p.title
	from, to := 0, len(p.choices)
	if room := max(rows-1-tailRows, 1); len(p.choices) > room {
		from = min(max(p.cursor-room/2, 0), len(p.choices)-room)
		to = from + room
		title += fmt.Sprintf(" (%d/%d)", p.cursor+1, len(p.choices))
	}
	lines := []string{st.Title.Render(title)}
	for i, c := range p.choices[from:to] {
		hot := fitCell(c.key.Help().Key, 2)
		line := "  " + st.Muted.Render(hot) + safetext.Line(c.label)
		if from+i == p.cursor {
			line = st.Selected.Render("▌ " + hot + safetext.Line(c.label))
		}
		lines = append(lines, line)
	}
	return lipgloss.NewStyle().Border(lipgloss.RoundedBorder()).BorderForeground(st.Title.GetForeground()).
		Padding(0, 1).Render(strings.Join(append(lines, tail...), "\n"))
}

// The picker is a dialog floating over the screen: the lead it acts on
// stays in sight around it.

func (p *picker) render(body string, w, h int) string { return floatOver(body, p.view(), w, h) }

func (p *picker) setSize(int, int) {} // view reads the size when it draws

func (p *picker) area(w, h int) rect { return floatAt(p.view(), w, h) }

func (p *picker) keyMap() help.KeyMap { return p.keys }
