package tui

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/exp/teatest/v2"
)

// fakeEditor is a shell script that runs script on the file it is given
// ($1), for $EDITOR.
func fakeEditor(t *testing.T, script string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "editor")
	if err := os.WriteFile(path, []byte("#!/bin/sh\n"+script+"\n"), 0o700); err != nil {
		t.Fatal(err)
	}
	return path
}

// editInProgram runs the browser at 120×40 with editor as $EDITOR: a new
// note, "typed first" in it, ctrl+e; then keys, once want is on screen.
func editInProgram(t *testing.T, editor, want string, keys ...string) Model {
	t.Helper()
	st, _ := fillStore(t, 40)
	opts := testOptions(st)
	opts.Editor = editor
	m := New(opts)
	t.Cleanup(m.Close)
	tm := teatest.NewTestModel(t, m, teatest.WithInitialTermSize(120, 40))
	var out bytes.Buffer
	waitFor := func(s string) {
		t.Helper()
		teatest.WaitFor(t, tm.Output(), func(b []byte) bool {
			out.Write(b)
			return bytes.Contains(out.Bytes(), []byte(s))
		}, teatest.WithDuration(10*time.Second))
	}
	waitFor("Conversation ")
	tm.Send(keyMsg("n"))
	tm.Send(keyMsg("a"))
	tm.Send(tea.PasteMsg{Content: "typed first"})
	tm.Send(keyMsg("ctrl+e"))
	waitFor(want)
	for _, k := range keys {
		tm.Send(keyMsg(k))
	}
	time.Sleep(300 * time.Millisecond)
	tm.Send(keyMsg("ctrl+c"))
	tm.Send(keyMsg("ctrl+c")) // the first asks, over unsaved text
	return tm.FinalModel(t, teatest.WithFinalTimeout(5*time.Second)).(Model)
}

// TestNoteInEditor: ctrl+e hands the note to $EDITOR in a private
// temporary file, removed after; what the editor saved comes back,
// sanitized, and ctrl+s stores it.
func TestNoteInEditor(t *testing.T) {
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	seen := filepath.Join(t.TempDir(), "seen")
	editor := fakeEditor(t, `ls -l "$1" | cut -c1-10 > "`+seen+`"; cat "$1" >> "`+seen+`"
printf 'added in the editor \033[31mred\033[0m\n' >> "$1"`)
	final := editInProgram(t, editor, "the text from your editor", "ctrl+s")

	got, err := os.ReadFile(seen)
	if err != nil {
		t.Fatalf("the editor did not run: %v", err)
	}
	if want := "-rw-------\ntyped first\n"; string(got) != want {
		t.Errorf("the editor saw %q, want %q: the note's text in a file only the user reads", got, want)
	}
	if left, _ := os.ReadDir(tmp); len(left) != 0 {
		t.Errorf("the temporary file stayed: %v", left)
	}
	l, ok := final.selectedLead()
	if !ok {
		t.Fatal("no lead selected")
	}
	notes := mustNotes(t, final.sh.Store, l)
	if want := "typed first\nadded in the editor red"; len(notes) != 1 || notes[0].Body != want {
		t.Errorf("stored %+v, want one note %q", notes, want)
	}
}

// TestNoteInFailingEditor: an editor that exits non-zero changes nothing
// and says so.
func TestNoteInFailingEditor(t *testing.T) {
	editor := fakeEditor(t, `echo overwritten > "$1"; exit 3`)
	final := editInProgram(t, editor, "exited with status 3")
	n := notesOf(final)
	if n == nil || !n.editorOn || n.editor.Value() != "typed first" {
		t.Fatalf("after the editor failed, the note editor holds %+v", n)
	}
	if !strings.Contains(n.hint, "your text is kept") {
		t.Errorf("the failure says %q", n.hint)
	}
}

// TestNoteEditorMissingOrOff: no editor, one not found, or a served
// session: ctrl+e says why in one line and keeps the text; served, it is
// in neither the footer nor ?.
func TestNoteEditorMissingOrOff(t *testing.T) {
	st, _ := fillStore(t, 40)
	for _, tt := range []struct {
		name, editor string
		off          bool
		want, shown  string // in the message; on screen, where a long path wraps
	}{
		{"none", "", false, "set $VISUAL or $EDITOR", "set $VISUAL or $EDITOR"},
		{"not found", filepath.Join(t.TempDir(), "no-such-editor") + " --wait", false, "no-such-editor is not found", "the editor /"},
		{"served", "vi", true, editorOff, "off in shared sessions"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			opts := testOptions(st)
			opts.Editor, opts.NoEditor = tt.editor, tt.off
			m := New(opts)
			t.Cleanup(m.Close)
			m = settle(t, m, sizeCmd(80, 24), m.Init())
			m = press(t, m, "n", "a")
			m = paste(t, m, "typed first")
			if strings.Contains(screen(m), "ctrl+e") == tt.off {
				t.Errorf("ctrl+e offered: %v, with the editor off %v:\n%s", !tt.off, tt.off, screen(m))
			}
			m = press(t, m, "ctrl+e")
			n := notesOf(m)
			if !strings.Contains(n.hint, tt.want) || !strings.Contains(screen(m), tt.shown) {
				t.Errorf("ctrl+e says %q, want %q", n.hint, tt.want)
			}
			if n.editor.Value() != "typed first" || !n.editorOn {
				t.Errorf("ctrl+e changed the text to %q", n.editor.Value())
			}
			m = press(t, m, "x")
			if notesOf(m).hint != "" {
				t.Error("the message stays after the next key")
			}
			if got := strings.Contains(m.fullHelp(), "$EDITOR"); got == tt.off {
				t.Errorf("? lists ctrl+e: %v, with the editor off %v", got, tt.off)
			}
		})
	}
}
