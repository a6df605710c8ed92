package tui

import (
	tea "charm.land/bubbletea/v2"
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/neotui/neotui/internal/store"
)

func TestNoteHead(t *testing.T) {
	sh := &shared{Options: Options{Location: time.UTC}}
	at := time.Date(2026, 3, 10, 14, 2, 0, 0, time.UTC)
	for _, tc := range []struct {
		name string
		note store.Note
		want string
	}{
		{"new", store.Note{Author: "bob", CreatedAt: at, UpdatedAt: at, Version: 1}, "bob · Mar 10 14:02"},
		{"edited by its author", store.Note{Author: "bob", EditedBy: "bob", CreatedAt: at, UpdatedAt: at.Add(time.Hour), Version: 2},
			"bob · Mar 10 14:02 (edited)"},
		{"edited by another", store.Note{Author: "bob", EditedBy: "ana", CreatedAt: at, UpdatedAt: at.Add(time.Hour), Version: 2},
			"bob · Mar 10 14:02 (edited by ana)"},
		{"edited before editors were kept", store.Note{Author: "bob", CreatedAt: at, UpdatedAt: at.Add(time.Hour), Version: 1},
			"bob · Mar 10 14:02 (edited)"},
		{"names are sanitized", store.Note{Author: "bob\x1b[2J", EditedBy: "ana\x1b]52;c;eA==\a", CreatedAt: at, UpdatedAt: at, Version: 2},
			"bob · Mar 10 14:02 (edited by ana)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := noteHead(tc.note, sh); got != tc.want {
				t.Errorf("noteHead = %q, want %q", got, tc.want)
			}
		})
	}
}

// openNotes opens the notes of the selected lead, after add has put notes
// on it, at w×h.
func openNotes(t *testing.T, w, h int, add func(st *store.Store, l store.Lead)) (Model, *store.Store, store.Lead) {
	t.Helper()
	st, _ := fillStore(t, 40)
	m := start(t, st, w, h)
	l := selected(t, m)
	add(st, l)
	m = press(t, m, "n")
	if notesOf(m) == nil {
		t.Fatalf("n did not open the notes:\n%s", screen(m))
	}
	return m, st, l
}

func mustNotes(t *testing.T, st *store.Store, l store.Lead) []store.Note {
	t.Helper()
	ns, err := st.Notes(context.Background(), l.Bot, l.Key)
	if err != nil {
		t.Fatal(err)
	}
	return ns
}

func TestNoteEditConflictKeepsDraft(t *testing.T) {
	ctx := context.Background()
	m, st, l := openNotes(t, 120, 40, func(st *store.Store, l store.Lead) {
		if _, err := st.AddNote(ctx, l.Bot, l.Key, "bob", "budget 5k", testNow); err != nil {
			t.Fatal(err)
		}
	})
	m = press(t, m, "e")
	// bob edits the note while this operator types.
	read := mustNotes(t, st, l)[0]
	if _, err := st.EditNote(ctx, read, "budget 8k", testNow.Add(-time.Hour), "bob"); err != nil {
		t.Fatal(err)
	}
	m = paste(t, m, ", confirmed by phone")
	m = press(t, m, "ctrl+s")

	const draft = "budget 5k, confirmed by phone"
	if !notesOf(m).editorOn || notesOf(m).editor.Value() != draft {
		t.Fatalf("after the refused save: editor on %v with %q, want the draft %q", notesOf(m).editorOn, notesOf(m).editor.Value(), draft)
	}
	s := screen(m)
	for _, want := range []string{"bob changed this note at 14:00", "your text is kept", "ctrl+s saves it over theirs", "budget 8k"} {
		if !strings.Contains(s, want) {
			t.Errorf("the overlay does not show %q:\n%s", want, s)
		}
	}
	if ns := mustNotes(t, st, l); ns[0].Body != "budget 8k" {
		t.Fatalf("the refused save wrote %q over bob's edit", ns[0].Body)
	}

	// A second ctrl+s saves over bob's version.
	m = press(t, m, "ctrl+s")
	ns := mustNotes(t, st, l)
	if len(ns) != 1 || ns[0].Body != draft || ns[0].EditedBy != "neotui" || ns[0].Version != 3 {
		t.Fatalf("after saving over: %+v", ns)
	}
	if notesOf(m).editorOn || strings.Contains(screen(m), "your text is kept") {
		t.Errorf("the editor or the error stayed after the save:\n%s", screen(m))
	}
	if s := screen(m); !strings.Contains(s, "bob · Mar 10 15:00 (edited by neotui)") {
		t.Errorf("the note does not say who edited it:\n%s", s)
	}

	// Undo puts bob's text back: the undo expects the version the save made.
	m = press(t, m, "esc", "ctrl+z")
	if ns := mustNotes(t, st, l); ns[0].Body != "budget 8k" {
		t.Errorf("ctrl+z left %q, want bob's text back", ns[0].Body)
	}
}

