package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"
)

// Note is an operator's note on a lead: plain text, kept as typed (it is
// sanitized on its way to a screen, like everything else).
type Note struct {
	ID                   int64 // never reused, even after a delete
	Bot, Key             string
	Author, Body         string
	CreatedAt, UpdatedAt time.Time // UTC
	// Version is 1 when added, +1 per edit: EditNote and DeleteNote refuse
	// a note whose version moved since the caller read it.
	Version int64
	// EditedBy is who edited the note last; "" if no one did (or only
	// before schema version 3, when editors were not recorded).
	EditedBy string
}

// NoteMax bounds a note's body, in bytes.
const NoteMax = 64 << 10

// Each note write is one transaction that also appends to triage_log (see
// TriageSeq). Edits and deletes name the note as the caller last read it:
// if someone edited it since, they fail with a *NoteConflictError instead
// of the last write silently winning.

// NoteConflictError refuses an edit or delete of a note someone edited
// since the caller read it; errors.Is(err, ErrConflict) holds. Current is
// the note as stored now: show it, or pass it back to EditNote to save over
// it.
type NoteConflictError struct {
	Read    int64 // the version the caller read
	Current Note
	// By and At are who changed the note last and when, from the change
	// log: an undone edit leaves the note reading as unedited, but someone
	// still changed it.
	By string
	At time.Time
}

// Error says who edited the note, when, and what to do.
func (e *NoteConflictError) Error() string {
	who := e.By
	if who == "" {
		who = "someone"
	}
	return fmt.Sprintf("the note changed since it was read: %s edited it at %s (version %d, you had %d); reload it and try again",
		who, e.At.UTC().Format(time.RFC3339), e.Current.Version, e.Read)
}

// Unwrap makes errors.Is(err, ErrConflict) hold.
func (e *NoteConflictError) Unwrap() error { return ErrConflict }

// Notes returns the lead's notes, oldest first.
func (s *Store) Notes(ctx context.Context, bot, key string) ([]Note, error) {
	if err := requireBot(bot); err != nil {
		return nil, err
	}
	rows, err := s.db.QueryContext(ctx, `
		SELECT id, author, body, created_at, updated_at, version, edited_by FROM notes
		WHERE bot = ? AND lead_key = ? ORDER BY created_at, id`, bot, key)
	if err != nil {
		return nil, fmt.Errorf("read notes: %w", err)
	}
	defer rows.Close()
	var notes []Note
	for rows.Next() {
		n := Note{Bot: bot, Key: key}
		var created, updated int64
		if err := rows.Scan(&n.ID, &n.Author, &n.Body, &created, &updated, &n.Version, &n.EditedBy); err != nil {
			return nil, fmt.Errorf("read notes: %w", err)
		}
		n.CreatedAt, n.UpdatedAt = time.Unix(0, created).UTC(), time.Unix(0, updated).UTC()
		notes = append(notes, n)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read notes: %w", err)
	}
	return notes, nil
}

// AddNote adds a note by author to a stored lead.
func (s *Store) AddNote(ctx context.Context, bot, key, author, body string, at time.Time) (Note, error) {
	n := Note{Bot: bot, Key: key, Author: author, Body: body, CreatedAt: storedTime(at), UpdatedAt: storedTime(at), Version: 1}
	if err := s.insertNote(ctx, &n, "note-add", at); err != nil {
		return Note{}, fmt.Errorf("add a note: %w", err)
	}
	return n, nil
}

// RestoreNote puts back a note DeleteNote returned, under its old id, and
// returns it as stored. Ids are never reused, so the id is taken only if the
// note is back already (restored twice, or by another session): that is
// refused with an error wrapping ErrConflict rather than making a copy. A
// Note with ID 0 gets a new id. The note keeps its version and editor, so
// that a session which read it before the delete may still edit it.
func (s *Store) RestoreNote(ctx context.Context, n Note) (Note, error) {
	if n.CreatedAt.IsZero() || n.UpdatedAt.IsZero() {
		return Note{}, errors.New("restore a note: the note has no times: pass the Note that DeleteNote returned")
	}
	n.CreatedAt, n.UpdatedAt = storedTime(n.CreatedAt), storedTime(n.UpdatedAt)
	n.Version = max(n.Version, 1)
	// RestoreNote is told neither who nor when: the log takes the clock and
	// the note's author.
	if err := s.insertNote(ctx, &n, "note-restore", time.Now()); err != nil {
		return Note{}, fmt.Errorf("restore a note: %w", err)
	}
	return n, nil
}

