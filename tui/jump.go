package tui

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/neotui/neotui/tui/list"
)

// Jumps: ctrl+g (or :) takes a day and moves a list to it; in the inbox, v
// moves to where the leads since the last visit begin.

// dated is a row with a time: the rows a jump looks through.
type dated interface{ at() time.Time }

func (it *leadItem) at() time.Time    { return it.lead.CreateTime }
func (it *sessionItem) at() time.Time { return time.Unix(0, it.created) }

// jumpMsg asks the list of tab to show day: the newest row on it or
// before it.
type jumpMsg struct {
	tab tab
	day time.Time // local midnight
}

// openJump asks for a day to jump to in the current tab's list.
func (m *Model) openJump() {
	sh, t := m.sh, m.tab
	p := newPicker(sh, "Jump to a day", nil, func(_ any, text string) tea.Cmd {
		day, err := parseJumpDay(text, sh.now(), sh.loc())
		if err != nil {
			return nil // check has vetted it
		}
		return func() tea.Msg { return jumpMsg{tab: t, day: day} }
	}).withInput("day: ", "").withCheck(func(text string) (string, error) {
		_, err := parseJumpDay(text, sh.now(), sh.loc())
		return text, err
	})
	p.input.Placeholder = "2025-01-14, 3d, monday"
	p.input.SetWidth(len(p.input.Placeholder) + 1)
	m.open(p)
}

// parseJumpDay reads a day to jump to, as local midnight: a date
// (YYYY-MM-DD), today, yesterday, a number of days or weeks ago (3d, 2w),
// or a weekday (the latest one, today included; "mon" will do).
func parseJumpDay(s string, now time.Time, loc *time.Location) (time.Time, error) {
	s = strings.ToLower(strings.TrimSpace(s))
	now = now.In(loc)
	today := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, loc)
	back := func(days int) time.Time { return today.AddDate(0, 0, -days) }
	switch s {
	case "today":
		return today, nil
	case "yesterday":
		return back(1), nil
	}
	if t, err := time.ParseInLocation("2006-01-02", s, loc); err == nil {
		return t, nil
	}
	if n := len(s); n >= 2 && (s[n-1] == 'd' || s[n-1] == 'w') {
		if count, err := strconv.Atoi(s[:n-1]); err == nil && count >= 0 && count <= 100*366 {
			if s[n-1] == 'w' {
				count *= 7
			}
			return back(count), nil
		}
	}
	if len(s) >= 3 {
		for d := range 7 {
			day := back(d)
			if strings.HasPrefix(strings.ToLower(day.Weekday().String()), s) {
				return day, nil
			}
		}
	}
	return time.Time{}, fmt.Errorf("%q is not a day: type YYYY-MM-DD, 3d, 2w, yesterday or a weekday", s)
}

// jumpTo moves l to the newest row of day or before it, and says what it
// found: that day, an earlier one, or nothing that old. The rows may be in
// any order (o): the newest such row is looked for among them all.
func jumpTo(l *list.Model, day time.Time, what string) string {
	end := day.AddDate(0, 0, 1)
	named := day.Format("Mon Jan 02 2006")
	best := -1
	var bestAt time.Time
	for row := range l.VisibleLen() {
		it, ok := l.VisibleItem(row).(dated)
		if !ok {
			continue
		}
		if at := it.at(); at.Before(end) && (best < 0 || at.After(bestAt)) {
			best, bestAt = row, at
		}
	}
	if best < 0 {
		return fmt.Sprintf("no %s on %s or before it", what, named)
	}
	l.Select(l.VisibleItem(best).Key())
	if at := bestAt.In(day.Location()); at.Before(day) {
		return fmt.Sprintf("no %s on %s: the nearest before it is from %s", what, named, at.Format("Mon Jan 02"))
	}
	return named
}

// jump moves the list of msg.tab to msg.day.
func (m *Model) jump(msg jumpMsg) {
	switch msg.tab {
	case tabLeads:
		m.flash(jumpTo(&m.leads.list, msg.day, "lead"), false)
	case tabSessions:
		m.flash(jumpTo(&m.sessions.list, msg.day, "conversation"), false)
	}
}

// toLastVisit moves the inbox to the oldest lead that came since the last
// visit, just above the separator, where reading them in order begins.
func (l *leadsModel) toLastVisit() string {
	if l.sort.order() != sortNewest {
		return "the last visit is marked in the newest-first order: o cycles back to it"
	}
	for row := range l.list.VisibleLen() {
		if _, ok := l.list.VisibleItem(row).(sepItem); ok && row > 0 {
			l.list.Select(l.list.VisibleItem(row - 1).Key())
			return "the oldest lead since your last visit; k reads on to the newest"
		}
	}
	if l.lastVisit.IsZero() {
		return "a first visit: every lead is new"
	}
	return "no lead since your last visit"
}

// jumpKey runs ctrl+g (or :) and v on a list.
func (m *Model) jumpKey(msg tea.KeyPressMsg) bool {
	k := m.sh.keys
	onList := !m.detailOpen && (m.tab == tabLeads || m.tab == tabSessions)
	switch {
	case onList && key.Matches(msg, k.Jump):
		m.openJump()
	case onList && m.tab == tabLeads && key.Matches(msg, k.LastVisit):
		m.flash(m.leads.toLastVisit(), false)
	default:
		return false
	}
	return true
}

// sortKey runs o on a list: its rows in the next order.
func (m *Model) sortKey(msg tea.KeyPressMsg) (bool, tea.Cmd) {
	if m.detailOpen || !key.Matches(msg, m.sh.keys.Sort) {
		return false, nil
	}
	var cmd tea.Cmd
	var sort *listSort
	switch m.tab {
	case tabLeads:
		cmd, sort = m.leads.cycleSort(), m.leads.sort
	case tabSessions:
		cmd, sort = m.sessions.cycleSort(), m.sessions.sort
	default:
		return false, nil
	}
	m.flash("sorted: "+sort.label()+" (o: next order)", false)
	return true, cmd
}
