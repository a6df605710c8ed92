package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Whole lists read a day of rows at a time, on SQLite. Each row the driver
// returns costs a call into SQLite per column, each taking the
// connection's mutex, a Go string per text and a boxed value per column:
// about 1 µs and 140 bytes a row, most of a 100k-row list's load. A day's
// rows aggregated into three texts cost that once, and their lines are
// kept as the texts hold them, back to back. PostgreSQL reads row by row:
// its driver's text unescaping (pgdriver.go) would change the lengths the
// aggregate counts, and its rows cost no mutex.

// sessionDaysQuery reads what sessionRowsQuery does, a result row per day,
// newest first: the day; its lines ("ID preview") back to back; five
// numbers a session (create_ns from the day's start, five digits fewer,
// message_count, has_lead and the byte lengths of preview and uri); the
// URIs back to back. Each aggregate takes the rows in the same order, the
// index's, newest first.
const sessionDaysQuery = `
	SELECT day, string_agg(session_id || ' ' || preview, ''),
	       string_agg(concat_ws(' ', create_ns - day * 86400000000000, message_count, has_lead,
	                  octet_length(preview), octet_length(uri)), ' '),
	       string_agg(uri, '')
	FROM sessions WHERE bot = ? AND day BETWEEN ? AND ?
	GROUP BY day ORDER BY day DESC`

// eachSessionDay is eachSession without a limit, a day of rows at a time.
func (s *Store) eachSessionDay(ctx context.Context, bot string, lo, hi int64, fn func(SessionRow)) error {
	rows, err := s.db.QueryContext(ctx, sessionDaysQuery, bot, lo, hi)
	if err != nil {
		return fmt.Errorf("read sessions: %w", err)
	}
	defer rows.Close()
	var (
		day  sessionDay
		r    SessionRow
		uris = interner{}
	)
	for rows.Next() {
		if err := rows.Scan(&day.day, &day.lines, &day.fields, &day.uris); err != nil {
			return fmt.Errorf("read sessions: %w", err)
		}
		for day.fields != "" {
			if err := day.next(&r, uris); err != nil {
				return fmt.Errorf("read sessions: %w", err)
			}
			fn(r)
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("read sessions: %w", err)
	}
	return nil
}

// sessionDay is what is left to read of a day of sessionDaysQuery.
type sessionDay struct {
	day                 int64
	lines, fields, uris string
}

var errDayRow = errors.New("a day's rows do not add up")

// next reads the next session into r: its line a part of the day's lines,
// its URI the one copy in uris.
func (d *sessionDay) next(r *SessionRow, uris interner) error {
	var f [5]int64
	for i := range f {
		var err error
		if f[i], err = d.field(); err != nil {
			return err
		}
	}
	previewLen, uriLen := int(f[3]), int(f[4])
	id, _, ok := strings.Cut(d.lines, " ")
	end := len(id) + 1 + previewLen
	if !ok || previewLen < 0 || end > len(d.lines) || uriLen < 0 || uriLen > len(d.uris) {
		return errDayRow
	}
	var err error
	if r.SessionID, err = strconv.ParseInt(id, 10, 64); err != nil {
		return err
	}
	r.Line, r.Preview, d.lines = d.lines[:end], d.lines[len(id)+1:end], d.lines[end:]
	r.CreateTime = time.Unix(0, d.day*int64(24*time.Hour)+f[0]).UTC()
	r.MessageCount, r.Lead = int(f[1]), f[2] != 0
	r.URI, d.uris = uris.copyOf(d.uris[:uriLen]), d.uris[uriLen:]
	return nil
}

// field reads the next of the day's numbers: six a row make
// strconv.ParseInt a tenth of the load, and they are plain digits.
func (d *sessionDay) field() (int64, error) {
	n, rest, _ := strings.Cut(d.fields, " ")
	d.fields = rest
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

// leadWhoQuery reads what EachLeadWho gives, aggregated as
// sessionDaysQuery's days: three numbers a lead (session_id and the byte
// lengths of name and email), then the names and emails back to back.
const leadWhoQuery = `
	SELECT string_agg(session_id || ' ' || octet_length(name) || ' ' || octet_length(email), ' '),
	       string_agg(name || email, '')
	FROM leads WHERE bot = ? AND session_id BETWEEN ? AND ?`

// eachLeadWhoAtOnce is EachLeadWho in one result row, on SQLite.
func (s *Store) eachLeadWhoAtOnce(ctx context.Context, bot string, lo, hi int64, fn func(sessionID int64, name, email string)) error {
	var fields, texts sql.NullString
	if err := s.db.QueryRowContext(ctx, leadWhoQuery, bot, lo, hi).Scan(&fields, &texts); err != nil {
		return fmt.Errorf("read leads: %w", err)
	}
	d := sessionDay{fields: fields.String, lines: texts.String}
	for d.fields != "" {
		var f [3]int64
		for i := range f {
			var err error
			if f[i], err = d.field(); err != nil {
				return fmt.Errorf("read leads: %w", err)
			}
		}
		nameLen, emailLen := int(f[1]), int(f[2])
		if nameLen < 0 || emailLen < 0 || nameLen+emailLen > len(d.lines) {
			return fmt.Errorf("read leads: %w", errDayRow)
		}
		name, email := d.lines[:nameLen], d.lines[nameLen:nameLen+emailLen]
		d.lines = d.lines[nameLen+emailLen:]
		fn(f[0], name, email)
	}
	return nil
}
