package tui

import (
	"fmt"
	"strings"

	tea "charm.land/bubbles/v2/textinput"
	bt "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

	"github.com/neotui/neotui/internal/safetext"
)

// choice is one line of a picker: a hotkey, a label, and what it stands for.
type choice struct {
	key   string
	label string
	value any
}

// picker is a small menu over the screen (status, snooze, copy, bot): j/k
// and enter, or a choice's hotkey; esc cancels. With a prompt it also has a
// text box (a typed date, a file name).
type picker struct {
	sh      *shared
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
	return &picker{sh: sh, title: title, choices: choices, done: done}
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
	switch k.String() {
	case "esc":
		return true, nil
	case "enter":
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
	case "up", "ctrl+p":
		p.cursor = max(p.cursor-1, 0)
		return false, nil
	case "down", "ctrl+n":
		p.cursor = min(p.cursor+1, len(p.choices)-1)
		return false, nil
	}
	if p.input != nil && p.input.Value() == "" {
		// An empty box: a choice's hotkey still picks it (dates have no letters).
		for _, c := range p.choices {
			if c.key == k.String() {
				return true, p.done(c.value, "")
			}
		}
	}
	if p.input != nil {
		// Typing goes to the box; it takes the choice away from the menu.
		cmd = p.edit(msg)
		p.cursor = -1
		return false, cmd
	}
	switch k.String() {
	case "k":
		p.cursor = max(p.cursor-1, 0)
		return false, nil
	case "j":
		p.cursor = min(p.cursor+1, len(p.choices)-1)
		return false, nil
	}
	for _, c := range p.choices {
		if c.key == k.String() {
			return true, p.done(c.value, "")
		}
	}
	return false, nil
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
	keys := "enter choose · esc cancel"
	if len(p.choices) == 0 {
		keys = "enter ok · esc cancel"
	}
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
		line := "  " + st.Muted.Render(fit(c.key, 2)) + safetext.Line(c.label)
		if from+i == p.cursor {
			line = st.Selected.Render("▌ " + fit(c.key, 2) + safetext.Line(c.label))
		}
		lines = append(lines, line)
	}
	return lipgloss.NewStyle().Border(lipgloss.RoundedBorder()).BorderForeground(st.Title.GetForeground()).
		Padding(0, 1).Render(strings.Join(append(lines, tail...), "\n"))
}
