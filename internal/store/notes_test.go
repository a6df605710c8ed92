package store

import (
	"context"
	"database/sql"
	"errors"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestNotes(t *testing.T) {
	a, b := openTwice(t)
	ctx := context.Background()
	keys := saveTestLeads(t, a, testBot, 2)
	notes := func(key string) []Note {
		t.Helper()
		ns, err := b.Notes(ctx, testBot, key)
		if err != nil {
			t.Fatal(err)
		}
		return ns
	}
	if ns := notes(keys[0]); len(ns) != 0 {
		t.Fatalf("a new lead has notes %+v", ns)
	}

	t1, t2 := actAt, actAt.Add(time.Hour)
	// Kept exactly as typed: the screen sanitizes, the store keeps the truth.
	body := "called José 🙂\n\tno answer \x1b[31m"
	second, err := a.AddNote(ctx, testBot, keys[0], "bo", "second, written first", t2)
	if err != nil {
		t.Fatal(err)
	}
	first, err := a.AddNote(ctx, testBot, keys[0], "ana", body, t1.In(time.FixedZone("X", 3600)))
	if err != nil {
		t.Fatal(err)
	}
	want := Note{ID: first.ID, Bot: testBot, Key: keys[0], Author: "ana", Body: body, CreatedAt: t1, UpdatedAt: t1, Version: 1}
	if first != want {
		t.Errorf("AddNote = %+v, want %+v", first, want)
	}
	if ns := notes(keys[0]); !slices.Equal(ns, []Note{first, second}) {
		t.Errorf("Notes = %+v, want oldest first", ns)
	}
	if ns := notes(keys[1]); len(ns) != 0 {
		t.Errorf("another lead's notes: %+v", ns)
	}
	if tr := mustTriage(t, b, testBot, keys[0]); tr.Notes != 2 || tr.Version != 0 {
		t.Errorf("triage = %+v, want 2 notes and no triage change", tr)
	}

	edited, err := a.EditNote(ctx, first, "called twice", t2, "ana")
	if err != nil {
		t.Fatal(err)
	}
	want.Body, want.UpdatedAt, want.Version, want.EditedBy = "called twice", t2, 2, "ana"
	if edited != want || notes(keys[0])[0] != want {
		t.Errorf("EditNote = %+v, want %+v", edited, want)
	}

	deleted, err := a.DeleteNote(ctx, edited, "ana")
	if err != nil || deleted != want {
		t.Fatalf("DeleteNote = %+v, %v; want %+v", deleted, err, want)
	}
	if ns := notes(keys[0]); !slices.Equal(ns, []Note{second}) {
		t.Errorf("after the delete: %+v", ns)
	}
	if tr := mustTriage(t, b, testBot, keys[0]); tr.Notes != 1 {
		t.Errorf("after the delete the lead counts %d notes", tr.Notes)
	}
	for name, err := range map[string]error{
		"edit":   func() error { _, err := b.EditNote(ctx, edited, "x", t2, "bo"); return err }(),
		"delete": func() error { _, err := b.DeleteNote(ctx, edited, "bo"); return err }(),
	} {
		if !errors.Is(err, ErrNotFound) {
			t.Errorf("%s of a deleted note: err = %v, want ErrNotFound", name, err)
		}
	}

	// A note added since does not take the deleted note's id.
	third, err := b.AddNote(ctx, testBot, keys[0], "bo", "third", t2)
	if err != nil || third.ID == first.ID {
		t.Fatalf("AddNote = %+v, %v; want a new id", third, err)
	}
	restored, err := a.RestoreNote(ctx, deleted)
	if err != nil || restored != want {
		t.Fatalf("RestoreNote = %+v, %v; want %+v under its old id", restored, err, want)
	}
	if ns := notes(keys[0]); !slices.Equal(ns, []Note{want, second, third}) {
		t.Errorf("after the restore: %+v", ns)
	}
	if tr := mustTriage(t, b, testBot, keys[0]); tr.Notes != 3 || tr.Version != 0 {
		t.Errorf("after the restore the lead reads %+v, want 3 notes, version 0", tr)
	}
	if _, err := b.RestoreNote(ctx, deleted); !errors.Is(err, ErrConflict) {
		t.Errorf("restoring twice: err = %v, want ErrConflict", err)
	}
	if n := len(notes(keys[0])); n != 3 {
		t.Errorf("restoring twice made %d notes", n)
	}
	fresh := deleted
	fresh.ID = 0
	if n, err := a.RestoreNote(ctx, fresh); err != nil || n.ID <= third.ID {
		t.Errorf("RestoreNote of a note without id = %+v, %v; want a new id", n, err)
	}
}

func TestNoteRefusals(t *testing.T) {
	s := openStore(t)
	ctx := context.Background()
	key := saveTestLeads(t, s, testBot, 1)[0]
	n, err := s.AddNote(ctx, testBot, key, "ana", strings.Repeat("é", NoteMax/2), actAt)
	if err != nil {
		t.Fatalf("a note of exactly %d bytes: %v", NoteMax, err)
	}
	seq := triageSeq(t, s)
	for _, tc := range []struct {
		name string
		err  func() error
		want string
	}{
		{"empty", func() error { _, err := s.AddNote(ctx, testBot, key, "ana", "", actAt); return err }, "empty"},
		{"blank", func() error { _, err := s.AddNote(ctx, testBot, key, "ana", " \n\t ", actAt); return err }, "empty"},
		{"oversized", func() error {
			_, err := s.AddNote(ctx, testBot, key, "ana", strings.Repeat("x", NoteMax+1), actAt)
			return err
		}, "65 KiB, more than the 64 KiB"},
		{"not UTF-8", func() error { _, err := s.AddNote(ctx, testBot, key, "ana", "a\xffb", actAt); return err }, "UTF-8"},
		{"edit to empty", func() error { _, err := s.EditNote(ctx, n, "  ", actAt, "ana"); return err }, "empty"},
		{"edit oversized", func() error { _, err := s.EditNote(ctx, n, n.Body+"x", actAt, "ana"); return err }, "64 KiB"},
		{"edit by no one", func() error { _, err := s.EditNote(ctx, n, "hi", actAt, ""); return err }, "no editor"},
		{"delete by an escape", func() error { _, err := s.DeleteNote(ctx, n, "bo\x1b[2J"); return err }, "control character"},
		{"author with an escape", func() error { _, err := s.AddNote(ctx, testBot, key, "ana\x1b]0;x\a", "hi", actAt); return err }, "control character"},
		{"no author", func() error { _, err := s.AddNote(ctx, testBot, key, "", "hi", actAt); return err }, "no author"},
		{"no time", func() error { _, err := s.AddNote(ctx, testBot, key, "ana", "hi", time.Time{}); return err }, "no time"},
		{"unknown lead", func() error { _, err := s.AddNote(ctx, testBot, "nope", "ana", "hi", actAt); return err }, "not found"},
		{"restore without times", func() error {
			_, err := s.RestoreNote(ctx, Note{Bot: testBot, Key: key, Author: "ana", Body: "hi"})
			return err
		}, "DeleteNote"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if err := tc.err(); err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err = %v, want one saying %q", err, tc.want)
			}
		})
	}
	if got, _ := s.Notes(ctx, testBot, key); len(got) != 1 || got[0] != n || triageSeq(t, s) != seq {
		t.Errorf("refused writes changed the notes: %d notes", len(got))
	}
}

