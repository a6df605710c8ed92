package tui

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"unicode/utf8"

	tea "charm.land/bubbletea/v2"

	"github.com/neotui/neotui/internal/english"
	"github.com/neotui/neotui/internal/safetext"
	"github.com/neotui/neotui/internal/store"
)

// ctrl+e in the note editor: the text goes to the user's editor in a
// temporary file, the browser steps aside while it runs (tea.ExecProcess),
// and what the editor saved comes back into the note editor, sanitized, for
// ctrl+s to save. Whatever goes wrong, the text typed so far stays.

// editorOff is what ctrl+e says in a shared session (neotui serve).
const editorOff = "ctrl+e is off in shared sessions: the editor would run on the server"

// noteEditedMsg is what the editor saved for lead's note, or why nothing.
type noteEditedMsg struct {
	lead store.Lead
	text string
	err  error
}

// external hands the editor's text to the user's editor.
func (n *notesModel) external() tea.Cmd {
	if n.sh.NoEditor {
		n.say(editorOff, true)
		return nil
	}
	args := strings.Fields(n.sh.Editor)
	if len(args) == 0 {
		n.say("no editor to hand the note to: set $VISUAL or $EDITOR (nano, vim, code --wait…) and start neotui again", true)
		return nil
	}
	bin, err := exec.LookPath(args[0])
	if err != nil {
		n.say(fmt.Sprintf("the editor %s is not found: check $VISUAL or $EDITOR", args[0]), true)
		return nil
	}
	text := n.editor.Value()
	if text != "" && !strings.HasSuffix(text, "\n") {
		text += "\n" // a text file's last line ends, as editors expect
	}
	path, err := writeDraft(text)
	if err != nil {
		n.say("cannot hand the note to the editor: "+err.Error(), true)
		return nil
	}
	lead := n.lead
	cmd := exec.Command(bin, append(args[1:], path)...)
	// The editor gets the terminal itself (the editor is off where the
	// browser runs on another, under neotui serve). Given the program's
	// reader and writer instead, wrappers in neotui, exec would hand the
	// editor pipes, which it cannot edit on, and wait for a key after it
	// exits.
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	return tea.ExecProcess(cmd, func(err error) tea.Msg {
		defer os.Remove(path)
		if err != nil {
			return noteEditedMsg{lead: lead, err: err}
		}
		data, err := os.ReadFile(path)
		return noteEditedMsg{lead: lead, text: string(data), err: err}
	})
}

// writeDraft puts text in a new temporary file, readable by the user only
// (CreateTemp's 0600): a note may hold a visitor's contacts.
func writeDraft(text string) (string, error) {
	f, err := os.CreateTemp("", "neotui-note-*.md")
	if err != nil {
		return "", err
	}
	_, err = f.WriteString(text)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(f.Name())
		return "", err
	}
	return f.Name(), nil
}

// edited takes back what the editor saved, sanitized as a saved note is,
// or keeps the text as it was and says why.
func (n *notesModel) edited(msg noteEditedMsg) {
	var exit *exec.ExitError
	switch {
	case !n.editorOn:
		return // the browser waits while the editor runs: cannot happen
	case errors.As(msg.err, &exit):
		n.say(fmt.Sprintf("the editor exited with status %d: your text is kept as it was", exit.ExitCode()), true)
		return
	case msg.err != nil:
		n.say(fmt.Sprintf("the editor did not run (%v): your text is kept as it was", reason(msg.err)), true)
		return
	}
	text := strings.TrimRight(safetext.Clean(msg.text), "\n")
	n.editor.SetValue(text) // cut at the note's limit
	n.editor.Focus()
	n.dropping = false
	if limit := n.editor.CharLimit; limit > 0 && utf8.RuneCountInString(text) > limit {
		n.say(fmt.Sprintf("the text is cut at %s characters, a note's most: ctrl+s saves it", english.Count(limit)), true)
		return
	}
	n.say("the text from your editor: ctrl+s saves it, esc twice drops it", false)
}

// say shows text under the note editor until the next key.
func (n *notesModel) say(text string, isErr bool) { n.hint, n.hintErr = text, isErr }
