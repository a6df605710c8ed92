package tui

import (
	"fmt"
	"strings"
	"time"

	"github.com/charmbracelet/x/ansi"

	"github.com/neotui/neotui/tui/list"
)

// relative is how long ago t was, in at most 8 cells; a date, when it
// says more, is the day in loc, the zone of every time on screen.
func relative(t, now time.Time, loc *time.Location) string {
	d := now.Sub(t)
	t, now = t.In(loc), now.In(loc)
	switch {
	case t.IsZero():
		return "-"
	case d < time.Minute:
		return "just now"
	case d < time.Hour:
		return fmt.Sprintf("%dm ago", int(d.Minutes()))
	case d < 24*time.Hour:
		return fmt.Sprintf("%dh ago", int(d.Hours()))
	case d < 7*24*time.Hour:
		return fmt.Sprintf("%dd ago", int(d.Hours()/24))
	case t.Year() == now.Year():
		return t.Format("Jan 02") // older than a week, a date says more
	}
	return t.Format("2006-01")
}

// until is how long until t, in at most 6 cells: "5h", "3d", "Jan 02" (in
// loc).
func until(t, now time.Time, loc *time.Location) string {
	d := t.Sub(now)
	switch {
	case d < time.Hour:
		return fmt.Sprintf("%dm", max(int(d.Minutes()), 1))
	case d < 24*time.Hour:
		return fmt.Sprintf("%dh", int(d.Hours()))
	case d < 100*24*time.Hour:
		return fmt.Sprintf("%dd", int(d.Hours()/24))
	}
	return t.In(loc).Format("Jan 02")
}

// clock is t in the user's zone, as short as stays unambiguous.
func clock(t, now time.Time, loc *time.Location) string {
	if t.IsZero() {
		return ""
	}
	t, now = t.In(loc), now.In(loc)
	switch {
	case sameDay(t, now):
		return t.Format("15:04")
	case sameDay(t, now.AddDate(0, 0, -1)):
		return "yesterday " + t.Format("15:04")
	case t.Year() == now.Year():
		return t.Format("Jan 02 15:04")
	}
	return t.Format("2006-01-02")
}

func sameDay(a, b time.Time) bool {
	ay, am, ad := a.Date()
	by, bm, bd := b.Date()
	return ay == by && am == bm && ad == bd
}

// fitCell pads or truncates s to exactly w cells.
func fitCell(s string, w int) string {
	if w <= 0 {
		return ""
	}
	sw := list.Width(s)
	if sw > w {
		// A wide character that does not fit whole is left out: the cell
		// it would have half filled is padded, or the columns after it
		// move one cell left.
		s = ansi.Truncate(s, w, "…")
		sw = list.Width(s)
	}
	return s + strings.Repeat(" ", max(w-sw, 0))
}

// shortClock is t in the user's zone in at most 12 cells: 14:05 today,
// Mon 14:05 this week, Nov 02 14:05 before.
func shortClock(t, now time.Time, loc *time.Location) string {
	t, now = t.In(loc), now.In(loc)
	switch {
	case sameDay(t, now):
		return t.Format("15:04")
	case now.Sub(t) < 6*24*time.Hour:
		return t.Format("Mon 15:04")
	}
	return t.Format("Jan 02 15:04")
}