// TestNoteConflicts: two operators on one note. A write based on a stale
// read is refused, says who changed the note, and changes nothing; a
// fresh read, or the conflict's Current, goes through.
func TestNoteConflicts(t *testing.T) {
	ana, bob := openTwice(t)
	ctx := context.Background()
	key := saveTestLeads(t, ana, testBot, 1)[0]
	t1, t2, t3 := actAt, actAt.Add(time.Hour), actAt.Add(2*time.Hour)
	read, err := ana.AddNote(ctx, testBot, key, "ana", "call back Monday", t1)
	if err != nil {
		t.Fatal(err)
	}
	// Both read the note; bob edits it first.
	bobs, err := bob.EditNote(ctx, read, "call back Tuesday", t2, "bob")
	if err != nil {
		t.Fatal(err)
	}
	if bobs.Version != 2 || bobs.EditedBy != "bob" || bobs.Author != "ana" || !bobs.UpdatedAt.Equal(t2) {
		t.Errorf("bob's edit = %+v, want version 2 by bob, author still ana", bobs)
	}
	seq := triageSeq(t, ana)
	for name, err := range map[string]error{
		"edit":   func() error { _, err := ana.EditNote(ctx, read, "call back Wednesday", t3, "ana"); return err }(),
		"delete": func() error { _, err := ana.DeleteNote(ctx, read, "ana"); return err }(),
	} {
		var ce *NoteConflictError
		if !errors.Is(err, ErrConflict) || !errors.As(err, &ce) {
			t.Errorf("%s after bob's edit: err = %v, want a *NoteConflictError", name, err)
			continue
		}
		if ce.Read != 1 || ce.Current != bobs {
			t.Errorf("%s: conflict read %d, current %+v; want 1 and bob's note", name, ce.Read, ce.Current)
		}
		if msg := err.Error(); !strings.Contains(msg, "bob edited it at 2024-03-01T10:30:00Z") {
			t.Errorf("%s: %q does not say who edited the note and when", name, msg)
		}
	}
	// Even a body equal to the stored one is refused on a stale read.
	if _, err := ana.EditNote(ctx, read, bobs.Body, t3, "ana"); !errors.Is(err, ErrConflict) {
		t.Errorf("stale edit to the stored body: err = %v, want ErrConflict", err)
	}
	if ns, _ := ana.Notes(ctx, testBot, key); len(ns) != 1 || ns[0] != bobs || triageSeq(t, ana) != seq {
		t.Fatalf("refused writes changed the notes: %+v", ns)
	}

	// Ana reads again (or takes the conflict's Current) and saves over.
	ns, err := ana.Notes(ctx, testBot, key)
	if err != nil || len(ns) != 1 {
		t.Fatal(ns, err)
	}
	anas, err := ana.EditNote(ctx, ns[0], "call back Wednesday", t3, "ana")
	if err != nil || anas.Version != 3 || anas.EditedBy != "ana" {
		t.Fatalf("edit after a fresh read = %+v, %v", anas, err)
	}
	if _, err := bob.DeleteNote(ctx, bobs, "bob"); !errors.Is(err, ErrConflict) {
		t.Errorf("bob's delete after ana's edit: err = %v, want ErrConflict", err)
	}
	if _, err := bob.DeleteNote(ctx, anas, "bob"); err != nil {
		t.Errorf("bob's delete of the note as now stored: %v", err)
	}
	if _, err := ana.EditNote(ctx, anas, "too late", t3, "ana"); !errors.Is(err, ErrNotFound) || errors.Is(err, ErrConflict) {
		t.Errorf("edit of a deleted note: err = %v, want ErrNotFound only", err)
	}
}

