package store

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Whole lists read a day of rows at a time, on SQLite. Each row the driver
// returns costs a call into SQLite per column, each taking the
// connection's mutex, a Go string per text and a boxed value per column:
// about 1 µs and 140 bytes a row, most of a 100k-row list's load. A day's
// rows aggregated into three texts cost that once, and their lines are
// kept as the texts hold them; a day of sessions is even kept aggregated
// (sessiondays.go). PostgreSQL reads row by row: its driver
// unescapes text (pgdriver.go), and its rows cost no mutex.

// eachSessionDay is eachSession without a limit, a day of rows at a time
// (sessionDaysQuery). A day whose texts hold a NUL of their own (a
// visitor's text may) has more NULs than the rows' joins: it is read again
// row by row.
func (s *Store) eachSessionDay(ctx context.Context, bot string, lo, hi int64, fn func(SessionRow)) error {
	rows, err := s.db.QueryContext(ctx, sessionDaysQuery, bot, lo, hi)
	if err != nil {
		return fmt.Errorf("read sessions: %w", err)
	}
	defer rows.Close()
	var (
		day                sessionDay
		lines, uri, fields sql.NullString
		rs                 []SessionRow // a day's, reused
		uris               = interner{}
	)
	for rows.Next() {
		if err := rows.Scan(&day.day, &lines, &uri, &fields); err != nil {
			return fmt.Errorf("read sessions: %w", err)
		}
		if !fields.Valid {
			continue // a day whose sessions are all gone
		}
		day.lines, day.uris, day.fields = lines.String, uri.String, fields.String
		n := (strings.Count(day.fields, " ") + 1) / 2
		if strings.Count(day.lines, "\x00") != n-1 || strings.Count(day.uris, "\x00") != n-1 {
			if err := s.eachSessionRow(ctx, bot, day.day, day.day, 0, uris, fn); err != nil {
				return err
			}
			continue
		}
		rs = rs[:0]
		for range n {
			var r SessionRow
			if err := day.next(&r, uris); err != nil {
				return fmt.Errorf("read sessions: %w", err)
			}
			rs = append(rs, r)
		}
		giveDay(rs, newestSession, fn)
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("read sessions: %w", err)
	}
	return nil
}

// giveDay calls fn with each of a day's rows, newest first: the index
// gives them so; were it another, they are sorted here.
func giveDay[T any](rows []T, newest func(a, b T) int, fn func(T)) {
	if !slices.IsSortedFunc(rows, newest) {
		slices.SortStableFunc(rows, newest)
	}
	for _, r := range rows {
		fn(r)
	}
}

// newestSession orders sessions as sessionRowsQuery does.
func newestSession(a, b SessionRow) int {
	return cmp.Or(b.CreateTime.Compare(a.CreateTime), cmp.Compare(b.SessionID, a.SessionID))
}

// sessionDay is what is left to read of a day of sessionDaysQuery.
type sessionDay struct {
	day                 int64
	lines, uris, fields string
}

// next reads the next session into r: its line a part of the day's lines,
// its URI the one copy in uris.
func (d *sessionDay) next(r *SessionRow, uris interner) error {
	var line, uri string
	line, d.lines, _ = strings.Cut(d.lines, "\x00")
	uri, d.uris, _ = strings.Cut(d.uris, "\x00")
	id, preview, ok := strings.Cut(line, " ")
	if !ok {
		return fmt.Errorf("a session's line without its ID: %q", line)
	}
	var err error
	if r.SessionID, err = atoi(id); err != nil {
		return err
	}
	var ns, countLead int64
	if ns, err = d.field(); err != nil {
		return err
	}
	if countLead, err = d.field(); err != nil {
		return err
	}
	r.Line, r.Preview = line, preview
	r.CreateTime = time.Unix(0, d.day*int64(24*time.Hour)+ns).UTC()
	r.MessageCount, r.Lead = int(countLead/2), countLead%2 != 0
	r.URI = uris.copyOf(uri)
	return nil
}

// field reads the next of the day's numbers.
func (d *sessionDay) field() (int64, error) {
	n, rest, _ := strings.Cut(d.fields, " ")
	d.fields = rest
	return atoi(n)
}

// atoi reads a decimal number as SQLite writes one: strconv.ParseInt,
// three numbers a row, would be a tenth of the load.
func atoi(n string) (int64, error) {
	digits := strings.TrimPrefix(n, "-")
	if digits == "" || len(digits) > 18 {
		return strconv.ParseInt(n, 10, 64) // an error, or the rare long number
	}
	var v int64
	for i := range len(digits) {
		c := digits[i] - '0'
		if c > 9 {
			return strconv.ParseInt(n, 10, 64)
		}
		v = v*10 + int64(c)
	}
	if len(digits) < len(n) {
		v = -v
	}
	return v, nil
}

// copyOf is the one copy of s, copied when first met: s may be part of a
// longer text that only it would keep.
func (m interner) copyOf(s string) string {
	if t, ok := m[s]; ok {
		return t
	}
	s = strings.Clone(s)
	m[s] = s
	return s
}

// leadWhoQuery reads what EachLeadWho gives in one result row, as
// sessionDaysQuery reads a day: how many leads, their conversations' IDs,
// and their names and emails, all joined by NULs.
const leadWhoQuery = `
	SELECT count(*), string_agg(session_id, ' '), string_agg(name || char(0) || email, char(0))
	FROM leads WHERE bot = ? AND session_id BETWEEN ? AND ?`

// eachLeadWhoAtOnce is EachLeadWho in one result row, on SQLite; false
// when a name or an email holds a NUL of its own, to be read row by row.
func (s *Store) eachLeadWhoAtOnce(ctx context.Context, bot string, lo, hi int64, fn func(sessionID int64, name, email string)) (bool, error) {
	var (
		n          int
		ids, texts sql.NullString
	)
	if err := s.db.QueryRowContext(ctx, leadWhoQuery, bot, lo, hi).Scan(&n, &ids, &texts); err != nil {
		return false, fmt.Errorf("read leads: %w", err)
	}
	if n > 0 && strings.Count(texts.String, "\x00") != 2*n-1 {
		return false, nil
	}
	d := sessionDay{fields: ids.String, lines: texts.String}
	for range n {
		id, err := d.field()
		if err != nil {
			return false, fmt.Errorf("read leads: %w", err)
		}
		var name, email string
		name, d.lines, _ = strings.Cut(d.lines, "\x00")
		email, d.lines, _ = strings.Cut(d.lines, "\x00")
		fn(id, name, email)
	}
	return true, nil
}
