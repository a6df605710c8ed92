package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/neotui/neotui/api"
)

// The figures of a period, for the Stats tab and neotui report: computed in
// SQL over the indexed columns, never by reading conversations into Go.
//
// A message has no time of its own (the API gives only its conversation's
// CreateTime), so every message counts at its conversation's start: a
// conversation begun at 23:50 counts all its messages on that day and hour.

// ReportQuery selects the period of a report.
type ReportQuery struct {
	Bot     string
	AllBots bool           // every bot in the store (Bot is ignored)
	From    api.Day        // the first day, inclusive, as a date in Days
	To      api.Day        // the last day, inclusive, as a date in Days
	Days    *time.Location // the zone of the days; nil: UTC, as the CLI's ranges
	Hours   *time.Location // the zone of ByWeekdayHour; nil: Days
}

// Totals are the figures of a whole period.
type Totals struct {
	Conversations   int
	Messages        int
	VisitorMessages int // of Type User
	AIMessages      int // of Type AI; the rest are system notes
	Leads           int // of Type Lead
	Appointments    int // of Type Appointment
	Converted       int // conversations that produced a lead or appointment (one is stored)
}

// AvgMessages is the mean number of messages per conversation; 0 without any.
func (t Totals) AvgMessages() float64 {
	if t.Conversations == 0 {
		return 0
	}
	return float64(t.Messages) / float64(t.Conversations)
}

// ConversionRate is the share of conversations that produced a lead or an
// appointment, from 0 to 1; 0 without any.
func (t Totals) ConversionRate() float64 {
	if t.Conversations == 0 {
		return 0
	}
	return float64(t.Converted) / float64(t.Conversations)
}

// DayFigures are one day's figures.
type DayFigures struct {
	Day                     api.Day // a date in ReportQuery.Days
	Conversations, Messages int
	Leads, Appointments     int
}

// PageFigures are how many conversations began on a page, and how many
// leads and appointments came from it.
type PageFigures struct {
	URI                  string
	Conversations, Leads int
}

// Report is the figures of the days From..To.
type Report struct {
	From, To api.Day
	Totals
	Previous      Totals       // the days of the same number just before From
	PerDay        []DayFigures // every day of the period, in order, empty ones too
	ByWeekdayHour [7][24]int   // visitors' messages by weekday (Monday first) and hour, in Hours
	TopPages      []PageFigures
	Funnel        map[Status]int // the period's leads and appointments by their status now

	// MedianTimeToContact is the median time from a lead's arrival to its
	// first status past new, over the Contacted leads of the period whose
	// change is still in the triage log (its newest 10,000 changes).
	MedianTimeToContact time.Duration
	Contacted           int // 0: no median

	// How much of the bot's whole history the store holds: its messages
	// stored (StoredMessages) of those Neoagent counts (its
	// GetMessageCountByChatbot). Report leaves them for the caller, who
	// asks Neoagent; TotalMessages 0 means unknown.
	StoredMessages int
	TotalMessages  int64
}

// topPages is how many pages a report lists.
const topPages = 10

// Report computes the figures of q's period and of the one before it, in
// one read snapshot: a sync committing meanwhile shows in all or none.
func (s *Store) Report(ctx context.Context, q ReportQuery) (*Report, error) {
	if !q.AllBots {
		if err := requireBot(q.Bot); err != nil {
			return nil, err
		}
	}
	if q.From.IsZero() || q.To < q.From {
		return nil, fmt.Errorf("report: the period %s..%s is empty", q.From, q.To)
	}
	if q.Days == nil {
		q.Days = time.UTC
	}
	if q.Hours == nil {
		q.Hours = q.Days
	}
	r := &Report{From: q.From, To: q.To, Funnel: map[Status]int{}}
	r.PerDay = make([]DayFigures, q.To-q.From+1)
	for i := range r.PerDay {
		r.PerDay[i].Day = q.From + api.Day(i)
	}
	err := s.snapshot(ctx, func(c *sql.Conn) error {
		rr := &reportReader{c: c, q: q, prev: midnight(q.From-(q.To-q.From+1), q.Days),
			start: midnight(q.From, q.Days), end: midnight(q.To+1, q.Days), greatest: s.dialect.greatest()}
		return rr.read(ctx, r)
	})
	if err != nil {
		return nil, fmt.Errorf("compute the report for %s..%s: %w", q.From, q.To, err)
	}
	return r, nil
}

// snapshot runs read in one read transaction, on a connection of its own:
// BeginTx would take the write lock (_txlock=immediate) and wait behind a
// sync; BEGIN DEFERRED takes a snapshot at the first read and never waits
// (on PostgreSQL, see beginSnapshot).
func (s *Store) snapshot(ctx context.Context, read func(*sql.Conn) error) error {
	c, err := s.db.Conn(ctx)
	if err != nil {
		return err
	}
	defer c.Close()
	if _, err := c.ExecContext(ctx, s.dialect.beginSnapshot()); err != nil {
		return err
	}
	err = read(c)
	// Never back into the pool with the transaction open, even when ctx ended.
	if _, rerr := c.ExecContext(context.WithoutCancel(ctx), "ROLLBACK"); rerr != nil {
		discard(c)
		return errors.Join(err, rerr)
	}
	return err
}

// StoredMessages is how many messages of the bot's conversations the store
// holds, whatever their day: read from an index, but every entry of it, so
// only asked for when Neoagent's own count is there to compare.
func (s *Store) StoredMessages(ctx context.Context, bot string) (int, error) {
	if err := requireBot(bot); err != nil {
		return 0, err
	}
	var n int
	err := s.db.QueryRowContext(ctx, `SELECT coalesce(sum(message_count), 0) FROM sessions WHERE bot = ?`, bot).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("count the stored messages: %w", err)
	}
	return n, nil
}

// countType is how many of msgs are of Type typ: a session's visitor_count
// and ai_count.
func countType(msgs []api.Message, typ string) int {
	n := 0
	for _, m := range msgs {
		if m.Type == typ {
			n++
		}
	}
	return n
}

// HasSessions reports whether the store holds a conversation of the bot on
// a UTC day from..to: how a full-history sync knows it has walked past the
// bot's first conversation.
func (s *Store) HasSessions(ctx context.Context, bot string, from, to api.Day) (bool, error) {
	if err := requireBot(bot); err != nil {
		return false, err
	}
	var has bool
	err := s.db.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM sessions WHERE bot = ? AND day BETWEEN ? AND ?)`,
		bot, int64(from), int64(to)).Scan(&has)
	if err != nil {
		return false, fmt.Errorf("look for stored conversations: %w", err)
	}
	return has, nil
}