func TestNoteDeletedMeanwhileKeepsDraft(t *testing.T) {
	ctx := context.Background()
	m, st, l := openNotes(t, 120, 40, func(st *store.Store, l store.Lead) {
		if _, err := st.AddNote(ctx, l.Bot, l.Key, "bob", "call back", testNow); err != nil {
			t.Fatal(err)
		}
	})
	m = press(t, m, "e")
	if _, err := st.DeleteNote(ctx, mustNotes(t, st, l)[0], "bob"); err != nil {
		t.Fatal(err)
	}
	m = paste(t, m, " on Monday")
	m = press(t, m, "ctrl+s")
	if !notesOf(m).editorOn || notesOf(m).editor.Value() != "call back on Monday" {
		t.Fatalf("the draft is gone: editor on %v with %q", notesOf(m).editorOn, notesOf(m).editor.Value())
	}
	if s := screen(m); !strings.Contains(s, "deleted meanwhile") || !strings.Contains(s, "New note") {
		t.Errorf("the overlay does not say the note is gone and the save adds one:\n%s", s)
	}
	m = press(t, m, "ctrl+s")
	if ns := mustNotes(t, st, l); len(ns) != 1 || ns[0].Body != "call back on Monday" || ns[0].Author != "neotui" {
		t.Errorf("the second ctrl+s did not add the draft as a note: %+v", ns)
	}
	// esc twice drops a kept draft, and its error.
	m = press(t, m, "e")
	if _, err := st.DeleteNote(ctx, mustNotes(t, st, l)[0], "bob"); err != nil {
		t.Fatal(err)
	}
	m = press(t, m, "ctrl+s", "esc")
	if !notesOf(m).editorOn {
		t.Fatal("one esc dropped a draft the store refused")
	}
	m = press(t, m, "esc")
	if notesOf(m).editorOn || strings.Contains(screen(m), "meanwhile") {
		t.Errorf("esc left the draft or its error:\n%s", screen(m))
	}
}

func TestNotesShowEditorAndSanitize(t *testing.T) {
	ctx := context.Background()
	m, _, _ := openNotes(t, 120, 40, func(st *store.Store, l store.Lead) {
		n, err := st.AddNote(ctx, l.Bot, l.Key, "bob", "quote sent \x1b]52;c;ZXZpbA==\a\x1b[31mred", testNow)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := st.EditNote(ctx, n, "quote sent \x1b]52;c;ZXZpbA==\a\x1b[31mred, accepted", testNow, "ana"); err != nil {
			t.Fatal(err)
		}
		if _, err := st.AddNote(ctx, l.Bot, l.Key, "ana", "mine", testNow.Add(time.Minute)); err != nil {
			t.Fatal(err)
		}
	})
	s := screen(m)
	if !strings.Contains(s, "bob · Mar 10 15:00 (edited by ana)") || !strings.Contains(s, "ana · Mar 10 15:01") || strings.Contains(s, "15:01 (edited") {
		t.Errorf("want bob's note edited by ana, ana's not edited:\n%s", s)
	}
	if raw := m.View().Content; strings.Contains(raw, "]52;") || strings.Contains(raw, "ZXZpbA") {
		t.Errorf("the note's escape sequence reached the screen: %q", raw)
	}
	// Editing another's note edits its screen-safe text.
	m = press(t, m, "e")
	if v := notesOf(m).editor.Value(); strings.ContainsRune(v, '\x1b') {
		t.Errorf("the editor holds an escape: %q", v)
	}
}

