package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Every action below is one write transaction (lockTriage), so it reads
// the version and writes the next one with no other writer in between.
// expect is the Version the caller last saw: if someone changed, since
// then, a field the action changes, the action changes nothing and returns
// a *ConflictError; changes to other fields do not stand in its way (see
// clash). expect < 0 applies regardless (marking seen on open must not
// fail). An action whose outcome is already stored writes nothing and is no
// conflict: no new version, nothing in the log.
// at is when the operator acted and by who they are (see checkName). The
// lead must be stored, else the error wraps ErrNotFound.

// SetSeen marks the lead seen at at, or unseen. A lead already seen keeps
// the time it was first seen.
func (s *Store) SetSeen(ctx context.Context, bot, key string, seen bool, expect int64, at time.Time, by string) (Change, error) {
	return s.act(ctx, "mark the lead seen", "seen", bot, key, expect, at, by, func(t *Triage) {
		switch {
		case !seen:
			t.SeenAt = time.Time{}
		case t.SeenAt.IsZero():
			t.SeenAt = storedTime(at)
		}
	})
}

// SetStatus sets the lead's status; "" means StatusNew.
func (s *Store) SetStatus(ctx context.Context, bot, key string, st Status, expect int64, at time.Time, by string) (Change, error) {
	if st == "" {
		st = StatusNew
	}
	if !slices.Contains(Statuses, st) {
		return Change{}, fmt.Errorf("set the lead's status: %w", unknownStatus(string(st)))
	}
	return s.act(ctx, "set the lead's status", "status", bot, key, expect, at, by, func(t *Triage) {
		t.Status = st
	})
}

// ToggleStar stars the lead if it is not starred, else unstars it: decided
// on the stored state, so two quick toggles are two toggles.
func (s *Store) ToggleStar(ctx context.Context, bot, key string, expect int64, at time.Time, by string) (Change, error) {
	return s.act(ctx, "star the lead", "star", bot, key, expect, at, by, func(t *Triage) {
		t.Starred = !t.Starred
	})
}

// SetStarred stars or unstars the lead.
func (s *Store) SetStarred(ctx context.Context, bot, key string, starred bool, expect int64, at time.Time, by string) (Change, error) {
	return s.act(ctx, "star the lead", "star", bot, key, expect, at, by, func(t *Triage) {
		t.Starred = starred
	})
}

// Snooze hides the lead from lists that hide snoozed leads until until; a
// zero until wakes it now.
func (s *Store) Snooze(ctx context.Context, bot, key string, until time.Time, expect int64, at time.Time, by string) (Change, error) {
	return s.act(ctx, "snooze the lead", "snooze", bot, key, expect, at, by, func(t *Triage) {
		t.SnoozedUntil = storedTime(until)
	})
}

// Undo puts back what c changed (status, star, snooze or seen, as in
// c.Before) unless someone changed that field since, when it returns a
// *ConflictError; other fields keep what they hold now. The undo is a change
// of its own: a new version, by by at at, which it returns. Undoing a Change
// that changed nothing, or whose fields hold c.Before already, changes
// nothing.
func (s *Store) Undo(ctx context.Context, c Change, at time.Time, by string) (Change, error) {
	ch, err := s.act(ctx, "undo", "undo", c.Bot, c.Key, c.After.Version, at, by, func(t *Triage) {
		if !c.Changed() {
			return
		}
		for _, f := range changedFields(c.Before, c.After) {
			switch f {
			case fieldSeen:
				t.SeenAt = storedTime(c.Before.SeenAt)
			case fieldStatus:
				t.Status = c.Before.status()
			case fieldStar:
				t.Starred = c.Before.Starred
			case fieldSnooze:
				t.SnoozedUntil = storedTime(c.Before.SnoozedUntil)
			}
		}
	})
	return ch, err
}

