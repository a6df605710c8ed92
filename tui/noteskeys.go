package tui

import "charm.land/bubbles/v2/key"

// notesKeyMap is the keys of the notes: of the list, and of the editor.
type notesKeyMap struct {
	Add, Edit, Delete, Down, Up, Undo, Close key.Binding
	Save, External, Cancel                   key.Binding // the editor's
	editing, dropping                        bool        // which keys the footer shows
	// externalOff (Options.NoEditor): ctrl+e only says why it is off, so
	// the help leaves it out.
	externalOff bool
}

func defaultNotesKeys() notesKeyMap {
	return notesKeyMap{
		Add:      newKey("a", "add"),
		Edit:     key.NewBinding(key.WithKeys("e", "enter"), key.WithHelp("e", "edit")),
		Delete:   key.NewBinding(key.WithKeys("d"), key.WithHelp("dd", "delete")),
		Down:     key.NewBinding(key.WithKeys("j", "down"), key.WithHelp("j/k", "move")),
		Up:       key.NewBinding(key.WithKeys("k", "up")),
		Undo:     newKey("ctrl+z", "undo"),
		Close:    key.NewBinding(key.WithKeys("esc", "q", "n"), key.WithHelp("esc", "close")),
		Save:     newKey("ctrl+s", "save"),
		External: newKey("ctrl+e", "edit in $EDITOR"),
		Cancel:   newKey("esc", "cancel"),
	}
}

// notesKeysFor are the notes' keys in this session: without ctrl+e where
// the editor would run on the server.
func notesKeysFor(sh *shared) notesKeyMap {
	k := defaultNotesKeys()
	k.externalOff = sh.NoEditor
	return k
}

// external is ctrl+e as the help shows it: not at all when it is off.
func (k notesKeyMap) external() key.Binding {
	b := k.External
	b.SetEnabled(!k.externalOff)
	return b
}

// ShortHelp is the footer: the editor's keys while it is on.
func (k notesKeyMap) ShortHelp() []key.Binding {
	if k.editing {
		cancel := k.Cancel
		if k.dropping {
			cancel.SetHelp("esc", "drop the text")
		}
		return []key.Binding{k.Save, k.external(), cancel}
	}
	return []key.Binding{k.Add, k.Edit, k.Delete, k.Down, k.Undo, k.Close}
}

// FullHelp is every key, for the ? screen.
func (k notesKeyMap) FullHelp() [][]key.Binding {
	return [][]key.Binding{{k.Add, k.Edit, k.Delete, k.Down, k.Undo, k.Close}, {k.Save, k.external(), k.Cancel}}
}