// TestNotesFit80x24: five long notes and the editor fit a small terminal:
// the editor and its hint stay on screen, the list scrolls.
func TestNotesFit80x24(t *testing.T) {
	ctx := context.Background()
	long := strings.Repeat("The visitor asked about the spring menu and a table for twelve. ", 8)
	m, _, _ := openNotes(t, 80, 24, func(st *store.Store, l store.Lead) {
		for i := range 5 {
			body := string(rune('A'+i)) + " " + long
			if _, err := st.AddNote(ctx, l.Bot, l.Key, "bob", body, testNow.Add(time.Duration(i)*time.Minute)); err != nil {
				t.Fatal(err)
			}
		}
	})
	checkFrame(t, m, 80, 24)
	s := screen(m)
	for _, want := range []string{"↓ 3 more", "a add · e edit · dd delete · esc close", "…"} {
		if !strings.Contains(s, want) {
			t.Errorf("the list at 80×24 does not show %q:\n%s", want, s)
		}
	}

	m = press(t, m, "j", "j", "j")
	s = screen(m)
	if !strings.Contains(s, "▌ bob · Mar 10 15:03") || !strings.Contains(s, "↑") || !strings.Contains(s, "↓ 1 more") {
		t.Errorf("the list did not scroll to the cursor's note (the fourth):\n%s", s)
	}

	m = press(t, m, "a")
	checkFrame(t, m, 80, 24)
	s = screen(m)
	for _, want := range []string{"Notes · ", "New note", "A note for the team", "ctrl+s save · ctrl+e edit in $EDITOR · esc cancel", "more"} {
		if !strings.Contains(s, want) {
			t.Errorf("with the editor open at 80×24 the screen lacks %q:\n%s", want, s)
		}
	}
	// The status and help lines below the overlay are still there.
	lines := strings.Split(s, "\n")
	hint := -1
	for i, l := range lines {
		if strings.Contains(l, "ctrl+s save · ctrl+e edit in $EDITOR · esc cancel") {
			hint = i
		}
	}
	if hint < 0 || hint > 24-4 {
		t.Errorf("the hint is on line %d, want it inside the overlay's box (lines 2..%d)", hint, 24-4)
	}
}

// A save refused after the user moved on to another lead's notes keeps its
// text: the status line says so, and opening that lead's notes again puts
// the text back in the editor.
func TestFailedSaveWaitsForItsLead(t *testing.T) {
	ctx := context.Background()
	m, st, l := openNotes(t, 120, 40, func(st *store.Store, l store.Lead) {
		if _, err := st.AddNote(ctx, l.Bot, l.Key, "bob", "budget 5k", testNow); err != nil {
			t.Fatal(err)
		}
	})
	m = press(t, m, "e")
	if _, err := st.EditNote(ctx, mustNotes(t, st, l)[0], "budget 8k", testNow, "bob"); err != nil {
		t.Fatal(err)
	}
	m = paste(t, m, ", call back Tuesday")
	next, save := m.Update(keyMsg("ctrl+s"))
	m = press(t, next.(Model), "esc", "j", "n")
	if notesOf(m) == nil || notesOf(m).isFor(l) {
		t.Fatal("the next lead's notes did not open")
	}
	m = settle(t, m, save)
	if !flashErr(m) || !strings.Contains(flashText(m), "not saved") {
		t.Errorf("status line %q: want the refused save named", flashText(m))
	}
	m = press(t, m, "esc", "k", "n")
	if notesOf(m) == nil || !notesOf(m).isFor(l) || !notesOf(m).editorOn ||
		!strings.Contains(notesOf(m).editor.Value(), "call back Tuesday") {
		t.Fatalf("the lead's notes came back without the text:\n%s", screen(m))
	}
	if !strings.Contains(notesOf(m).failure, "bob changed this note") {
		t.Errorf("the editor says %q, want why the text is not saved", notesOf(m).failure)
	}
}