// act runs one triage action: apply changes a copy of the stored state.
// doing says what for errors; what names the action in the log.
func (s *Store) act(ctx context.Context, doing, what, bot, key string, expect int64, at time.Time, by string, apply func(*Triage)) (Change, error) {
	if err := checkAction(bot, key, at, by); err != nil {
		return Change{}, fmt.Errorf("%s: %w", doing, err)
	}
	// settle ends the action when it would change nothing or conflicts.
	settle := func(q querier, cur Triage) (Change, Triage, bool, error) {
		after := cur
		apply(&after)
		if after.sameState(cur) {
			// Already so, whoever made it so: nothing to refuse, nothing to write.
			return Change{Bot: bot, Key: key, Before: cur, After: cur}, cur, true, nil
		}
		if expect >= 0 && cur.Version != expect {
			if err := clash(ctx, q, bot, key, expect, cur, changedFields(cur, after)); err != nil {
				return Change{}, Triage{}, true, err
			}
		}
		return Change{}, after, false, nil
	}
	// First without the write lock, which a sync may hold for a while: a
	// lead opened again is already seen, and a change that clashes clashes
	// for good (versions only grow). Both outcomes write nothing, so deciding
	// them on this snapshot is as if the action ran when it was taken.
	cur, err := readTriage(ctx, s.db, bot, key)
	if err != nil {
		return Change{}, fmt.Errorf("%s: %w", doing, err)
	}
	if c, _, done, err := settle(s.db, cur); done {
		return c, err
	}

	tx, err := s.begin(ctx, lockTriage)
	if err != nil {
		return Change{}, fmt.Errorf("%s: %w", doing, err)
	}
	defer tx.Rollback()
	before, err := readTriage(ctx, tx, bot, key)
	if err != nil {
		return Change{}, fmt.Errorf("%s: %w", doing, err)
	}
	c, after, done, err := settle(tx, before)
	if done {
		return c, err
	}
	after.Status = after.status()
	after.Version = before.Version + 1
	if !slices.Equal(changedFields(before, after), []string{fieldSeen}) {
		// Being opened (or marked unseen) is no decision: the lead's last
		// change stays whoever's it was.
		after.UpdatedAt, after.UpdatedBy = storedTime(at), by
	}
	if _, err := tx.ExecContext(ctx, `
		INSERT INTO triage (bot, lead_key, status, starred, snoozed_until, seen_at, updated_at, updated_by, version)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (bot, lead_key) DO UPDATE SET
			status = excluded.status, starred = excluded.starred, snoozed_until = excluded.snoozed_until,
			seen_at = excluded.seen_at, updated_at = excluded.updated_at, updated_by = excluded.updated_by,
			version = excluded.version`,
		bot, key, string(after.Status), boolInt(after.Starred), nullTime(after.SnoozedUntil), nullTime(after.SeenAt),
		nullTime(after.UpdatedAt), after.UpdatedBy, after.Version); err != nil {
		return Change{}, fmt.Errorf("%s: %w", doing, err)
	}
	if what == "undo" {
		what = "undo " + strings.Join(changedFields(before, after), ",")
	}
	if err := logChange(ctx, tx, bot, key, at, by, what, after.Version, 0); err != nil {
		return Change{}, fmt.Errorf("%s: %w", doing, err)
	}
	if err := s.notify(ctx, tx, NoticeTriage, bot); err != nil {
		return Change{}, fmt.Errorf("%s: %w", doing, err)
	}
	if err := tx.Commit(); err != nil {
		return Change{}, fmt.Errorf("%s: %w", doing, err)
	}
	return Change{Bot: bot, Key: key, Before: before, After: after}, nil
}

// The fields of a lead's triage, as triage_log names them.
const (
	fieldSeen   = "seen"
	fieldStatus = "status"
	fieldStar   = "star"
	fieldSnooze = "snooze"
)

// changedFields names the fields that differ between a and b.
func changedFields(a, b Triage) []string {
	var fs []string
	if !a.SeenAt.Equal(b.SeenAt) {
		fs = append(fs, fieldSeen)
	}
	if a.status() != b.status() {
		fs = append(fs, fieldStatus)
	}
	if a.Starred != b.Starred {
		fs = append(fs, fieldStar)
	}
	if !a.SnoozedUntil.Equal(b.SnoozedUntil) {
		fs = append(fs, fieldSnooze)
	}
	return fs
}

// loggedFields names the fields a triage_log row changed. An undo logged
// before the fields were written ("undo") counts as changing them all.
func loggedFields(what string) []string {
	switch {
	case what == "undo":
		return []string{fieldSeen, fieldStatus, fieldStar, fieldSnooze}
	case strings.HasPrefix(what, "undo "):
		return strings.Split(strings.TrimPrefix(what, "undo "), ",")
	}
	return []string{what}
}

