package store

import (
	"context"
	"errors"
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
	want := Note{ID: first.ID, Bot: testBot, Key: keys[0], Author: "ana", Body: body, CreatedAt: t1, UpdatedAt: t1}
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

	edited, err := a.EditNote(ctx, first.ID, "called twice", t2)
	if err != nil {
		t.Fatal(err)
	}
	want.Body, want.UpdatedAt = "called twice", t2
	if edited != want || notes(keys[0])[0] != want {
		t.Errorf("EditNote = %+v, want %+v", edited, want)
	}

	deleted, err := a.DeleteNote(ctx, first.ID)
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
		"edit":   func() error { _, err := b.EditNote(ctx, first.ID, "x", t2); return err }(),
		"delete": func() error { _, err := b.DeleteNote(ctx, first.ID); return err }(),
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
		{"edit to empty", func() error { _, err := s.EditNote(ctx, n.ID, "  ", actAt); return err }, "empty"},
		{"edit oversized", func() error { _, err := s.EditNote(ctx, n.ID, n.Body+"x", actAt); return err }, "64 KiB"},
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
