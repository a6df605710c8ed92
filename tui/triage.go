package tui

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/neotui/neotui/internal/safetext"
	"github.com/neotui/neotui/internal/store"
)

// Triage: every action is one store transaction, made in a Cmd, reported
// by a triagedMsg, undoable with ctrl+z. An action on a lead someone else
// changed meanwhile is refused (store.ErrConflict) and the list reloads.

// undo is how to take one action back.
type undo struct {
	what   string
	lead   string        // the lead's name, to say which lead an undo changed
	change *store.Change // a triage change
	note   *store.Note   // a note: added (delete it), or deleted (restore it)
	added  bool
	edited *store.Note // a note as it was before an edit, at the version the edit made
}

// triagedMsg reports a finished action.
type triagedMsg struct {
	what  string // "marked contacted", "starred", …; for an error, what was tried: "star it"
	lead  string // the lead's name as shown, or ""
	quiet bool   // say nothing on success (marking seen on open)
	undo  *undo  // nil: nothing to undo (an undo itself, a no-op, a failure)
	err   error
	// A note an action left at a new version: the undo entries of that
	// note must expect it (an edit, then ctrl+z of the add before it).
	note *store.Note
	// woke is the lead a wake (z x) woke: Z back to the inbox shows it.
	woke store.LeadRef
}

// triage runs an action on lead l. act gets the version of the lead the
// user saw (see store.Operator.Act) and returns the change; doing says what was
// tried, for errors.
func triage(sh *shared, l store.Lead, doing string, act func(expect int64) (store.Change, error)) tea.Cmd {
	name := leadName(l)
	return func() tea.Msg {
		ch, err := sh.op.Act(l.Triage().Version, act)
		if err != nil {
			return triagedMsg{what: doing, lead: name, err: err}
		}
		if !ch.Changed() {
			return triagedMsg{what: alreadySo(doing), lead: name}
		}
		what := describeChange(ch, sh.loc())
		return triagedMsg{what: what, lead: name, undo: &undo{what: what, lead: name, change: &ch}}
	}
}

func setStatus(sh *shared, l store.Lead, st store.Status) tea.Cmd {
	return triage(sh, l, "mark it "+string(st), func(v int64) (store.Change, error) {
		return sh.Store.SetStatus(sh.ctx, l.Bot, l.Key, st, v, sh.now(), sh.user())
	})
}

// toggleStar flips the star on screen: a teammate who starred the lead
// meanwhile did what the user meant, which is no conflict. After a star
// change of this program's own (two quick presses before the list reloads)
// it flips that one: two presses are two toggles.
func toggleStar(sh *shared, l store.Lead) tea.Cmd {
	t := l.Triage()
	doing := "star it"
	if t.Starred {
		doing = "unstar it"
	}
	return triage(sh, l, doing, func(v int64) (store.Change, error) {
		star := !t.Starred
		if mine, ok := sh.op.StarredSince(store.LeadRef{Bot: l.Bot, Key: l.Key}, t.Version); ok {
			star = !mine
		}
		return sh.Store.SetStarred(sh.ctx, l.Bot, l.Key, star, v, sh.now(), sh.user())
	})
}

func setSeen(sh *shared, l store.Lead, seen bool) tea.Cmd {
	if seen {
		// Opening a lead marks it seen whatever happened meanwhile, quietly.
		name := leadName(l)
		return func() tea.Msg {
			// Through act, so that the version is known as this program's.
			_, err := sh.op.Act(-1, func(v int64) (store.Change, error) {
				return sh.Store.SetSeen(sh.ctx, l.Bot, l.Key, true, v, sh.now(), sh.user())
			})
			return triagedMsg{what: "mark it seen", lead: name, quiet: true, err: err}
		}
	}
	return triage(sh, l, "mark it unseen", func(v int64) (store.Change, error) {
		return sh.Store.SetSeen(sh.ctx, l.Bot, l.Key, false, v, sh.now(), sh.user())
	})
}