// With no overlay up when the refusal comes, the notes reopen on it.
func TestFailedSaveReopensTheNotes(t *testing.T) {
	ctx := context.Background()
	m, st, l := openNotes(t, 120, 40, func(st *store.Store, l store.Lead) {
		if _, err := st.AddNote(ctx, l.Bot, l.Key, "bob", "budget 5k", testNow); err != nil {
			t.Fatal(err)
		}
	})
	m = press(t, m, "e")
	if _, err := st.DeleteNote(ctx, mustNotes(t, st, l)[0], "bob"); err != nil {
		t.Fatal(err)
	}
	m = paste(t, m, " (confirmed)")
	next, save := m.Update(keyMsg("ctrl+s"))
	m = press(t, next.(Model), "esc")
	if notesOf(m) != nil {
		t.Fatal("esc left the notes open")
	}
	m = settle(t, m, save)
	if notesOf(m) == nil || !notesOf(m).editorOn || !strings.Contains(notesOf(m).editor.Value(), "budget 5k (confirmed)") {
		t.Fatalf("the refused text did not come back:\n%s", screen(m))
	}
}

// Two saves of one lead that fail while the user is busy elsewhere both
// keep their text.
func TestTwoFailedSavesOfOneLeadKeepBothTexts(t *testing.T) {
	st, _ := fillStore(t, 40)
	m := start(t, st, 120, 40)
	l := selected(t, m)
	m = press(t, m, "s") // the status picker is up: the user is busy elsewhere
	busy := errors.New("database is locked")
	for _, d := range []string{"first note: call back Tuesday", "second note: budget 8k"} {
		next, cmd := m.Update(notesLoadedMsg{lead: l, failed: &failedSave{draft: d, err: busy}})
		m = settle(t, next.(Model), cmd)
	}
	m = press(t, m, "esc", "n") // the notes of that lead: the texts come back
	var got []string
	if notesOf(m) != nil && notesOf(m).editorOn {
		got = append(got, notesOf(m).editor.Value())
	}
	all := strings.Join(got, "|")
	for _, d := range []string{"first note", "second note"} {
		if !strings.Contains(all, d) {
			t.Errorf("the text %q of a failed save is lost; the editor holds %q", d, all)
		}
	}
}

// ana edits bob's note and takes the edit back just now; bob, whose notes
// were read before, saves an edit: the refusal names ana, not the note's
// unedited look.
func TestNoteConflictAfterARevertNamesTheReverter(t *testing.T) {
	st, _ := fillStore(t, 40)
	opts := testOptions(st)
	opts.User = "bob"
	m := New(opts)
	t.Cleanup(m.Close)
	m = settle(t, m, func() tea.Msg { return tea.WindowSizeMsg{Width: 120, Height: 40} }, m.Init())
	l := selected(t, m)
	ctx := context.Background()
	written := testNow.Add(-72 * time.Hour)
	orig, err := st.AddNote(ctx, l.Bot, l.Key, "bob", "budget 5k", written)
	if err != nil {
		t.Fatal(err)
	}
	m = press(t, m, "n") // bob's overlay reads version 1
	if notesOf(m) == nil || len(notesOf(m).notes) != 1 {
		t.Fatal("notes overlay did not load the note")
	}
	edit, err := st.EditNote(ctx, orig, "budget 8k", testNow.Add(-time.Minute), "ana")
	if err != nil {
		t.Fatal(err)
	}
	to := orig
	to.Version = edit.Version
	if _, err := st.RevertNote(ctx, to, testNow, "ana"); err != nil {
		t.Fatal(err)
	}
	m = press(t, m, "e")
	m = typeText(t, m, " call Tue")
	m = press(t, m, "ctrl+s")
	if !strings.Contains(notesOf(m).failure, "ana") {
		t.Errorf("refusal %q: ana's revert, just now, is what changed the note", notesOf(m).failure)
	}
}

// TestEscOverTypedTextAsksFirst: one stray esc never drops a note being
// typed; a second does; an editor with nothing typed closes at once.
func TestEscOverTypedTextAsksFirst(t *testing.T) {
	m, _, _ := openNotes(t, 80, 24, func(*store.Store, store.Lead) {})
	m = press(t, m, "a", "esc")
	if notesOf(m).editorOn {
		t.Fatal("esc in an empty editor did not close it")
	}
	m = press(t, m, "a")
	m = paste(t, m, "called, wants a quote")
	m = press(t, m, "esc")
	if !notesOf(m).editorOn || notesOf(m).editor.Value() != "called, wants a quote" {
		t.Fatal("one esc dropped the typed text")
	}
	if s := screen(m); !strings.Contains(s, "esc again drops your text") {
		t.Errorf("the editor does not say what a second esc does:\n%s", s)
	}
	m = press(t, m, "x", "esc") // typing on forgets the first esc
	if !notesOf(m).editorOn {
		t.Fatal("esc after more typing dropped the text at once")
	}
	m = press(t, m, "esc")
	if notesOf(m).editorOn {
		t.Error("a second esc did not drop the text")
	}
}

