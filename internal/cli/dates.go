package cli

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/neotui/neotui/api"
)

// dayHelp is what a --since or --until value may be.
const dayHelp = "YYYY-MM-DD (a UTC day), today, yesterday, a number of days or weeks like 7d (today and the 6 days before) or 4w, or of hours like 24h"

// parseDay reads a --since/--until value as a UTC day: the API filters by
// whole UTC days. A number of days or weeks counts today as the first, as
// the browser's "last 30 days" do: 7d is today and the 6 days before. A
// number of hours is the day that long before now: 24h reaches into
// yesterday.
func parseDay(s string, now time.Time) (api.Day, error) {
	s = strings.TrimSpace(strings.ToLower(s))
	today := api.DayOf(now)
	switch s {
	case "today":
		return today, nil
	case "yesterday":
		return today - 1, nil
	}
	if n := len(s); n >= 2 {
		hours := map[byte]int{'h': 1, 'd': 24, 'w': 7 * 24}[s[n-1]]
		if count, err := strconv.Atoi(s[:n-1]); err == nil && hours != 0 {
			if count < 0 || count > 100*366*24/hours {
				return 0, fmt.Errorf("%q is not a sensible age (at most 100 years)", s)
			}
			if hours == 1 {
				return api.DayOf(now.Add(-time.Duration(count) * time.Hour)), nil
			}
			return today - api.Day(max(count*hours/24-1, 0)), nil
		}
	}
	d, err := api.ParseDay(s)
	if err != nil {
		return 0, fmt.Errorf("%q is not a date: use %s", s, dayHelp)
	}
	return d, nil
}

// dayRange reads --since and --until; an empty since means defaultSince,
// an empty until means today.
func dayRange(since, until, defaultSince string, now time.Time) (from, to api.Day, err error) {
	if since == "" {
		since = defaultSince
	}
	if from, err = parseDay(since, now); err != nil {
		return 0, 0, usageErrorf("--since %v", err)
	}
	to = api.DayOf(now)
	if until != "" {
		if to, err = parseDay(until, now); err != nil {
			return 0, 0, usageErrorf("--until %v", err)
		}
	}
	switch today := api.DayOf(now); {
	case from > today:
		return 0, 0, usageErrorf("--since %s is in the future (today is %s, UTC)", from, today)
	case from > to:
		return 0, 0, usageErrorf("--since %s is after --until %s: swap them", from, to)
	}
	return from, to, nil
}
