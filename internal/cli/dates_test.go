package cli

import (
	"testing"
	"time"

	"github.com/neotui/neotui/api"
)

// TestDayRange: an age in days counts today as the first, as the browser's
// start-up sync does (today - (SyncDays-1) .. today), so "the last 30 days"
// are the same 30 days in both, whatever the time of day.
func TestDayRange(t *testing.T) {
	for _, now := range []time.Time{
		time.Date(2026, 3, 10, 0, 30, 0, 0, time.UTC),
		time.Date(2026, 3, 10, 23, 30, 0, 0, time.UTC),
		time.Date(2026, 3, 10, 20, 0, 0, 0, time.FixedZone("PST", -8*3600)), // the 11th in UTC
	} {
		today := api.DayOf(now)
		for _, tt := range []struct {
			since, until string
			from, to     api.Day
		}{
			{"", "", today - 29, today}, // the default: the browser's 30 days
			{"30d", "", today - 29, today},
			{"7d", "", today - 6, today},
			{"1w", "", today - 6, today},
			{"1d", "", today, today},
			{"0d", "", today, today},
			{"today", "", today, today},
			{"yesterday", "yesterday", today - 1, today - 1},
			{"24h", "", api.DayOf(now.Add(-24 * time.Hour)), today},
			{"2026-03-01", "2026-03-02", api.Day(20513), api.Day(20514)},
			{"14d", "7d", today - 13, today - 6},
		} {
			from, to, err := dayRange(tt.since, tt.until, "30d", now)
			if err != nil || from != tt.from || to != tt.to {
				t.Errorf("at %v, --since %q --until %q: %v…%v (%v), want %v…%v", now, tt.since, tt.until, from, to, err, tt.from, tt.to)
			}
		}
	}
}
