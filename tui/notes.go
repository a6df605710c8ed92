package tui

import (
	"errors"
	"fmt"
	"strings"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textarea"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/neotui/neotui/internal/safetext"
	"github.com/neotui/neotui/internal/store"
)

// notesModel is the notes overlay of one lead: the notes, oldest first,
// with a cursor; a to add, e or enter to edit, d twice to delete; an
// editor (ctrl+s saves, esc cancels). A save that fails keeps its text in
// the editor.
type notesModel struct {
	sh       *shared
	keys     notesKeyMap
	lead     store.Lead
	notes    []store.Note
	cursor   int
	editing  *store.Note // the note edited, as read when the editor opened; nil: adding
	editor   textarea.Model
	editorOn bool
	original string // the editor's text when it opened: what esc may drop silently
	dropping bool   // esc pressed once over typed text
	deleting bool   // d pressed once
	err      error  // loading the notes failed
	failure  string // why the text in the editor is not saved, and what the keys do now
	hint     string // what ctrl+e did, until the next key (noteseditor.go)
	hintErr  bool
}

// The overlay sits in the screen's body, below the tab bar (2 lines) and
// above the status and help lines (see Model.bodyHeight); its rounded
// border and padding take notesFrame cells of its width and 2 lines.
const (
	notesChrome    = 4
	notesFrame     = 4
	noteFoldLines  = 3 // body lines of a note other than the cursor's before "…"
	notesMaxWidth  = 90
	notesMinEditor = 3
	notesMaxEditor = 8
)

// undoMsg asks the root to take the last action back (ctrl+z in the notes).
type undoMsg struct{}

// notesLoadedMsg is a lead's notes as stored now. failed, when set, is a
// save that did not go through: the notes come reloaded, to show what
// changed, and the draft goes back into the editor.
type notesLoadedMsg struct {
	lead   store.Lead
	notes  []store.Note
	err    error
	failed *failedSave
}

// failedSave is a note save the store refused, with the text typed.
type failedSave struct {
	draft   string
	editing *store.Note // the note the save edited; nil: it added one
	err     error
}

func loadNotes(sh *shared, l store.Lead) tea.Cmd {
	return func() tea.Msg {
		n, err := sh.Store.Notes(sh.ctx, l.Bot, l.Key)
		return notesLoadedMsg{lead: l, notes: n, err: err}
	}
}

// saveFailed reloads the notes to hand a failed save back to the overlay.
func saveFailed(sh *shared, l store.Lead, f failedSave) tea.Msg {
	n, err := sh.Store.Notes(sh.ctx, l.Bot, l.Key)
	return notesLoadedMsg{lead: l, notes: n, err: err, failed: &f}
}

func newNotes(sh *shared, l store.Lead) *notesModel {
	ta := textarea.New()
	ta.Placeholder = "A note for the team…"
	ta.ShowLineNumbers = false
	ta.CharLimit = 8000
	return &notesModel{sh: sh, keys: notesKeysFor(sh), lead: l, editor: ta}
}

// setSize sizes the editor for a terminal of w×h: the overlay is drawn
// min(w-2, notesMaxWidth) wide, as view.go places it, in the body.
func (n *notesModel) setSize(w, h int) {
	n.editor.SetWidth(max(min(w-2, notesMaxWidth)-notesFrame, 10))
	rows := h - notesChrome - 2
	n.editor.SetHeight(max(min(rows/3, notesMaxEditor), notesMinEditor))
}

// isFor reports whether the overlay is l's.
func (n *notesModel) isFor(l store.Lead) bool { return n.lead.Bot == l.Bot && n.lead.Key == l.Key }

// startEditor opens the editor on note (nil: a new note).
func (n *notesModel) startEditor(note *store.Note) tea.Cmd {
	n.editing, n.editorOn, n.failure, n.hint = note, true, "", ""
	n.editor.Reset()
	if note != nil {
		// The body may be another operator's: edit what the screen can show.
		n.editor.SetValue(safetext.Clean(note.Body))
	}
	n.original, n.dropping = n.editor.Value(), false
	return n.editor.Focus()
}

func (n *notesModel) closeEditor() {
	n.editorOn, n.failure, n.dropping, n.hint = false, "", false, ""
	n.editor.Blur()
}

// unsaved reports that the editor holds text that is not stored: typed,
// or kept from a save that failed.
func (n *notesModel) unsaved() bool {
	text := strings.TrimSpace(n.editor.Value())
	return n.editorOn && text != "" && text != strings.TrimSpace(n.original)
}