func snooze(sh *shared, l store.Lead, until time.Time) tea.Cmd {
	doing := "snooze it"
	if until.IsZero() {
		doing = "wake it"
	}
	act := triage(sh, l, doing, func(v int64) (store.Change, error) {
		return sh.Store.Snooze(sh.ctx, l.Bot, l.Key, until, v, sh.now(), sh.user())
	})
	if !until.IsZero() {
		return act
	}
	return func() tea.Msg {
		msg := act().(triagedMsg)
		if msg.err == nil {
			msg.woke = store.LeadRef{Bot: l.Bot, Key: l.Key}
		}
		return msg
	}
}

// alreadySo answers an action whose outcome was stored already.
func alreadySo(doing string) string {
	if st, ok := strings.CutPrefix(doing, "mark it "); ok {
		return "already " + st
	}
	switch doing {
	case "star it":
		return "already starred"
	case "unstar it":
		return "already unstarred"
	}
	return "nothing to change"
}

// describeChange says what a change did, in the past tense.
func describeChange(c store.Change, loc *time.Location) string {
	b, a := c.Before, c.After
	switch {
	case b.Status != a.Status:
		return "marked " + string(a.Status)
	case b.Starred != a.Starred && a.Starred:
		return "starred"
	case b.Starred != a.Starred:
		return "unstarred"
	case !b.SnoozedUntil.Equal(a.SnoozedUntil) && a.SnoozedUntil.IsZero():
		return "woken"
	case !b.SnoozedUntil.Equal(a.SnoozedUntil):
		return "snoozed until " + a.SnoozedUntil.In(loc).Format("Mon Jan 02 15:04")
	case a.SeenAt.IsZero():
		return "marked unseen"
	}
	return "marked seen"
}

// undoLast takes the last action back.
func undoLast(sh *shared, u *undo) tea.Cmd {
	undoing := "undo “" + u.what + "”"
	return func() tea.Msg {
		var err error
		switch {
		case u.change != nil:
			// Past this program's own later changes of the same field (an
			// undo below another on the stack); never past a teammate's.
			ch, err := sh.op.Act(u.change.After.Version, func(v int64) (store.Change, error) {
				c := *u.change
				c.After.Version = v
				return sh.Store.Undo(sh.ctx, c, sh.now(), sh.user())
			})
			switch {
			case err != nil:
				return triagedMsg{what: undoing, lead: u.lead, err: err}
			case !ch.Changed():
				return triagedMsg{what: "nothing to undo: as before “" + u.what + "” already", lead: u.lead}
			}
			return triagedMsg{what: "undid “" + u.what + "”", lead: u.lead}
		case u.note != nil && u.added:
			_, err = sh.Store.DeleteNote(sh.ctx, *u.note, sh.user())
		case u.note != nil:
			_, err = sh.Store.RestoreNote(sh.ctx, *u.note)
		case u.edited != nil:
			var after store.Note
			if after, err = sh.Store.RevertNote(sh.ctx, *u.edited, sh.now(), sh.user()); err == nil {
				return triagedMsg{what: "undid “" + u.what + "”", lead: u.lead, note: &after}
			}
		}
		if err != nil {
			return triagedMsg{what: undoing, lead: u.lead, err: err}
		}
		return triagedMsg{what: "undid “" + u.what + "”", lead: u.lead}
	}
}

// notSaved answers an action the store could not take, its server being
// unreachable: the action is not done, and nothing will do it later.
const notSaved = "not saved: the store is unreachable — try again when it is back"

