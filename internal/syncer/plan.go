package syncer

import (
	"time"

	"github.com/neotui/neotui/api"
)

// span is an inclusive range of UTC days.
type span struct{ from, to api.Day }

func (s span) days() int { return int(s.to-s.from) + 1 }

// stale returns, ascending, the days of from..to that need fetching: those
// never fetched, today and yesterday (late records still arrive for them),
// and any day last fetched before it had ended — except, for all of these,
// days fetched since joined (not zero): the start of a sync this one waited
// for, which asked for them as this one would have. Days after today are
// dropped.
func stale(from, to api.Day, marks map[api.Day]time.Time, now, joined time.Time) []api.Day {
	today := api.DayOf(now)
	to = min(to, today)
	var out []api.Day
	for d := from; d <= to; d++ {
		fetched, ok := marks[d]
		fresh := !joined.IsZero() && !fetched.Before(joined)
		if !ok || !fresh && (d >= today-1 || fetched.Before(d.End())) {
			out = append(out, d)
		}
	}
	return out
}

// runs groups ascending days into spans of consecutive days, newest first:
// the newest data is what a user looks at first.
func runs(days []api.Day) []span {
	var out []span
	for i := len(days) - 1; i >= 0; {
		r := span{days[i], days[i]}
		for i--; i >= 0 && days[i] == r.from-1; i-- {
			r.from = days[i]
		}
		out = append(out, r)
	}
	return out
}

// cover is the one span from the first to the last day, for the leads
// endpoint, where one request is cheaper than several even if it refetches
// a few complete days in between.
func cover(days []api.Day) []span {
	if len(days) == 0 {
		return nil
	}
	return []span{{days[0], days[len(days)-1]}}
}

// queue is what a sync has left to fetch from one endpoint: spans, newest
// first, cut into windows of at most width days as they are taken, so that
// a width narrowed by Neoagent's 413 holds for every window after it.
type queue struct {
	spans []span
	width int
}

// next is the window to fetch next: the newest width days of the newest
// span; false when nothing is left.
func (q *queue) next() (span, bool) {
	if len(q.spans) == 0 {
		return span{}, false
	}
	w := q.spans[0]
	if w.days() > q.width {
		w.from = w.to - api.Day(q.width) + 1
	}
	return w, true
}

// done takes w, the window next returned, off the queue.
func (q *queue) done(w span) {
	if w.from == q.spans[0].from {
		q.spans = q.spans[1:]
	} else {
		q.spans[0].to = w.from - 1
	}
}

// narrow makes the width half of w's, rounded up, once Neoagent refused w
// as too large: the next window is w's newer half. False if w is one day.
func (q *queue) narrow(w span) bool {
	if w.days() <= 1 {
		return false
	}
	q.width = w.days() - w.days()/2
	return true
}

// left is how many windows the queue holds at its width.
func (q *queue) left() int {
	n := 0
	for _, s := range q.spans {
		n += (s.days()-1)/q.width + 1
	}
	return n
}