// TestRevertNote: undoing an edit brings back the text, edit time and
// editor, as a new version, unless someone changed the note since.
func TestRevertNote(t *testing.T) {
	ana, bob := openTwice(t)
	ctx := context.Background()
	key := saveTestLeads(t, ana, testBot, 1)[0]
	orig, err := ana.AddNote(ctx, testBot, key, "ana", "budget 5k", actAt)
	if err != nil {
		t.Fatal(err)
	}
	edit, err := ana.EditNote(ctx, orig, "budget 8k", actAt.Add(time.Minute), "ana")
	if err != nil {
		t.Fatal(err)
	}
	to := orig
	to.Version = edit.Version
	back, err := ana.RevertNote(ctx, to, actAt.Add(2*time.Minute), "ana")
	if err != nil {
		t.Fatal(err)
	}
	if back.Body != "budget 5k" || !back.UpdatedAt.Equal(orig.CreatedAt) || back.EditedBy != "" || back.Version != 3 {
		t.Errorf("reverted = %+v, want the original text, time and no editor at version 3", back)
	}
	if ns, _ := bob.Notes(ctx, testBot, key); len(ns) != 1 || ns[0] != back {
		t.Errorf("stored = %+v, want %+v", ns, back)
	}
	// bob edits; a revert expecting version 3 is refused and changes nothing.
	bobs, err := bob.EditNote(ctx, back, "budget 9k", actAt.Add(3*time.Minute), "bob")
	if err != nil {
		t.Fatal(err)
	}
	late := edit
	late.Body, late.Version = "budget 8k", back.Version
	if _, err := ana.RevertNote(ctx, late, actAt.Add(4*time.Minute), "ana"); !errors.Is(err, ErrConflict) {
		t.Errorf("revert over bob's edit: err = %v, want ErrConflict", err)
	}
	if ns, _ := ana.Notes(ctx, testBot, key); len(ns) != 1 || ns[0] != bobs {
		t.Errorf("the refused revert changed the note: %+v", ns)
	}
}

