package api

import (
	"fmt"
	"time"
)

// Day is a UTC calendar day, the unit in which the API filters: the number of
// days since 1970-01-01. Its zero value means "no date" in a request.
type Day int32

// DayLayout is how the API writes a day.
const DayLayout = "2006-01-02"

// DayOf returns the UTC day that t falls on.
func DayOf(t time.Time) Day {
	u := t.Unix()
	d := u / 86400
	if u < 0 && u%86400 != 0 {
		d-- // floor, not truncate, before 1970
	}
	return Day(d)
}

// ParseDay parses a YYYY-MM-DD day.
func ParseDay(s string) (Day, error) {
	t, err := time.Parse(DayLayout, s)
	if err != nil {
		return 0, fmt.Errorf("%q is not a date in the form YYYY-MM-DD", s)
	}
	return DayOf(t), nil
}

// Time returns the first instant of the day, in UTC.
func (d Day) Time() time.Time { return time.Unix(int64(d)*86400, 0).UTC() }

// End returns the first instant of the next day, in UTC.
func (d Day) End() time.Time { return (d + 1).Time() }

// String formats the day as YYYY-MM-DD.
func (d Day) String() string { return d.Time().Format(DayLayout) }

// IsZero reports whether d is the zero value, meaning "no date".
func (d Day) IsZero() bool { return d == 0 }