// TestQuitOverTypedTextAsksFirst: ctrl+c while a note is typed (or a
// refused note waits for its lead) says the text would be lost; pressed
// again, it quits.
func TestQuitOverTypedTextAsksFirst(t *testing.T) {
	m, _, _ := openNotes(t, 80, 24, func(*store.Store, store.Lead) {})
	m = press(t, m, "a")
	m = paste(t, m, "called, wants a quote")
	next, cmd := m.Update(keyMsg("ctrl+c"))
	m = next.(Model)
	if isQuit(cmd) {
		t.Fatal("ctrl+c quit over a note being typed")
	}
	if !strings.Contains(screen(m), "your note is not saved: ctrl+c again quits") {
		t.Errorf("ctrl+c does not warn:\n%s", screen(m))
	}
	if _, cmd = m.Update(keyMsg("ctrl+c")); !isQuit(cmd) {
		t.Error("a second ctrl+c did not quit")
	}

	st, _ := fillStore(t, 40)
	m = start(t, st, 80, 24)
	m.drafts = map[store.LeadRef]failedSave{{Bot: "b", Key: "k"}: {draft: "later"}}
	next, cmd = m.Update(keyMsg("q"))
	if isQuit(cmd) || !strings.Contains(screen(next.(Model)), "a note you wrote is not saved: q again") {
		t.Errorf("q quit over a refused note:\n%s", screen(next.(Model)))
	}
}

// TestBoxesOverAnOpenLeadShowTheirKeys: at 80×24 a lead opens full
// screen; the notes and menus opened from it show their own keys in the
// footer, not the transcript's.
func TestBoxesOverAnOpenLeadShowTheirKeys(t *testing.T) {
	st, _ := fillStore(t, 40)
	m := start(t, st, 80, 24)
	m = press(t, m, "enter", "n")
	if f := lastLine(screen(m)); !strings.Contains(f, "a add") || strings.Contains(f, "scroll") {
		t.Errorf("notes over an open lead: footer %q", f)
	}
	m = press(t, m, "a")
	if f := lastLine(screen(m)); !strings.Contains(f, "ctrl+s save") {
		t.Errorf("the note editor over an open lead: footer %q", f)
	}
	m = press(t, m, "esc", "esc", "s")
	if f := lastLine(screen(m)); !strings.Contains(f, "enter choose") {
		t.Errorf("the status menu over an open lead: footer %q", f)
	}
}

func lastLine(s string) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	return lines[len(lines)-1]
}

// TestUndoInTheNotesKeepsAPendingDelete: ctrl+z between the two d of dd
// takes the last action back and leaves the delete armed.
func TestUndoInTheNotesKeepsAPendingDelete(t *testing.T) {
	m, st, l := openNotes(t, 120, 40, func(st *store.Store, l store.Lead) {
		if _, err := st.AddNote(context.Background(), l.Bot, l.Key, "bob", "call back", testNow); err != nil {
			t.Fatal(err)
		}
	})
	m = press(t, m, "d", "ctrl+z", "d")
	if n := mustNotes(t, st, l); len(n) != 0 {
		t.Errorf("d, ctrl+z, d left %d notes, want the note deleted:\n%s", len(n), screen(m))
	}
}

// TestNoteIsSanitizedWhenSaved: what is stored is what everyone sees.
func TestNoteIsSanitizedWhenSaved(t *testing.T) {
	m, st, l := openNotes(t, 120, 40, func(*store.Store, store.Lead) {})
	m = press(t, m, "a")
	m = paste(t, m, "pay \u202eexe.txt now")
	press(t, m, "ctrl+s")
	n := mustNotes(t, st, l)
	if len(n) != 1 || n[0].Body != "pay exe.txt now" {
		t.Errorf("stored %+v, want one note of the text as shown: %q", n, "pay exe.txt now")
	}
}
