package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
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

// StatusNames are the statuses as a user types them, in the order of
// Statuses: for help texts and completion.
func StatusNames() []string {
	names := make([]string, len(Statuses))
	for i, st := range Statuses {
		names[i] = string(st)
	}
	return names
}

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
	return fmt.Errorf("unknown status %q: use one of %s", s, strings.Join(StatusNames(), ", "))
}

// LeadRef names one lead among every bot's: a lead key is unique only
// within its bot.
type LeadRef struct {
	Bot string // the bot's serial
	Key string // the lead's key (Lead.Key)
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
	// "user" in quotes: PostgreSQL reads a bare user as the current user.
	switch err := s.db.QueryRowContext(ctx, `SELECT at FROM visits WHERE bot = ? AND "user" = ?`, bot, user).Scan(&at); {
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
		INSERT INTO visits (bot, "user", at) VALUES (?, ?, ?)
		ON CONFLICT (bot, "user") DO UPDATE SET at = `+s.dialect.greatest()+`(visits.at, excluded.at)`, bot, user, unixNano(at))
	if err != nil {
		return fmt.Errorf("record %s's visit: %w", user, err)
	}
	return nil
}
