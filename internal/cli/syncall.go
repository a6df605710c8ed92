package cli

import (
	"context"
	"fmt"
	"time"

	"github.com/neotui/neotui/api"
	"github.com/neotui/neotui/internal/english"
	"github.com/neotui/neotui/internal/export"
	"github.com/neotui/neotui/internal/syncer"
)

const (
	// allStep is how many days a full-history sync asks for at a time: three
	// of the widest windows, so the store's count is checked every few
	// requests and a walk that has everything stops soon after.
	allStep = 3 * syncer.DefaultWindowDays
	// allQuiet is how long a stretch without a conversation ends a walk back
	// through history: the bot had not started yet.
	allQuiet = 365
	// allFloor is the first day a walk ever asks for: older than Neoagent.
	allFloor = api.Day(365 * 30) // 1999-12-27
)

// syncAll fetches the bot's whole history, newest first, allStep days at a
// time, until the store holds every message Neoagent counts for the bot,
// or, without that count, until allQuiet days in a row hold no
// conversation. What is fetched stays fetched, so a second run asks only
// for today, yesterday and what the first did not finish.
func (a *app) syncAll(ctx context.Context, s *session) error {
	total := a.historyCount(ctx, s)
	var (
		sum   syncer.Report
		quiet int
		to    = api.DayOf(a.now())
	)
	stored, err := s.store.StoredMessages(ctx, s.bot.Serial)
	if err != nil {
		return err
	}
	for ; to >= allFloor; to -= allStep {
		from := max(to-allStep+1, allFloor)
		rep, err := a.syncSaying(ctx, s, from, to, false, a.stdout, func(p syncer.Progress) string {
			return allProgress(from, stored+p.Changes.NewMessages, total)
		})
		sum.Requests += rep.Requests
		sum.SkippedLeads += rep.SkippedLeads
		sum.Changes.Add(rep.Changes)
		if err != nil {
			return syncStopped(err, sum.Changes)
		}
		if stored, err = s.store.StoredMessages(ctx, s.bot.Serial); err != nil {
			return err
		}
		if total > 0 && int64(stored) >= total {
			fmt.Fprintf(a.stdout, "%s: all history, back to %s: %s, %s; %s\n", s.bot.Name, from,
				english.Plural(sum.Requests, "request"), describeReport(sum), export.CoverageOf(stored, total))
			return nil
		}
		has, err := s.store.HasSessions(ctx, s.bot.Serial, from, to)
		if err != nil {
			return err
		}
		if quiet = quiet + allStep; has {
			quiet = 0
		}
		if quiet >= allQuiet {
			end := fmt.Sprintf("no conversation before %s (looked back to %s)", from+api.Day(quiet), from)
			if total > 0 {
				end += "; " + export.CoverageOf(stored, total) + ": Neoagent counts messages its history no longer serves"
			}
			fmt.Fprintf(a.stdout, "%s: all history: %s, %s; %s\n", s.bot.Name,
				english.Plural(sum.Requests, "request"), describeReport(sum), end)
			return nil
		}
	}
	return fmt.Errorf("history reaches back before %s, which no bot's can: stopped there", allFloor)
}

// historyCount is how many messages Neoagent counts for the bot; 0 when it
// cannot say (an older server answers 404), and the walk ends on a quiet
// year instead.
func (a *app) historyCount(ctx context.Context, s *session) int64 {
	cctx, cancel := context.WithTimeout(ctx, 15*time.Second)
	defer cancel()
	total, err := s.messageCount(cctx)
	if err != nil || total <= 0 {
		return 0
	}
	return total
}

// allProgress is how far a full-history sync has come, for its progress
// line: "48,210 of 51,900 messages stored · 93 %", or without Neoagent's
// count, "back to 2025-01-03".
func allProgress(from api.Day, stored int, total int64) string {
	if total > 0 {
		return export.CoverageOf(stored, total)
	}
	return "back to " + from.String()
}
