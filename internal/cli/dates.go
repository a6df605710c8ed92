package cli

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/neotui/neotui/api"
)

// dayHelp is what a --since or --until value may be.
const dayHelp = "YYYY-MM-DD (a UTC day), today, yesterday, or an age like 24h, 7d, 4w"

// parseDay reads a --since/--until value. An age (24h, 7d, 4w) means the UTC
// day that long before now: the API filters by whole UTC days.
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
		unit := map[byte]time.Duration{'h': time.Hour, 'd': 24 * time.Hour, 'w': 7 * 24 * time.Hour}[s[n-1]]
		if count, err := strconv.Atoi(s[:n-1]); err == nil && unit != 0 {
			if count < 0 || time.Duration(count) > 100*366*24*time.Hour/unit {
				return 0, fmt.Errorf("%q is not a sensible age (at most 100 years)", s)
			}
			return api.DayOf(now.Add(-time.Duration(count) * unit)), nil
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