// insertNote stores n, setting n.ID if it is 0, and logs what at at.
func (s *Store) insertNote(ctx context.Context, n *Note, what string, at time.Time) error {
	if err := requireBot(n.Bot); err != nil {
		return err
	}
	if err := checkName("author", n.Author); err != nil {
		return err
	}
	if n.EditedBy != "" {
		if err := checkName("editor", n.EditedBy); err != nil {
			return err
		}
	}
	if err := checkBody(n.Body); err != nil {
		return err
	}
	if n.CreatedAt.IsZero() {
		return errors.New("no time given")
	}
	tx, err := s.begin(ctx, lockTriage)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if err := leadExists(ctx, tx, n.Bot, n.Key); err != nil {
		return err
	}
	if n.ID != 0 {
		var one int
		switch err := tx.QueryRowContext(ctx, `SELECT 1 FROM notes WHERE id = ?`, n.ID).Scan(&one); {
		case err == nil:
			return fmt.Errorf("note %d is already there (restored twice?): %w", n.ID, ErrConflict)
		case !errors.Is(err, sql.ErrNoRows):
			return err
		}
	}
	// Without an id the database chooses the next one.
	columns, args := `(bot, lead_key, author, body, created_at, updated_at, version, edited_by)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
		[]any{n.Bot, n.Key, n.Author, n.Body, unixNano(n.CreatedAt), unixNano(n.UpdatedAt), n.Version, n.EditedBy}
	if n.ID != 0 {
		columns, args = `(id, bot, lead_key, author, body, created_at, updated_at, version, edited_by)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, append([]any{n.ID}, args...)
	}
	if err := tx.QueryRowContext(ctx, `INSERT INTO notes `+columns+` RETURNING id`, args...).Scan(&n.ID); err != nil {
		return err
	}
	if err := logChange(ctx, tx, n.Bot, n.Key, at, n.Author, what, 0, n.ID); err != nil {
		return err
	}
	if err := s.notify(ctx, tx, NoticeTriage, n.Bot); err != nil {
		return err
	}
	return tx.Commit()
}

// EditNote replaces the body of read, the note as the caller last read it,
// recording by as its editor. It fails with a *NoteConflictError if someone
// edited the note since (read.Version is not the stored one), and with
// ErrNotFound if the note is gone (deleted elsewhere). An unchanged body
// writes nothing.
func (s *Store) EditNote(ctx context.Context, read Note, body string, at time.Time, by string) (Note, error) {
	n, err := s.editNote(ctx, read, body, at, by, at, by)
	if err != nil {
		return Note{}, fmt.Errorf("edit note %d: %w", read.ID, err)
	}
	return n, nil
}

// RevertNote undoes an edit: it writes back to's body, edit time and
// editor, to being the note as it was before the edit but with Version the
// one the note is at now. So a note edited and reverted reads as never
// edited. It fails as EditNote does if someone changed the note since; at
// and by are the revert's, for the log.
func (s *Store) RevertNote(ctx context.Context, to Note, at time.Time, by string) (Note, error) {
	if to.UpdatedAt.IsZero() {
		return Note{}, fmt.Errorf("revert note %d: the note has no edit time: pass it as read before the edit", to.ID)
	}
	n, err := s.editNote(ctx, to, to.Body, to.UpdatedAt, to.EditedBy, at, by)
	if err != nil {
		return Note{}, fmt.Errorf("revert note %d: %w", to.ID, err)
	}
	return n, nil
}

