package tui

import (
	"errors"
	"fmt"
	"strings"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/neotui/neotui/api"
	"github.com/neotui/neotui/internal/store"
)

// Triage: every action is one store transaction, made in a Cmd, reported
// by a triagedMsg, undoable with ctrl+z. An action on a lead someone else
// changed meanwhile is refused (store.ErrConflict) and the list reloads.

// undo is how to take one action back.
type undo struct {
	what   string
	change *store.Change // a triage change
	note   *store.Note   // a note: added (delete it), or deleted (restore it)
	added  bool
	edited *store.Note // a note's text before an edit
}

// triagedMsg reports a finished action.
type triagedMsg struct {
	what string // "marked contacted", "starred", …
	undo *undo  // nil: nothing to undo (an undo itself, or a failure)
	err  error
	// An undone triage change leaves the lead at a new version: the undo
	// entries below it on the stack must expect that one.
	undone *store.Change
	now    int64
}

// triage runs an action on the selected lead. act gets the lead's last
// seen version and returns the change. A conflict with a version this
// program wrote itself (two quick keys on one lead, before the list
// reloaded) is no conflict: the action goes again on that version.
func triage(sh *shared, l store.Lead, what string, act func(expect int64) (store.Change, error)) tea.Cmd {
	return func() tea.Msg {
		ch, err := act(l.Triage.Version)
		var ce *store.ConflictError
		if errors.As(err, &ce) && sh.wrote(ce.Key, ce.Current.Version) {
			ch, err = act(ce.Current.Version)
		}
		if err != nil {
			return triagedMsg{what: what, err: err}
		}
		sh.remember(ch)
		return triagedMsg{what: what, undo: &undo{what: what, change: &ch}}
	}
}

func setStatus(sh *shared, l store.Lead, st store.Status) tea.Cmd {
	return triage(sh, l, "marked "+string(st), func(v int64) (store.Change, error) {
		return sh.Store.SetStatus(sh.ctx, l.Bot, l.Key, st, v, sh.now(), sh.user())
	})
}

func toggleStar(sh *shared, l store.Lead) tea.Cmd {
	what := "starred"
	if l.Triage.Starred {
		what = "unstarred"
	}
	return triage(sh, l, what, func(v int64) (store.Change, error) {
		return sh.Store.SetStarred(sh.ctx, l.Bot, l.Key, !l.Triage.Starred, v, sh.now(), sh.user())
	})
}

func setSeen(sh *shared, l store.Lead, seen bool) tea.Cmd {
	what := "marked seen"
	if !seen {
		what = "marked unseen"
	}
	return triage(sh, l, what, func(v int64) (store.Change, error) {
		if seen {
			v = -1 // opening a lead marks it seen whatever happened meanwhile
		}
		return sh.Store.SetSeen(sh.ctx, l.Bot, l.Key, seen, v, sh.now(), sh.user())
	})
}

func snooze(sh *shared, l store.Lead, until time.Time) tea.Cmd {
	what := "snoozed until " + until.In(sh.loc()).Format("Mon Jan 02 15:04")
	if until.IsZero() {
		what = "woken"
	}
	return triage(sh, l, what, func(v int64) (store.Change, error) {
		return sh.Store.Snooze(sh.ctx, l.Bot, l.Key, until, v, sh.now(), sh.user())
	})
}

// undoLast takes the last action back.
func undoLast(sh *shared, u *undo) tea.Cmd {
	return func() tea.Msg {
		var err error
		switch {
		case u.change != nil:
			t, err := sh.Store.Undo(sh.ctx, *u.change, sh.now(), sh.user())
			sh.remember(store.Change{Bot: u.change.Bot, Key: u.change.Key, After: t})
			return triagedMsg{what: "undid: " + u.what, err: err, undone: u.change, now: t.Version}
		case u.note != nil && u.added:
			_, err = sh.Store.DeleteNote(sh.ctx, u.note.ID)
		case u.note != nil:
			_, err = sh.Store.RestoreNote(sh.ctx, *u.note)
		case u.edited != nil:
			_, err = sh.Store.EditNote(sh.ctx, u.edited.ID, u.edited.Body, sh.now())
		}
		return triagedMsg{what: "undid: " + u.what, err: err}
	}
}

// describeErr is a triage failure in one line.
func describeErr(what string, err error) string {
	if errors.Is(err, store.ErrConflict) {
		return "not " + what + ": " + err.Error() + " — reloaded; try again"
	}
	return fmt.Sprintf("could not %s: %v", strings.TrimPrefix(what, "marked "), err)
}

// snoozeChoices are the snooze picker's presets, in the user's zone:
// tomorrow morning, next Monday morning, or a typed date.
func snoozeChoices(now time.Time, loc *time.Location, snoozed bool) []choice {
	now = now.In(loc)
	morning := func(t time.Time) time.Time {
		return time.Date(t.Year(), t.Month(), t.Day(), 9, 0, 0, 0, loc)
	}
	tomorrow := morning(now.AddDate(0, 0, 1))
	days := (8 - int(now.Weekday())) % 7
	if days == 0 {
		days = 7
	}
	monday := morning(now.AddDate(0, 0, days))
	cs := []choice{
		{"t", "tomorrow, " + tomorrow.Format("Mon Jan 02 15:04"), tomorrow},
		{"w", "next week, " + monday.Format("Mon Jan 02 15:04"), monday},
	}
	if snoozed {
		cs = append(cs, choice{"x", "wake it now", time.Time{}})
	}
	return cs
}

// parseSnooze reads a typed date: YYYY-MM-DD (9:00 that day) or
// YYYY-MM-DD HH:MM, in the user's zone; it must be in the future.
func parseSnooze(s string, now time.Time, loc *time.Location) (time.Time, error) {
	for _, layout := range []string{"2006-01-02 15:04", "2006-01-02"} {
		t, err := time.ParseInLocation(layout, strings.TrimSpace(s), loc)
		if err != nil {
			continue
		}
		if layout == "2006-01-02" {
			t = t.Add(9 * time.Hour)
		}
		if !t.After(now) {
			return time.Time{}, fmt.Errorf("%s is not in the future", t.Format("2006-01-02 15:04"))
		}
		return t, nil
	}
	return time.Time{}, fmt.Errorf("%q is not a date: type YYYY-MM-DD or YYYY-MM-DD HH:MM", s)
}

func statusChoices() []choice {
	keys := map[store.Status]string{store.StatusNew: "n", store.StatusContacted: "c", store.StatusQualified: "q",
		store.StatusBooked: "b", store.StatusWon: "w", store.StatusLost: "l", store.StatusSpam: "x"}
	var cs []choice
	for _, st := range store.Statuses {
		cs = append(cs, choice{keys[st], string(st), st})
	}
	return cs
}

// isLead tells a lead row from other rows.
func isLead(t string) bool { return t == api.TypeLead || t == api.TypeAppointment }