// dropHint is what esc pressed once over unsaved text says.
const dropHint = "esc again drops your text · ctrl+s saves it"

// update returns whether the overlay closes, and a command.
func (n *notesModel) update(msg tea.Msg) (closed bool, cmd tea.Cmd) {
	switch msg := msg.(type) {
	case notesLoadedMsg:
		if !n.isFor(msg.lead) {
			return false, nil
		}
		n.notes, n.err = msg.notes, msg.err
		n.cursor = min(n.cursor, max(len(n.notes)-1, 0))
		if msg.failed != nil {
			return false, n.keepDraft(*msg.failed)
		}
		return false, nil
	case tea.KeyPressMsg:
		if n.editorOn {
			return false, n.editorKey(msg)
		}
		return n.listKey(msg)
	}
	if n.editorOn {
		n.editor, cmd = n.editor.Update(msg)
	}
	return false, cmd
}

// editorKey takes a key while the editor is on: every key is text but
// save and cancel.
func (n *notesModel) editorKey(msg tea.KeyPressMsg) tea.Cmd {
	n.hint = ""
	switch {
	case key.Matches(msg, n.keys.External):
		return n.external()
	case key.Matches(msg, n.keys.Cancel):
		if n.unsaved() && !n.dropping {
			n.dropping = true // typed text is not dropped by one stray key
			return nil
		}
		n.closeEditor()
		return nil
	case key.Matches(msg, n.keys.Save):
		return n.save()
	}
	n.dropping = false
	var cmd tea.Cmd
	n.editor, cmd = n.editor.Update(msg)
	return cmd
}

// listKey takes a key over the list of notes.
func (n *notesModel) listKey(msg tea.KeyPressMsg) (closed bool, cmd tea.Cmd) {
	if !key.Matches(msg, n.keys.Delete, n.keys.Undo) {
		n.deleting = false // undo is about the last action, not this dd
	}
	switch {
	case key.Matches(msg, n.keys.Close):
		return true, nil
	case key.Matches(msg, n.keys.Undo):
		return false, func() tea.Msg { return undoMsg{} }
	case key.Matches(msg, n.keys.Add):
		return false, n.startEditor(nil)
	case key.Matches(msg, n.keys.Edit):
		if len(n.notes) > 0 {
			note := n.notes[n.cursor]
			return false, n.startEditor(&note)
		}
		return false, n.startEditor(nil)
	case key.Matches(msg, n.keys.Delete):
		if len(n.notes) == 0 {
			return false, nil
		}
		if !n.deleting {
			n.deleting = true
			return false, nil
		}
		n.deleting = false
		return false, n.remove(n.notes[n.cursor])
	case key.Matches(msg, n.keys.Down):
		n.cursor = min(n.cursor+1, max(len(n.notes)-1, 0))
	case key.Matches(msg, n.keys.Up):
		n.cursor = max(n.cursor-1, 0)
	}
	return false, nil
}

// keepDraft puts the text of a failed save back in the editor, saying what
// happened and what ctrl+s does now.
func (n *notesModel) keepDraft(f failedSave) tea.Cmd {
	if n.editorOn {
		// Another note was opened meanwhile: it keeps the editor.
		n.failure = "an earlier note was not saved: " + f.err.Error()
		return nil
	}
	editing, failure := f.editing, ""
	var ce *store.NoteConflictError
	switch {
	case errors.As(f.err, &ce):
		// A second ctrl+s saves over the version that refused this one.
		current := ce.Current
		editing = &current
		failure = fmt.Sprintf("%s changed this note at %s: your text is kept; ctrl+s saves it over theirs, esc twice drops it",
			n.sh.who(ce.By), shortClock(ce.At, n.sh.now(), n.sh.loc()))
	case errors.Is(f.err, store.ErrNotFound) && editing != nil:
		editing = nil // a second ctrl+s adds it anew
		failure = "this note was deleted meanwhile: your text is kept; ctrl+s saves it as a new note, esc twice drops it"
	case store.IsUnreachable(f.err):
		failure = "not saved: the store is unreachable — your text is kept; ctrl+s tries again once it is back, esc twice drops it"
	default:
		failure = fmt.Sprintf("not saved (%v): your text is kept; ctrl+s tries again, esc twice drops it", f.err)
	}
	cmd := n.startEditor(editing)
	n.editor.SetValue(f.draft)
	n.original = "" // the draft is stored nowhere
	n.failure = failure
	return cmd
}