// TestNoteEditorLogged: the editor and deleter, not the author, are who the
// change log names.
func TestNoteEditorLogged(t *testing.T) {
	s := openStore(t)
	ctx := context.Background()
	key := saveTestLeads(t, s, testBot, 1)[0]
	n, err := s.AddNote(ctx, testBot, key, "bob", "budget 5k", actAt)
	if err != nil {
		t.Fatal(err)
	}
	if n, err = s.EditNote(ctx, n, "budget 8k", actAt.Add(time.Minute), "ana"); err != nil {
		t.Fatal(err)
	}
	if ns, _ := s.Notes(ctx, testBot, key); len(ns) != 1 || ns[0].EditedBy != "ana" || ns[0].Author != "bob" {
		t.Errorf("Notes = %+v, want author bob, edited by ana", ns)
	}
	if _, err := s.DeleteNote(ctx, n, "cy"); err != nil {
		t.Fatal(err)
	}
	rows, err := s.db.Query(`SELECT what, author FROM triage_log WHERE note_id = ? ORDER BY seq`, n.ID)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var got []string
	for rows.Next() {
		var what, author string
		if err := rows.Scan(&what, &author); err != nil {
			t.Fatal(err)
		}
		got = append(got, what+" "+author)
	}
	if want := []string{"note-add bob", "note-edit ana", "note-delete cy"}; !slices.Equal(got, want) {
		t.Errorf("log %q, want %q", got, want)
	}
}

// TestMigrateVersion2 opens a store written by a neotui that knew up to
// migration 2, whose notes had no versions or editors.
func TestMigrateVersion2(t *testing.T) {
	sqliteOnly(t, "SQLite's history of migrations; PostgreSQL's starts at today's schema")
	path := filepath.Join(t.TempDir(), "neotui.db")
	db, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{migrations[0], migrations[1], "PRAGMA user_version = 2",
		`INSERT INTO leads (bot, key, type, name, email, phone, create_time, create_ns, day, content, session_id, uri, count, hash)
			VALUES ('bot-a', 'k0', 'Lead', 'x', '', '', '2024-01-01T00:00:00Z', 0, 0, '', 1, '', 0, x'00')`,
		// Edited before migration 3: updated_at is later than created_at.
		`INSERT INTO notes (id, bot, lead_key, author, body, created_at, updated_at) VALUES (7, 'bot-a', 'k0', 'bob', 'old', 1, 2)`,
	} {
		if _, err := db.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	db.Close()

	s, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var version int
	s.db.QueryRow("PRAGMA user_version").Scan(&version)
	if version != len(migrations) || version < 3 {
		t.Fatalf("user_version = %d", version)
	}
	ctx := context.Background()
	ns, err := s.Notes(ctx, testBot, "k0")
	want := Note{ID: 7, Bot: testBot, Key: "k0", Author: "bob", Body: "old",
		CreatedAt: time.Unix(0, 1).UTC(), UpdatedAt: time.Unix(0, 2).UTC(), Version: 1}
	if err != nil || len(ns) != 1 || ns[0] != want {
		t.Fatalf("the old note reads %+v, %v; want %+v", ns, err, want)
	}
	edited, err := s.EditNote(ctx, ns[0], "new", actAt, "ana")
	if err != nil || edited.Version != 2 || edited.EditedBy != "ana" {
		t.Errorf("EditNote of the old note = %+v, %v", edited, err)
	}
	if tr := mustTriage(t, s, testBot, "k0"); tr.Notes != 1 {
		t.Errorf("the lead counts %d notes, want 1", tr.Notes)
	}
	checkIntegrity(t, s)
}
