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

// Triage is what operators do with a lead — seen, status, star, snooze —
// kept locally (the API is read-only) under the lead's (bot, LeadKey), which
// every re-sync keeps. Several processes, and the sessions of an SSH server,
// share one store: each action is one write transaction that checks the
// version its caller last read, so nobody silently overwrites what someone
// else just did, and appends to triage_log, which the others poll.

// Status is where a lead stands in the operators' work.
type Status string

// The statuses, in the order of Statuses.
const (
	StatusNew       Status = "new"
	StatusContacted Status = "contacted"
	StatusQualified Status = "qualified"
	StatusBooked    Status = "booked"
	StatusWon       Status = "won"
	StatusLost      Status = "lost"
	StatusSpam      Status = "spam"
)

// Statuses lists every Status in the order a lead usually moves through them.
var Statuses = []Status{StatusNew, StatusContacted, StatusQualified, StatusBooked, StatusWon, StatusLost, StatusSpam}

// ParseStatus returns the Status named s, ignoring case and surrounding
// spaces.
func ParseStatus(s string) (Status, error) {
	name := strings.TrimSpace(s)
	for _, st := range Statuses {
		if strings.EqualFold(name, string(st)) {
			return st, nil
		}
	}
	return "", unknownStatus(s)
}

func unknownStatus(s string) error {
	names := make([]string, len(Statuses))
	for i, st := range Statuses {
		names[i] = string(st)
	}
	return fmt.Errorf("unknown status %q: use one of %s", s, strings.Join(names, ", "))
}

// Triage is a lead's local state. The zero value is a lead never touched:
// status new, unseen. Read from the store, Status is never "" and times are
// in UTC.
type Triage struct {
	Status       Status    // "" reads as StatusNew
	Starred      bool      // marked for attention
	SnoozedUntil time.Time // zero: not snoozed
	SeenAt       time.Time // zero: unseen; the first time anyone opened the lead
	UpdatedAt    time.Time // of the last change other than seen/unseen; zero if none
	UpdatedBy    string    // the operator who made it
	Version      int64     // 0 for a lead never touched; +1 per change
	Notes        int       // number of notes (read-only here)
}

// Snoozed reports whether the lead is snoozed at now.
func (t Triage) Snoozed(now time.Time) bool {
	return !t.SnoozedUntil.IsZero() && t.SnoozedUntil.After(now)
}

// sameState reports whether t and o hold the same operator-set state,
// whoever set it and when.
func (t Triage) sameState(o Triage) bool {
	return t.status() == o.status() && t.Starred == o.Starred &&
		t.SnoozedUntil.Equal(o.SnoozedUntil) && t.SeenAt.Equal(o.SeenAt)
}

func (t Triage) status() Status {
	if t.Status == "" {
		return StatusNew
	}
	return t.Status
}

// Change is one triage action, enough to undo it. An action that changed
// nothing (marking seen a lead already seen) has Before == After.
type Change struct {
	Bot, Key      string
	Before, After Triage
}

// Changed reports whether the action changed the lead (and so can be undone).
func (c Change) Changed() bool { return c.After.Version != c.Before.Version }

// ErrConflict means the lead changed since it was read, in another process
// or session, in a way that clashes with the action: triage actions return
// it as a *ConflictError saying who changed what and when. Notes wrap it for
// a note changed or restored meanwhile.
var ErrConflict = errors.New("the lead changed since it was read")

// ConflictError refuses an action on a lead that someone changed since the
// caller read it, in a field the action changes; errors.Is(err, ErrConflict)
// holds. Current is the lead's state now, to show the operator without
// another read.
type ConflictError struct {
	Bot, Key string
	Read     int64     // the version the caller read
	Current  Triage    // the version now stored
	By       string    // who made the clashing change
	At       time.Time // when, in UTC
	Fields   []string  // what it changed: seen, status, star, snooze
	// Clashes are every change since Read to touch a field the action
	// changes, newest first; By, At and Fields are the newest's. Empty when
	// unknown (the log was pruned).
	Clashes []Clash
}

// Clash is one change that stands in an action's way.
type Clash struct {
	Version int64
	By      string
	At      time.Time
	Field   string
}