// describeErr is a failed action in one line: doing is what was tried
// ("star it"), lead the lead's name.
func describeErr(sh *shared, lead, doing string, err error) string {
	if lead != "" {
		lead += ": "
	}
	// A refusal says who did what when, and what now: kept short, as the
	// status line is one line of 80 cells.
	next := "press again to override"
	if strings.HasPrefix(doing, "undo") {
		next = "not undone"
	}
	if store.IsUnreachable(err) && doing == "mark it seen" { // on opening it: no key pressed
		return lead + "not marked seen: the store is unreachable"
	}
	if store.IsUnreachable(err) {
		return lead + notSaved
	}
	var ce *store.ConflictError
	if errors.As(err, &ce) {
		return fmt.Sprintf("%s%s %s %s — %s", lead, sh.who(ce.By), describeField(ce, sh.loc()), relative(ce.At, sh.now(), sh.loc()), next)
	}
	var ne *store.NoteConflictError
	if errors.As(err, &ne) {
		return fmt.Sprintf("%s%s edited the note %s — %s", lead, sh.who(ne.By), relative(ne.At, sh.now(), sh.loc()), next)
	}
	if errors.Is(err, store.ErrNotFound) && strings.Contains(doing, "note") {
		return lead + "the note is gone (deleted meanwhile) — " + next
	}
	return fmt.Sprintf("%scould not %s: %v", lead, doing, err)
}

// describeField says what the clashing change made of the lead.
func describeField(ce *store.ConflictError, loc *time.Location) string {
	t, field := ce.Current, ""
	if len(ce.Fields) == 1 {
		field = ce.Fields[0]
	}
	switch {
	case field == "status":
		return "set it to " + string(t.Status)
	case field == "star" && t.Starred:
		return "starred it"
	case field == "star":
		return "unstarred it"
	case field == "snooze" && t.SnoozedUntil.IsZero():
		return "woke it"
	case field == "snooze":
		return "snoozed it until " + t.SnoozedUntil.In(loc).Format("Mon Jan 02 15:04")
	case field == "seen" && t.SeenAt.IsZero():
		return "marked it unseen"
	case field == "seen":
		return "opened it"
	}
	return "changed it"
}

// leadName is the lead's name for status lines: sanitized and short.
func leadName(l store.Lead) string {
	name := safetext.Line(strings.TrimSpace(l.Name))
	if name == "" {
		name = fmt.Sprintf("the lead of session %d", l.SessionID)
	}
	return ansi.Truncate(name, 24, "…")
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
	if days <= 1 {
		days += 7 // on Sunday and Monday, next week is not tomorrow or today
	}
	monday := morning(now.AddDate(0, 0, days))
	cs := []choice{
		{snoozeKeys.Tomorrow, "tomorrow, " + tomorrow.Format("Mon Jan 02 15:04"), tomorrow},
		{snoozeKeys.NextWeek, "next week, " + monday.Format("Mon Jan 02 15:04"), monday},
	}
	if snoozed {
		cs = append(cs, choice{snoozeKeys.Wake, "wake it now", time.Time{}})
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
			t = time.Date(t.Year(), t.Month(), t.Day(), 9, 0, 0, 0, loc) // 9:00 even on a DST day
		}
		if !t.After(now) {
			return time.Time{}, fmt.Errorf("%s is not in the future", t.Format("2006-01-02 15:04"))
		}
		return t, nil
	}
	return time.Time{}, fmt.Errorf("%q is not a date: type YYYY-MM-DD or YYYY-MM-DD HH:MM", s)
}

// snoozeKeys are the hotkeys of the snooze picker's presets.
var snoozeKeys = struct{ Tomorrow, NextWeek, Wake key.Binding }{
	newKey("t", "tomorrow"), newKey("w", "next week"), newKey("x", "wake"),
}

// statusKeys are the hotkeys of the status picker, by status.
var statusKeys = map[store.Status]string{store.StatusNew: "n", store.StatusContacted: "c", store.StatusQualified: "q",
	store.StatusBooked: "b", store.StatusWon: "w", store.StatusLost: "l", store.StatusSpam: "x"}

func statusChoices() []choice {
	var cs []choice
	for _, st := range store.Statuses {
		cs = append(cs, choice{newKey(statusKeys[st], string(st)), string(st), st})
	}
	return cs
}

// storeErrText is a store's error for a message: an unreachable server
// said plainly, not as the driver's dial error.
func storeErrText(err error) string {
	if store.IsUnreachable(err) {
		return "the store is unreachable"
	}
	return err.Error()
}