// save writes the editor's text. The editor closes at once; if the store
// refuses the text, keepDraft opens it again with the text.
func (n *notesModel) save() tea.Cmd {
	draft := n.editor.Value()
	// Stored as everyone will see it: the author too sees no bidi override
	// or escape that the screen of others would drop.
	body := strings.TrimSpace(safetext.Clean(draft))
	if body == "" {
		n.failure = "a note needs some text (esc cancels)"
		return nil
	}
	n.closeEditor()
	sh, l, editing := n.sh, n.lead, n.editing
	return func() tea.Msg {
		failed := failedSave{draft: draft, editing: editing}
		if editing != nil {
			after, err := sh.Store.EditNote(sh.ctx, *editing, body, sh.now(), sh.user())
			if err != nil {
				failed.err = err
				return saveFailed(sh, l, failed)
			}
			// Undo writes the old text back over the version this edit made.
			before := *editing
			before.Version = after.Version
			return triagedMsg{what: "edited a note", lead: leadName(l), note: &after,
				undo: &undo{what: "edited a note", lead: leadName(l), edited: &before}}
		}
		note, err := sh.Store.AddNote(sh.ctx, l.Bot, l.Key, sh.user(), body, sh.now())
		if err != nil {
			failed.err = err
			return saveFailed(sh, l, failed)
		}
		return triagedMsg{what: "added a note", lead: leadName(l),
			undo: &undo{what: "added a note", lead: leadName(l), note: &note, added: true}}
	}
}

func (n *notesModel) remove(note store.Note) tea.Cmd {
	sh, name := n.sh, leadName(n.lead)
	return func() tea.Msg {
		deleted, err := sh.Store.DeleteNote(sh.ctx, note, sh.user())
		if err != nil {
			return triagedMsg{what: "delete the note", lead: name, err: err}
		}
		return triagedMsg{what: "deleted a note", lead: name, undo: &undo{what: "deleted a note", lead: name, note: &deleted}}
	}
}

// view draws the overlay width cells wide and no taller than the body of
// the screen as it is now: the title, the notes scrolled to keep the
// cursor's in view, any error, and at the bottom, always, the editor and
// the hint line.
func (n *notesModel) view(width int) string {
	st := n.sh.styles
	inner := max(width-notesFrame, 10)
	rows := 1 << 20 // no size yet: unbounded
	if n.sh.height > 0 {
		rows = max(n.sh.height-notesChrome-2, 1)
	}

	name := safetext.Line(strings.TrimSpace(n.lead.Name))
	top := []string{st.Title.Render("Notes · " + fitCell(name, max(width-14, 4)))}
	var msgs []string
	if n.err != nil {
		msgs = append(msgs, wrapLines(st.StatusErr, "could not read the notes: "+n.err.Error(), inner)...)
	}
	if n.failure != "" {
		msgs = append(msgs, wrapLines(st.StatusErr, n.failure, inner)...)
	}
	bottom := []string{""}
	if n.editorOn {
		label := "New note"
		if n.editing != nil {
			label = "Edit note"
		}
		bottom = append(bottom, st.Bold.Render(label))
		// Cut, not wrapped, should the terminal have narrowed since setSize.
		for _, l := range strings.Split(n.editor.View(), "\n") {
			bottom = append(bottom, ansi.Truncate(l, inner, ""))
		}
		switch {
		case n.dropping:
			bottom = append(bottom, st.StatusErr.Render(dropHint))
		case n.hint != "":
			style := st.Muted
			if n.hintErr {
				style = st.StatusErr
			}
			bottom = append(bottom, wrapLines(style, n.hint, inner)...)
		default:
			keys := keyLine([]key.Binding{n.keys.Save, n.keys.external(), n.keys.Cancel})
			bottom = append(bottom, st.Muted.Render(ansi.Truncate(keys, inner, "…")))
		}
	} else {
		hint := keyLine([]key.Binding{n.keys.Add, n.keys.Edit, n.keys.Delete, n.keys.Close})
		if n.deleting {
			hint = "press d again to delete this note"
		}
		bottom = append(bottom, st.Muted.Render(hint))
	}

	list := n.listLines(inner, rows-len(top)-len(msgs)-len(bottom))
	lines := append(append(append(top, list...), msgs...), bottom...)
	if len(lines) > rows {
		// Too small a screen even for one note: the editor and hint win.
		lines = lines[len(lines)-rows:]
	}
	return lipgloss.NewStyle().Border(lipgloss.RoundedBorder()).BorderForeground(st.Title.GetForeground()).
		Padding(0, 1).Width(width).Render(strings.Join(lines, "\n"))
}

