package tui

import (
	"strings"
	"testing"
	"time"
)

func TestParseJumpDay(t *testing.T) {
	loc := time.FixedZone("PST", -8*3600)
	now := time.Date(2026, 3, 11, 2, 0, 0, 0, time.UTC) // Tue Mar 10 18:00 in PST
	for in, want := range map[string]string{
		"today": "2026-03-10", "yesterday": "2026-03-09", " 2025-01-14 ": "2025-01-14",
		"3d": "2026-03-07", "0d": "2026-03-10", "2w": "2026-02-24",
		"monday": "2026-03-09", "TUE": "2026-03-10", "wednesday": "2026-03-04",
	} {
		got, err := parseJumpDay(in, now, loc)
		if err != nil || got.Format("2006-01-02") != want || got.Location() != loc || got.Hour() != 0 {
			t.Errorf("parseJumpDay(%q) = %v, %v; want local midnight of %s", in, got, err, want)
		}
	}
	for _, bad := range []string{"", "mo", "2025-13-01", "-3d", "3y", "next week"} {
		if _, err := parseJumpDay(bad, now, loc); err == nil || !strings.Contains(err.Error(), "is not a day") {
			t.Errorf("parseJumpDay(%q): %v", bad, err)
		}
	}
}

// ctrl+g takes a day and moves the list to the newest row of it, or of
// the nearest day before it, saying which; a bad day keeps the box open.
func TestJumpToADay(t *testing.T) {
	st, _ := fillStore(t, 60)
	m := press(t, paste(t, press(t, start(t, st, 120, 40), "2", "ctrl+g"), "x"), "enter")
	if p := pickerOf(m); p == nil || !strings.Contains(screen(m), "is not a day") {
		t.Fatalf("a bad day closed the box:\n%s", screen(m))
	}
	m = press(t, paste(t, press(t, m, "backspace"), "5d"), "enter")
	if pickerOf(m) != nil {
		t.Fatal("the box stayed open")
	}
	day := time.Date(2026, 3, 5, 0, 0, 0, 0, time.UTC) // testNow is Mar 10
	it, _ := sessionList(m).Selected()
	at := it.(dated).at()
	if !at.Before(day.AddDate(0, 0, 1)) {
		t.Errorf("jumped to %v, after the day asked for", at)
	}
	if row := selectedRow(sessionList(m)); row > 0 {
		if prev := sessionList(m).VisibleItem(row - 1).(dated).at(); prev.Before(day.AddDate(0, 0, 1)) {
			t.Errorf("jumped past %v, a newer row of the day", prev)
		}
	}
	if !strings.Contains(flashText(m), "Mar 0") {
		t.Errorf("the status line says %q", flashText(m))
	}
	m = press(t, paste(t, press(t, m, ":"), "2020-01-01"), "enter")
	if want := "no conversation on Wed Jan 01 2020 or before it"; flashText(m) != want {
		t.Errorf("before everything: %q, want %q", flashText(m), want)
	}
}

// v moves the inbox to the oldest lead since the last visit, just above
// the separator.
func TestJumpToTheLastVisit(t *testing.T) {
	st, _ := fillStore(t, 60)
	m := start(t, st, 120, 40)
	if m = press(t, m, "v"); flashText(m) != "a first visit: every lead is new" {
		t.Errorf("first visit: %q", flashText(m))
	}
	last := testNow.Add(-72 * time.Hour)
	next, cmd := m.Update(visitMsg{last: last})
	m = press(t, settle(t, next.(Model), cmd), "v")
	row := selectedRow(leadList(m))
	it, _ := leadList(m).Selected()
	if _, ok := leadList(m).VisibleItem(row + 1).(sepItem); !ok || !it.(dated).at().After(last) {
		t.Errorf("v selected row %d (%v), not the one above the separator", row, it)
	}
}

// A tab's title counts what it shows: the unseen view its unseen leads, a
// filter what it lets through of them.
func TestTabTitlesCountWhatTheyShow(t *testing.T) {
	st, _ := fillStore(t, 60)
	m := start(t, st, 120, 40)
	if !strings.Contains(screen(m), "1 Leads 15 ●15 ") {
		t.Fatalf("tab bar: %q", strings.SplitN(screen(m), "\n", 2)[0])
	}
	m = press(t, m, "enter", "esc", "j", "enter", "esc", "u")
	if bar := strings.SplitN(screen(m), "\n", 2)[0]; !strings.Contains(bar, "1 Leads 13 ●13 (unseen)") {
		t.Errorf("unseen view, two leads read: %q", bar)
	}
	m = press(t, m, "u", "2")
	m = press(t, paste(t, press(t, m, "/"), "zzzqqq"), "enter")
	if bar := strings.SplitN(screen(m), "\n", 2)[0]; !strings.Contains(bar, "2 Conversations 0/60") {
		t.Errorf("a filter that lets nothing through: %q", bar)
	}
}