// Blame describes the conflict by clash c rather than the newest: a caller
// that made the newer ones itself names the one that is someone else's.
func (e *ConflictError) Blame(c Clash) {
	e.By, e.At, e.Fields = c.By, c.At, []string{c.Field}
}

// Error says who changed what, when, and what to do.
func (e *ConflictError) Error() string {
	who := e.By
	if who == "" {
		who = "someone"
	}
	what := "it"
	if len(e.Fields) == 1 {
		what = map[string]string{fieldSeen: "whether it was seen", fieldStatus: "its status",
			fieldStar: "its star", fieldSnooze: "its snooze"}[e.Fields[0]]
	}
	if e.At.IsZero() {
		return fmt.Sprintf("%s: %s changed %s; reload it and try again", ErrConflict, who, what)
	}
	return fmt.Sprintf("%s: %s changed %s at %s; reload it and try again",
		ErrConflict, who, what, e.At.UTC().Format(time.RFC3339))
}

// Unwrap makes errors.Is(err, ErrConflict) hold.
func (e *ConflictError) Unwrap() error { return ErrConflict }

// Every action below is one write transaction (BEGIN IMMEDIATE), so it reads
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

// Triage returns the lead's state, or an error wrapping ErrNotFound if the
// lead is not stored.
func (s *Store) Triage(ctx context.Context, bot, key string) (Triage, error) {
	if err := requireBot(bot); err != nil {
		return Triage{}, err
	}
	t, err := readTriage(ctx, s.db, bot, key)
	if err != nil {
		return Triage{}, fmt.Errorf("read the lead's triage: %w", err)
	}
	return t, nil
}

// TriageSeq returns a number that grows with every triage and note change,
// by any process sharing the store: poll it, and reload when it moved. It
// is one read of the end of an index.
func (s *Store) TriageSeq(ctx context.Context) (int64, error) {
	var seq int64
	if err := s.db.QueryRowContext(ctx, triageSeqQuery).Scan(&seq); err != nil {
		return 0, fmt.Errorf("read the triage change count: %w", err)
	}
	return seq, nil
}

const triageSeqQuery = `SELECT coalesce(max(seq), 0) FROM triage_log`

// LastVisit returns when user last recorded a visit to bot, in UTC, or the
// zero time if never.
func (s *Store) LastVisit(ctx context.Context, bot, user string) (time.Time, error) {
	if err := requireBot(bot); err != nil {
		return time.Time{}, err
	}
	if err := checkName("operator", user); err != nil {
		return time.Time{}, err
	}
	var at int64
	switch err := s.db.QueryRowContext(ctx, `SELECT at FROM visits WHERE bot = ? AND user = ?`, bot, user).Scan(&at); {
	case errors.Is(err, sql.ErrNoRows):
		return time.Time{}, nil
	case err != nil:
		return time.Time{}, fmt.Errorf("read %s's last visit: %w", user, err)
	}
	return time.Unix(0, at).UTC(), nil
}