const clashQuery = `
	SELECT what, author, at, version FROM triage_log
	WHERE bot = ? AND lead_key = ? AND version > ? AND version <= ?
	ORDER BY version DESC`

// clash decides an action on the lead at version cur.Version by a caller
// who read version read: it is refused with a *ConflictError only if a
// change in between touched one of the fields it changes. A teammate
// merely opening the lead (seen) does not refuse someone's status change,
// and two people starring and setting a status at once both win. When the
// log no longer holds every change in between, the action is refused.
func clash(ctx context.Context, q querier, bot, key string, read int64, cur Triage, fields []string) error {
	refuse := &ConflictError{Bot: bot, Key: key, Read: read, Current: cur,
		By: cur.UpdatedBy, At: cur.UpdatedAt, Fields: fields}
	if read > cur.Version {
		return refuse
	}
	rows, err := q.QueryContext(ctx, clashQuery, bot, key, read, cur.Version)
	if err != nil {
		return err
	}
	defer rows.Close()
	var n int64
	for rows.Next() {
		var what, by string
		var at, version int64
		if err := rows.Scan(&what, &by, &at, &version); err != nil {
			return err
		}
		n++
		for _, f := range loggedFields(what) {
			if slices.Contains(fields, f) {
				c := Clash{Version: version, By: by, At: time.Unix(0, at).UTC(), Field: f}
				if len(refuse.Clashes) == 0 {
					refuse.Blame(c)
				}
				refuse.Clashes = append(refuse.Clashes, c)
				break
			}
		}
	}
	if err := rows.Err(); err != nil {
		return err
	}
	switch {
	case n != cur.Version-read:
		refuse.Clashes = nil
		return refuse // pruned from the log: cannot tell what changed
	case len(refuse.Clashes) > 0:
		return refuse
	}
	return nil
}

// triageLogKeep is how many of the newest triage_log rows are kept: readers
// only need the newest seq, and the rest is there to debug with.
var triageLogKeep int64 = 10_000

// logChange appends to triage_log, in the writer's transaction, and drops
// the rows beyond triageLogKeep. version and noteID are 0 when not relevant.
func logChange(ctx context.Context, tx *sql.Tx, bot, key string, at time.Time, by, what string, version, noteID int64) error {
	var seq int64
	err := tx.QueryRowContext(ctx, `
		INSERT INTO triage_log (bot, lead_key, at, author, what, version, note_id) VALUES (?, ?, ?, ?, ?, ?, ?)
		RETURNING seq`,
		bot, key, unixNano(at), by, what, nullInt(version), nullInt(noteID)).Scan(&seq)
	if err != nil {
		return fmt.Errorf("log the change: %w", err)
	}
	if seq > triageLogKeep {
		if _, err := tx.ExecContext(ctx, `DELETE FROM triage_log WHERE seq <= ?`, seq-triageLogKeep); err != nil {
			return fmt.Errorf("prune the change log: %w", err)
		}
	}
	return nil
}

func checkAction(bot, key string, at time.Time, by string) error {
	if err := requireBot(bot); err != nil {
		return err
	}
	if key == "" {
		return errors.New("no lead key given")
	}
	if at.IsZero() {
		return errors.New("no time given")
	}
	return checkName("operator", by)
}

// nameMax bounds operator names, in bytes.
const nameMax = 256

// checkName refuses an operator or author name that is empty, too long, not
// UTF-8, or holds control characters (C0, DEL, C1, bidi controls). Names are
// $USER or an SSH user name, which an SSH client chooses freely; the store
// keeps them as given, so it refuses what could disguise them on a screen.
func checkName(kind, name string) error {
	switch {
	case name == "":
		return fmt.Errorf("no %s name given", kind)
	case len(name) > nameMax:
		return fmt.Errorf("%s name %.40q… is longer than %d bytes", kind, name, nameMax)
	case !utf8.ValidString(name):
		return fmt.Errorf("%s name %q is not valid UTF-8", kind, name)
	}
	for _, r := range name {
		if unicode.IsControl(r) || unicode.Is(unicode.Bidi_Control, r) {
			return fmt.Errorf("%s name %q holds a control character (%U)", kind, name, r)
		}
	}
	return nil
}
