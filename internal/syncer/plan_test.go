package syncer

import (
	"fmt"
	"testing"
	"time"

	"github.com/neotui/neotui/api"
)

func TestStale(t *testing.T) {
	now := time.Date(2025, 3, 10, 9, 0, 0, 0, time.UTC)
	today := api.DayOf(now)
	after := func(d api.Day) time.Time { return d.End().Add(time.Hour) }
	marks := map[api.Day]time.Time{
		today - 5: after(today - 5),                  // complete
		today - 4: (today - 4).Time().Add(time.Hour), // fetched while it ran
		today - 3: after(today - 3),                  // complete
		today - 1: after(today - 1),                  // yesterday: always again
		today:     now,
	}
	got := fmt.Sprint(stale(today-6, today+2, marks, now, time.Time{}))
	want := fmt.Sprint([]api.Day{today - 6, today - 4, today - 2, today - 1, today})
	if got != want {
		t.Errorf("stale = %s, want %s", got, want)
	}
	// Behind a sync that began an hour ago: what it fetched (today) is
	// fresh; yesterday, fetched before it began, is not.
	got = fmt.Sprint(stale(today-6, today+2, marks, now, now.Add(-time.Hour)))
	want = fmt.Sprint([]api.Day{today - 6, today - 4, today - 2, today - 1})
	if got != want {
		t.Errorf("stale behind another sync = %s, want %s", got, want)
	}
}

func TestWindows(t *testing.T) {
	d := func(days ...int) []api.Day {
		out := make([]api.Day, len(days))
		for i, x := range days {
			out[i] = api.Day(x)
		}
		return out
	}
	tests := []struct {
		days []api.Day
		size int
		want string
	}{
		{nil, 7, "[]"},
		{d(1), 7, "[{1 1}]"},
		{d(1, 2, 3, 4, 5, 6, 7, 8, 9), 7, "[{3 9} {1 2}]"},
		{d(1, 2, 5, 6, 7), 7, "[{5 7} {1 2}]"},
		{d(1, 2, 3), 1, "[{3 3} {2 2} {1 1}]"},
	}
	for _, tt := range tests {
		if got := fmt.Sprint(windows(tt.days, tt.size)); got != tt.want {
			t.Errorf("windows(%v, %d) = %s, want %s", tt.days, tt.size, got, tt.want)
		}
	}
}

func TestHalves(t *testing.T) {
	for _, tt := range []struct {
		s            span
		newer, older string
	}{
		{span{1, 2}, "{2 2}", "{1 1}"},
		{span{1, 7}, "{4 7}", "{1 3}"},
		{span{1, 8}, "{5 8}", "{1 4}"},
	} {
		n, o := tt.s.halves()
		if fmt.Sprint(n) != tt.newer || fmt.Sprint(o) != tt.older {
			t.Errorf("%v halves = %v %v", tt.s, n, o)
		}
	}
}