// listLines draws the notes in at most h lines (inner cells wide): all of
// them if they fit, else a window around the cursor's note between
// "↑ n more" and "↓ n more". The cursor's note shows as much as fits, the
// others noteFoldLines lines; what is cut ends in a "…" line.
func (n *notesModel) listLines(inner, h int) []string {
	st := n.sh.styles
	if len(n.notes) == 0 {
		return []string{st.Muted.Render("No notes yet.")}
	}
	room := h - 2 // the "more" lines, when the notes do not all fit
	blocks := make([][]string, len(n.notes))
	total := 0
	for i := range n.notes {
		fold := noteFoldLines
		if i == n.cursor {
			fold = room - 1 // its head line
		}
		blocks[i] = n.noteLines(i, inner, fold)
		total += len(blocks[i])
	}
	if total <= h {
		return joinBlocks(blocks)
	}
	// Upwards first: moving down, the cursor's note stays at the bottom.
	first, last := n.cursor, n.cursor
	used := len(blocks[n.cursor])
	for first > 0 && used+len(blocks[first-1]) <= room {
		first--
		used += len(blocks[first])
	}
	for last < len(blocks)-1 && used+len(blocks[last+1]) <= room {
		last++
		used += len(blocks[last])
	}
	var out []string
	if first > 0 {
		out = append(out, st.Muted.Render(fmt.Sprintf("↑ %d more", first)))
	}
	out = append(out, joinBlocks(blocks[first:last+1])...)
	if more := len(blocks) - 1 - last; more > 0 {
		out = append(out, st.Muted.Render(fmt.Sprintf("↓ %d more", more)))
	}
	return out
}

// noteLines is note i: a head line (author, time, who edited it) and its
// body, cut to at most fold lines (at least 2) the last of which is "…".
func (n *notesModel) noteLines(i, inner, fold int) []string {
	st := n.sh.styles
	note := n.notes[i]
	marker := "  "
	if i == n.cursor && !n.editorOn {
		marker = st.Title.Render("▌ ")
	}
	lines := []string{marker + st.Muted.Render(ansi.Truncate(noteHead(note, n.sh), inner-2, "…"))}
	text := safetext.Clean(note.Body)
	if n.sh.masked {
		text = mask(text)
	}
	body := strings.Split(lipgloss.NewStyle().Width(inner-2).Render(text), "\n")
	if fold = max(fold, 2); len(body) > fold {
		body = append(body[:fold-1], st.Muted.Render("…"))
	}
	for _, l := range body {
		lines = append(lines, "  "+l)
	}
	return lines
}

// noteHead is "ana · Mar 10 14:02", with "(edited)", or "(edited by bob)"
// when someone other than the author edited it last.
func noteHead(note store.Note, sh *shared) string {
	head := fmt.Sprintf("%s · %s", safetext.Line(note.Author), note.CreatedAt.In(sh.loc()).Format("Jan 02 15:04"))
	switch {
	case note.EditedBy != "" && note.EditedBy != note.Author:
		head += " (edited by " + safetext.Line(note.EditedBy) + ")"
	case note.EditedBy != "" || !note.UpdatedAt.Equal(note.CreatedAt): // the time alone: before editors were kept
		head += " (edited)"
	}
	return head
}

// wrapLines is text, sanitized to one line, wrapped to width, in style.
func wrapLines(style lipgloss.Style, text string, width int) []string {
	lines := strings.Split(lipgloss.NewStyle().Width(width).Render(safetext.Line(text)), "\n")
	for i, l := range lines {
		lines[i] = style.Render(strings.TrimRight(l, " "))
	}
	return lines
}

func joinBlocks(blocks [][]string) []string {
	var out []string
	for _, b := range blocks {
		out = append(out, b...)
	}
	return out
}

// The notes are a dialog in the middle of the screen's body, in place of
// what is under it.

func (n *notesModel) render(_ string, w, h int) string {
	box := n.view(min(w-2, notesMaxWidth))
	return place(prefixLines(spaces[:n.left(box, w)], box), w, h)
}

// left is the column where render starts box: centred in w.
func (n *notesModel) left(box string, w int) int {
	return min(max((w-lipgloss.Width(box))/2, 0), len(spaces))
}

func (n *notesModel) area(w, h int) rect {
	box := n.view(min(w-2, notesMaxWidth))
	return rect{n.left(box, w), 0, lipgloss.Width(box), min(lipgloss.Height(box), h)}
}

func (n *notesModel) keyMap() help.KeyMap {
	k := n.keys
	k.editing, k.dropping = n.editorOn, n.dropping
	return k
}
