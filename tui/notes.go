package tui

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/textarea"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

	"github.com/neotui/neotui/internal/safetext"
	"github.com/neotui/neotui/internal/store"
)

// notesModel is the notes overlay of one lead: the notes, oldest first,
// with a cursor; a to add, e or enter to edit, d twice to delete; an
// editor (ctrl+s saves, esc cancels).
type notesModel struct {
	sh       *shared
	lead     store.Lead
	notes    []store.Note
	cursor   int
	editing  *store.Note // nil: adding, when editor is on
	editor   textarea.Model
	editorOn bool
	deleting bool // d pressed once
	err      error
}

type notesLoadedMsg struct {
	key   string
	notes []store.Note
	err   error
}

func loadNotes(sh *shared, l store.Lead) tea.Cmd {
	return func() tea.Msg {
		n, err := sh.Store.Notes(sh.ctx, l.Bot, l.Key)
		return notesLoadedMsg{key: l.Key, notes: n, err: err}
	}
}

func newNotes(sh *shared, l store.Lead) *notesModel {
	ta := textarea.New()
	ta.Placeholder = "A note for the team…"
	ta.ShowLineNumbers = false
	ta.CharLimit = 8000
	return &notesModel{sh: sh, lead: l, editor: ta}
}

func (n *notesModel) setSize(w, h int) {
	n.editor.SetWidth(max(w-4, 10))
	n.editor.SetHeight(max(min(h/3, 8), 3))
}

// typing: while the editor is on, every key is text.
func (n *notesModel) typing() bool { return n.editorOn }

func (n *notesModel) startEditor(note *store.Note) tea.Cmd {
	n.editing, n.editorOn, n.err = note, true, nil
	n.editor.Reset()
	if note != nil {
		n.editor.SetValue(note.Body)
	}
	return n.editor.Focus()
}

// update returns whether the overlay closes, and a command.
func (n *notesModel) update(msg tea.Msg) (closed bool, cmd tea.Cmd) {
	switch msg := msg.(type) {
	case notesLoadedMsg:
		if msg.key == n.lead.Key {
			n.notes, n.err = msg.notes, msg.err
			n.cursor = min(n.cursor, max(len(n.notes)-1, 0))
		}
		return false, nil
	case tea.KeyPressMsg:
		if n.editorOn {
			switch msg.String() {
			case "esc":
				n.editorOn = false
				n.editor.Blur()
				return false, nil
			case "ctrl+s":
				return false, n.save()
			}
			n.editor, cmd = n.editor.Update(msg)
			return false, cmd
		}
		if msg.String() != "d" {
			n.deleting = false
		}
		switch msg.String() {
		case "esc", "q", "n":
			return true, nil
		case "a":
			return false, n.startEditor(nil)
		case "e", "enter":
			if len(n.notes) > 0 {
				note := n.notes[n.cursor]
				return false, n.startEditor(&note)
			}
			return false, n.startEditor(nil)
		case "d":
			if len(n.notes) == 0 {
				return false, nil
			}
			if !n.deleting {
				n.deleting = true
				return false, nil
			}
			n.deleting = false
			return false, n.remove(n.notes[n.cursor])
		case "j", "down":
			n.cursor = min(n.cursor+1, max(len(n.notes)-1, 0))
		case "k", "up":
			n.cursor = max(n.cursor-1, 0)
		}
		return false, nil
	}
	if n.editorOn {
		n.editor, cmd = n.editor.Update(msg)
	}
	return false, cmd
}

func (n *notesModel) save() tea.Cmd {
	body := strings.TrimSpace(n.editor.Value())
	if body == "" {
		n.err = fmt.Errorf("a note needs some text (esc cancels)")
		return nil
	}
	n.editorOn = false
	n.editor.Blur()
	sh, l, editing := n.sh, n.lead, n.editing
	return func() tea.Msg {
		if editing != nil {
			before := *editing
			_, err := sh.Store.EditNote(sh.ctx, editing.ID, body, sh.now())
			return triagedMsg{what: "edited a note", undo: &undo{what: "edited a note", edited: &before}, err: err}
		}
		note, err := sh.Store.AddNote(sh.ctx, l.Bot, l.Key, sh.user(), body, sh.now())
		return triagedMsg{what: "added a note", undo: &undo{what: "added a note", note: &note, added: true}, err: err}
	}
}

func (n *notesModel) remove(note store.Note) tea.Cmd {
	sh := n.sh
	return func() tea.Msg {
		deleted, err := sh.Store.DeleteNote(sh.ctx, note.ID)
		return triagedMsg{what: "deleted a note", undo: &undo{what: "deleted a note", note: &deleted}, err: err}
	}
}

func (n *notesModel) view(width int) string {
	st := n.sh.styles
	var b strings.Builder
	name := safetext.Line(strings.TrimSpace(n.lead.Name))
	b.WriteString(st.Title.Render("Notes · " + fit(name, max(width-14, 4))))
	if len(n.notes) == 0 {
		b.WriteString("\n" + st.Muted.Render("No notes yet."))
	}
	for i, note := range n.notes {
		head := fmt.Sprintf("%s · %s", safetext.Line(note.Author), note.CreatedAt.In(n.sh.loc()).Format("Jan 02 15:04"))
		if !note.UpdatedAt.Equal(note.CreatedAt) {
			head += " (edited)"
		}
		body := lipgloss.NewStyle().Width(max(width-6, 10)).Render(safetext.Clean(note.Body))
		marker := "  "
		if i == n.cursor && !n.editorOn {
			marker = st.Title.Render("▌ ")
		}
		b.WriteString("\n" + marker + st.Muted.Render(head) + "\n" + indent(body, "  "))
	}
	if n.err != nil {
		b.WriteString("\n" + st.StatusErr.Render(safetext.Line(n.err.Error())))
	}
	if n.editorOn {
		label := "New note"
		if n.editing != nil {
			label = "Edit note"
		}
		b.WriteString("\n\n" + st.Bold.Render(label) + "\n" + n.editor.View() + "\n" + st.Muted.Render("ctrl+s save · esc cancel"))
	} else {
		hint := "a add · e edit · dd delete · esc close"
		if n.deleting {
			hint = "press d again to delete this note"
		}
		b.WriteString("\n\n" + st.Muted.Render(hint))
	}
	return lipgloss.NewStyle().Border(lipgloss.RoundedBorder()).BorderForeground(st.Title.GetForeground()).
		Padding(0, 1).Width(width).Render(b.String())
}

func indent(s, pad string) string {
	return pad + strings.ReplaceAll(s, "\n", "\n"+pad)
}
