package syncer

import (
	"time"

	"github.com/neotui/neotui/api"
)

// span is an inclusive range of UTC days.
type span struct{ from, to api.Day }

func (s span) days() int { return int(s.to-s.from) + 1 }

// halves splits a span of two or more days into its newer and older halves.
func (s span) halves() (newer, older span) {
	mid := s.from + api.Day(s.days()/2)
	return span{mid, s.to}, span{s.from, mid - 1}
}

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

// windows groups ascending days into runs of consecutive days, each cut into
// spans of at most size days, newest span first — the newest data is what a
// user looks at first.
func windows(days []api.Day, size int) []span {
	var out []span
	for i := len(days) - 1; i >= 0; {
		w := span{days[i], days[i]}
		i--
		for i >= 0 && days[i] == w.from-1 && w.days() < size {
			w.from = days[i]
			i--
		}
		out = append(out, w)
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
