package syncer

import (
	"fmt"
	"math"
	"slices"
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

func TestRuns(t *testing.T) {
	for _, tt := range []struct {
		days []int
		want string
	}{
		{nil, "[]"},
		{[]int{1}, "[{1 1}]"},
		{[]int{1, 2, 3, 4, 5, 6, 7, 8, 9}, "[{1 9}]"},
		{[]int{1, 2, 5, 6, 7}, "[{5 7} {1 2}]"},
		{[]int{1, 3, 5}, "[{5 5} {3 3} {1 1}]"},
	} {
		days := make([]api.Day, len(tt.days))
		for i, d := range tt.days {
			days[i] = api.Day(d)
		}
		if got := fmt.Sprint(runs(days)); got != tt.want {
			t.Errorf("runs(%v) = %s, want %s", tt.days, got, tt.want)
		}
	}
}

// taken is every window q gives, newest first, at its width.
func taken(q *queue) string {
	var out []span
	for w, ok := q.next(); ok; w, ok = q.next() {
		out = append(out, w)
		q.done(w)
	}
	return fmt.Sprint(out)
}

func TestQueueCutsWindowsNewestFirst(t *testing.T) {
	for _, tt := range []struct {
		spans []span
		width int
		want  string
		left  int
	}{
		{nil, 31, "[]", 0},
		{[]span{{1, 90}}, 31, "[{60 90} {29 59} {1 28}]", 3},
		{[]span{{1, 9}}, 7, "[{3 9} {1 2}]", 2},
		{[]span{{5, 7}, {1, 2}}, 7, "[{5 7} {1 2}]", 2},
		{[]span{{1, 3}}, 1, "[{3 3} {2 2} {1 1}]", 3},
		{[]span{{1, 90}}, math.MaxInt, "[{1 90}]", 1},
	} {
		q := queue{spans: slices.Clone(tt.spans), width: tt.width}
		if n := q.left(); n != tt.left {
			t.Errorf("%v at %d: left = %d, want %d", tt.spans, tt.width, n, tt.left)
		}
		if got := taken(&q); got != tt.want {
			t.Errorf("%v at %d: windows %s, want %s", tt.spans, tt.width, got, tt.want)
		}
	}
}

// TestQueueNarrows: a window refused as too large is fetched as its newer
// half next, and the windows after it keep that width; a day cannot narrow.
func TestQueueNarrows(t *testing.T) {
	q := queue{spans: []span{{1, 90}}, width: 31}
	w, _ := q.next()
	if !q.narrow(w) || q.width != 16 {
		t.Fatalf("narrowing %v: width %d, want 16", w, q.width)
	}
	if got := taken(&q); got != "[{75 90} {59 74} {43 58} {27 42} {11 26} {1 10}]" {
		t.Errorf("after narrowing: %s", got)
	}
	for _, tt := range []struct {
		w     span
		width int
	}{{span{1, 2}, 1}, {span{1, 7}, 4}, {span{1, 8}, 4}} {
		q := queue{spans: []span{tt.w}, width: 31}
		if !q.narrow(tt.w) || q.width != tt.width {
			t.Errorf("narrowing %v: width %d, want %d", tt.w, q.width, tt.width)
		}
	}
	if q := (queue{spans: []span{{5, 5}}, width: 1}); q.narrow(span{5, 5}) {
		t.Error("a one-day window narrowed")
	}
}
