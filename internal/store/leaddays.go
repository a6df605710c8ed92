package store

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"strings"
)

// leadDayColumns are what leadColumns are, a result row per day, as
// session_days holds sessions (sessiondays.go): the day; the texts a lead
// keeps (key, name, email, phone, content), joined by NULs; the texts it
// shares with other leads or reads as something else (bot, type, uri,
// create_time, triage status and updated_by), joined by NULs; and eight
// numbers a lead (session_id, count, and the triage's starred,
// snoozed_until, seen_at, updated_at, version, notes), "" for a NULL. A
// lead's own texts are then parts of one string a day, and the rest is
// read once and dropped. concat_ws joins a lead's values in one step,
// where || would make a string per value (a tenth of the load).
const leadDayColumns = `l.day,
	string_agg(concat_ws(char(0), l.key, l.name, l.email, l.phone, l.content), char(0)),
	string_agg(concat_ws(char(0), l.bot, l.type, l.uri, l.create_time, coalesce(t.status, ''), coalesce(t.updated_by, '')), char(0)),
	string_agg(concat_ws(' ', l.session_id, l.count, coalesce(t.starred, ''), coalesce(t.snoozed_until, ''),
	           coalesce(t.seen_at, ''), coalesce(t.updated_at, ''), coalesce(t.version, ''), coalesce(t.notes, '')), ' ')`

// How many of each a lead has in leadDayColumns.
const leadOwnTexts, leadSharedTexts, leadNumbers = 5, 6, 8

// eachLeadDay is EachLead without a limit on SQLite, a day at a time. A
// day whose texts hold a NUL of their own is read again row by row.
func (s *Store) eachLeadDay(ctx context.Context, q LeadQuery, fn func(Lead)) error {
	lo, hi := dayBounds(q.From, q.To)
	where, args := leadsWhere(q, lo, hi)
	rows, err := s.db.QueryContext(ctx, `SELECT `+leadDayColumns+leadsFrom+where+`
		GROUP BY l.day ORDER BY l.day DESC`, args...)
	if err != nil {
		return fmt.Errorf("read leads: %w", err)
	}
	defer rows.Close()
	var (
		day    leadDay
		leads  []Lead // a day's, reused
		shared = interner{}
		zones  = zones{}
	)
	for rows.Next() {
		if err := rows.Scan(&day.day, &day.own, &day.shared, &day.numbers); err != nil {
			return fmt.Errorf("read leads: %w", err)
		}
		n := (strings.Count(day.numbers, " ") + 1) / leadNumbers
		if strings.Count(day.own, "\x00") != leadOwnTexts*n-1 || strings.Count(day.shared, "\x00") != leadSharedTexts*n-1 {
			query, args := leadsQueryIn(q, day.day, day.day)
			if err := s.eachLeadIn(ctx, query, args, shared, zones, fn); err != nil {
				return fmt.Errorf("read leads: %w", err)
			}
			continue
		}
		leads = leads[:0]
		for range n {
			l, err := day.next(shared, zones)
			if err != nil {
				return fmt.Errorf("read leads: %w", err)
			}
			leads = append(leads, l)
		}
		giveDay(leads, newestLead, fn)
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("read leads: %w", err)
	}
	return nil
}

// newestLead orders leads as leadsQuery does.
func newestLead(a, b Lead) int {
	return cmp.Or(b.CreateTime.Compare(a.CreateTime), cmp.Compare(b.SessionID, a.SessionID), strings.Compare(b.Bot, a.Bot))
}

// leadDay is what is left to read of a day of leadDayColumns.
type leadDay struct {
	day                  int64
	own, shared, numbers string
}

// next reads the next lead: its own texts parts of the day's, the others
// shared through shared and zones.
func (d *leadDay) next(shared interner, zones zones) (Lead, error) {
	var l Lead
	for _, p := range []*string{&l.Key, &l.Name, &l.Email, &l.PhoneNumber, &l.Content} {
		*p, d.own, _ = strings.Cut(d.own, "\x00")
	}
	var text [leadSharedTexts]string
	for i := range text {
		text[i], d.shared, _ = strings.Cut(d.shared, "\x00")
	}
	l.Bot, l.Type, l.URI = shared.copyOf(text[0]), shared.copyOf(text[1]), shared.copyOf(text[2])
	created, err := parseTime(text[3])
	if err != nil {
		return l, err
	}
	l.CreateTime = zones.share(created)
	var num [leadNumbers]sql.NullInt64
	for i := range num {
		var field string
		field, d.numbers, _ = strings.Cut(d.numbers, " ")
		if field == "" {
			continue // NULL
		}
		if num[i].Int64, err = atoi(field); err != nil {
			return l, err
		}
		num[i].Valid = true
	}
	l.SessionID, l.Count = num[0].Int64, num[1].Int64
	tr := triageRow{starred: num[2], snoozed: num[3], seen: num[4], at: num[5], version: num[6], notes: num[7],
		status: sql.NullString{String: shared.copyOf(text[4]), Valid: text[4] != ""},
		by:     sql.NullString{String: shared.copyOf(text[5]), Valid: text[5] != ""}}
	l.SetTriage(tr.triage())
	return l, nil
}