// RecordVisit records that user visited bot at at. A visit only moves
// forward: a session that started earlier and ends later does not make
// leads already shown count as new again.
func (s *Store) RecordVisit(ctx context.Context, bot, user string, at time.Time) error {
	if err := requireBot(bot); err != nil {
		return err
	}
	if err := checkName("operator", user); err != nil {
		return err
	}
	if at.IsZero() {
		return errors.New("record a visit: no time given")
	}
	_, err := s.db.ExecContext(ctx, `
		INSERT INTO visits (bot, user, at) VALUES (?, ?, ?)
		ON CONFLICT (bot, user) DO UPDATE SET at = max(at, excluded.at)`, bot, user, unixNano(at))
	if err != nil {
		return fmt.Errorf("record %s's visit: %w", user, err)
	}
	return nil
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

	tx, err := s.db.BeginTx(ctx, nil)
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
		bot, key, string(after.Status), after.Starred, nullTime(after.SnoozedUntil), nullTime(after.SeenAt),
		nullTime(after.UpdatedAt), after.UpdatedBy, after.Version); err != nil {
		return Change{}, fmt.Errorf("%s: %w", doing, err)
	}
	if what == "undo" {
		what = "undo " + strings.Join(changedFields(before, after), ",")
	}
	if err := logChange(ctx, tx, bot, key, at, by, what, after.Version, 0); err != nil {
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

// triageColumns, read with triageRow, are a lead's triage state and notes
// count, from leads l LEFT JOIN triage t.
const triageColumns = `
	t.status, t.starred, t.snoozed_until, t.seen_at, t.updated_at, t.updated_by, t.version, t.notes`

// triageRow scans triageColumns: all NULL for a lead with no triage row.
type triageRow struct {
	status, by                                 sql.NullString
	starred, snoozed, seen, at, version, notes sql.NullInt64
}

func (r *triageRow) dest() []any {
	return []any{&r.status, &r.starred, &r.snoozed, &r.seen, &r.at, &r.by, &r.version, &r.notes}
}

func (r *triageRow) triage() Triage {
	t := Triage{
		Status:       Status(r.status.String),
		Starred:      r.starred.Int64 != 0,
		SnoozedUntil: fromNull(r.snoozed),
		SeenAt:       fromNull(r.seen),
		UpdatedAt:    fromNull(r.at),
		UpdatedBy:    r.by.String,
		Version:      r.version.Int64,
		Notes:        int(r.notes.Int64),
	}
	t.Status = t.status()
	return t
}

// queryRower is a *sql.DB or a *sql.Tx.
type queryRower interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// querier is a *sql.DB or a *sql.Tx.
type querier interface {
	queryRower
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

// readTriage reads a stored lead's triage state, or fails with ErrNotFound.
func readTriage(ctx context.Context, q queryRower, bot, key string) (Triage, error) {
	var r triageRow
	err := q.QueryRowContext(ctx, `SELECT `+triageColumns+`
		FROM leads l LEFT JOIN triage t ON t.bot = l.bot AND t.lead_key = l.key
		WHERE l.bot = ? AND l.key = ?`, bot, key).Scan(r.dest()...)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return Triage{}, leadNotFound(bot, key)
	case err != nil:
		return Triage{}, err
	}
	return r.triage(), nil
}

// leadExists fails with ErrNotFound unless the lead is stored.
func leadExists(ctx context.Context, q queryRower, bot, key string) error {
	var one int
	err := q.QueryRowContext(ctx, `SELECT 1 FROM leads WHERE bot = ? AND key = ?`, bot, key).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return leadNotFound(bot, key)
	}
	return err
}

func leadNotFound(bot, key string) error {
	return fmt.Errorf("lead %s of %s: %w (sync to fetch it)", key, bot, ErrNotFound)
}

// triageLogKeep is how many of the newest triage_log rows are kept: readers
// only need the newest seq, and the rest is there to debug with.
var triageLogKeep int64 = 10_000

// logChange appends to triage_log, in the writer's transaction, and drops
// the rows beyond triageLogKeep. version and noteID are 0 when not relevant.
func logChange(ctx context.Context, tx *sql.Tx, bot, key string, at time.Time, by, what string, version, noteID int64) error {
	res, err := tx.ExecContext(ctx, `
		INSERT INTO triage_log (bot, lead_key, at, author, what, version, note_id) VALUES (?, ?, ?, ?, ?, ?, ?)`,
		bot, key, unixNano(at), by, what, nullInt(version), nullInt(noteID))
	if err != nil {
		return fmt.Errorf("log the change: %w", err)
	}
	seq, err := res.LastInsertId()
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

// storedTime is t as the store gives it back: UTC, nanoseconds, no
// monotonic reading; zero stays zero.
func storedTime(t time.Time) time.Time {
	if t.IsZero() {
		return time.Time{}
	}
	return time.Unix(0, unixNano(t)).UTC()
}

// nullTime stores a zero time as NULL.
func nullTime(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return unixNano(t)
}

func fromNull(n sql.NullInt64) time.Time {
	if !n.Valid {
		return time.Time{}
	}
	return time.Unix(0, n.Int64).UTC()
}

func nullInt(n int64) any {
	if n == 0 {
		return nil
	}
	return n
}