// editNote sets read's body, edit time and editor as its next version, and
// logs the change as by's at at.
func (s *Store) editNote(ctx context.Context, read Note, body string, updated time.Time, editor string, at time.Time, by string) (Note, error) {
	if err := checkBody(body); err != nil {
		return Note{}, err
	}
	if err := checkName("editor", by); err != nil {
		return Note{}, err
	}
	if editor != "" {
		if err := checkName("editor", editor); err != nil {
			return Note{}, err
		}
	}
	if at.IsZero() {
		return Note{}, errors.New("no time given")
	}
	tx, err := s.begin(ctx, lockTriage)
	if err != nil {
		return Note{}, err
	}
	defer tx.Rollback()
	n, err := readNote(ctx, tx, read)
	if err != nil {
		return Note{}, err
	}
	if n.Body == body {
		return n, nil
	}
	n.Body, n.UpdatedAt, n.Version, n.EditedBy = body, storedTime(updated), n.Version+1, editor
	if _, err := tx.ExecContext(ctx, `UPDATE notes SET body = ?, updated_at = ?, version = ?, edited_by = ? WHERE id = ?`,
		n.Body, unixNano(n.UpdatedAt), n.Version, n.EditedBy, n.ID); err != nil {
		return Note{}, err
	}
	if err := logChange(ctx, tx, n.Bot, n.Key, at, by, "note-edit", 0, n.ID); err != nil {
		return Note{}, err
	}
	if err := s.notify(ctx, tx, NoticeTriage, n.Bot); err != nil {
		return Note{}, err
	}
	if err := tx.Commit(); err != nil {
		return Note{}, err
	}
	return n, nil
}

// DeleteNote deletes read, the note as the caller last read it, and
// returns it, for RestoreNote to undo the delete. by is who deletes it. It
// fails with a *NoteConflictError if someone edited the note since, and
// with ErrNotFound if it is already gone.
func (s *Store) DeleteNote(ctx context.Context, read Note, by string) (Note, error) {
	id := read.ID
	if err := checkName("editor", by); err != nil {
		return Note{}, fmt.Errorf("delete note %d: %w", id, err)
	}
	tx, err := s.begin(ctx, lockTriage)
	if err != nil {
		return Note{}, fmt.Errorf("delete note %d: %w", id, err)
	}
	defer tx.Rollback()
	n, err := readNote(ctx, tx, read)
	if err != nil {
		return Note{}, fmt.Errorf("delete note %d: %w", id, err)
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM notes WHERE id = ?`, id); err != nil {
		return Note{}, fmt.Errorf("delete note %d: %w", id, err)
	}
	// DeleteNote is not told when: the log takes the clock.
	if err := logChange(ctx, tx, n.Bot, n.Key, time.Now(), by, "note-delete", 0, id); err != nil {
		return Note{}, fmt.Errorf("delete note %d: %w", id, err)
	}
	if err := s.notify(ctx, tx, NoticeTriage, n.Bot); err != nil {
		return Note{}, fmt.Errorf("delete note %d: %w", id, err)
	}
	if err := tx.Commit(); err != nil {
		return Note{}, fmt.Errorf("delete note %d: %w", id, err)
	}
	return n, nil
}

// readNote reads the note read names, in tx, and checks that it is still at
// the version read.
func readNote(ctx context.Context, tx *sql.Tx, read Note) (Note, error) {
	n := Note{ID: read.ID}
	var created, updated int64
	err := tx.QueryRowContext(ctx, `
		SELECT bot, lead_key, author, body, created_at, updated_at, version, edited_by FROM notes WHERE id = ?`, read.ID).
		Scan(&n.Bot, &n.Key, &n.Author, &n.Body, &created, &updated, &n.Version, &n.EditedBy)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return Note{}, fmt.Errorf("%w (someone may have deleted it)", ErrNotFound)
	case err != nil:
		return Note{}, err
	}
	n.CreatedAt, n.UpdatedAt = time.Unix(0, created).UTC(), time.Unix(0, updated).UTC()
	if n.Version != read.Version {
		ce := &NoteConflictError{Read: read.Version, Current: n, By: n.EditedBy, At: n.UpdatedAt}
		var at int64
		if err := tx.QueryRowContext(ctx, `
			SELECT author, at FROM triage_log WHERE bot = ? AND lead_key = ? AND note_id = ?
			ORDER BY seq DESC LIMIT 1`, n.Bot, n.Key, n.ID).Scan(&ce.By, &at); err == nil {
			ce.At = time.Unix(0, at).UTC()
		}
		return Note{}, ce
	}
	return n, nil
}

// checkBody refuses an empty (or all-blank) body, one over NoteMax, and
// bytes that are not UTF-8; anything else is kept exactly as typed.
func checkBody(body string) error {
	switch {
	case strings.TrimSpace(body) == "":
		return errors.New("the note is empty: type something or cancel")
	case len(body) > NoteMax:
		return fmt.Errorf("the note is %d KiB, more than the %d KiB a note may hold: shorten it", (len(body)+1023)>>10, NoteMax>>10)
	case !utf8.ValidString(body):
		return errors.New("the note is not valid UTF-8 text")
	}
	return nil
}
