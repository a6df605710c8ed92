package cli

import (
	"context"
	"errors"
	"fmt"
	"strconv"

	"github.com/spf13/cobra"

	"github.com/neotui/neotui/api"
	"github.com/neotui/neotui/internal/export"
	"github.com/neotui/neotui/internal/store"
)

func (a *app) sessionsCommand() *cobra.Command {
	var (
		r       rangeFlags
		session int64
		format  string
		limit   int
	)
	cmd := &cobra.Command{
		Use:   "sessions",
		Short: "Print conversations (with --session N: one transcript)",
		Long: `Print conversations, newest first, or with --session one whole transcript.
The range is synced from Neoagent into the local store first (unless --offline).`,
		Example: `  neotui sessions --since 7d
  neotui sessions --since 7d --format csv
  neotui sessions --session 31302 --format markdown`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if limit < 0 {
				return usageErrorf("--limit takes how many to print, newest first (0: all), not %d", limit)
			}
			if cmd.Flags().Changed("session") {
				if session <= 0 {
					return usageErrorf("--session %d is not a session ID", session)
				}
				if r.since != "" || r.until != "" || limit != 0 {
					return usageErrorf("--session prints one whole conversation: drop --since, --until and --limit")
				}
				if err := checkFormat(format, formatTable, formatJSON, formatMarkdown); err != nil {
					return err
				}
				return a.transcript(cmd.Context(), session, format)
			}
			if err := checkFormat(format, formatTable, formatJSON, formatCSV); err != nil {
				return fmt.Errorf("%w (markdown is for one transcript, with --session)", err)
			}
			from, to, err := dayRange(r.since, r.until, "30d", a.now())
			if err != nil {
				return err
			}
			s, err := a.openSynced(cmd.Context(), from, to, false, "sessions")
			if err != nil {
				return err
			}
			defer s.Close()
			q := store.SessionQuery{Bot: s.bot.Serial, From: from, To: to, Limit: limit}
			return a.printSessions(cmd.Context(), s, q, format)
		},
	}
	r.add(cmd, "30d")
	cmd.Flags().Int64Var(&session, "session", 0, "print this one conversation's transcript")
	cmd.Flags().StringVar(&format, "format", formatTable, "table, json or csv; markdown with --session")
	cmd.Flags().IntVar(&limit, "limit", 0, "at most this many, newest first (0: all)")
	return cmd
}

func (a *app) printSessions(ctx context.Context, s *session, q store.SessionQuery, format string) error {
	switch format {
	case formatJSON:
		sessions, err := s.store.Transcripts(ctx, q)
		if err != nil {
			return err
		}
		return export.JSON(a.stdout, sessions)
	case formatCSV:
		sessions, err := s.store.Transcripts(ctx, q)
		if err != nil {
			return err
		}
		return export.SessionsCSV(a.stdout, sessions)
	}
	sums, err := s.store.Sessions(ctx, q)
	if err != nil {
		return err
	}
	if len(sums) == 0 {
		fmt.Fprintf(a.stderr, "no conversations from %s to %s\n", q.From, q.To)
	}
	cols := []column{{title: "WHEN"}, {title: "SESSION"}, {title: "MSGS"}, {title: "PAGE", flex: true, max: 36, drop: 1},
		{title: "FIRST MESSAGE", flex: true, max: 80}}
	rows := make([][]string, len(sums))
	for i, ss := range sums {
		rows[i] = []string{export.LocalTime(ss.CreateTime, s.cfg.Location), strconv.FormatInt(ss.SessionID, 10),
			strconv.Itoa(ss.MessageCount), export.PagePath(ss.URI), ss.Preview}
	}
	return writeTable(a.stdout, cols, rows, a.terminalWidth())
}

// transcript prints one conversation. A stored one is brought up to date
// first (free unless its day is still open); a missing one is looked up
// through its lead, as LeadList takes a session ID and history does not.
func (a *app) transcript(ctx context.Context, id int64, format string) error {
	s, err := a.open()
	if err != nil {
		return err
	}
	defer s.Close()
	sess, err := s.store.Session(ctx, s.bot.Serial, id)
	fetched := false
	switch {
	case err == nil && s.client != nil:
		day := api.DayOf(sess.CreateTime)
		if _, err := a.sync(ctx, s, day, day, false, nil); err != nil {
			return syncFailed(err, fmt.Sprintf("neotui sessions --session %d --offline", id))
		}
		sess, err = s.store.Session(ctx, s.bot.Serial, id)
	case errors.Is(err, store.ErrNotFound) && s.client != nil:
		fetched = true
		err = s.fetchSession(ctx, id, func(from, to api.Day) error {
			_, err := a.sync(ctx, s, from, to, false, nil)
			return err
		})
		if err != nil {
			return err
		}
		sess, err = s.store.Session(ctx, s.bot.Serial, id)
	}
	switch {
	case errors.Is(err, store.ErrNotFound) && fetched:
		return fmt.Errorf("conversation %d was not found: Neoagent has no lead that dates it, and it is not among the synced days of bot %q (sync older days with neotui sync --since YYYY-MM-DD)", id, s.bot.Name)
	case errors.Is(err, store.ErrNotFound):
		return fmt.Errorf("conversation %d is not in the local store of bot %q (offline: run without --offline to fetch it)", id, s.bot.Name)
	case err != nil:
		return err
	}
	leads, err := s.store.Leads(ctx, store.LeadQuery{Bot: s.bot.Serial, SessionID: id})
	if err != nil {
		return err
	}
	switch format {
	case formatJSON:
		err = export.JSON(a.stdout, []api.Session{sess})
	case formatMarkdown:
		err = export.Markdown(a.stdout, sess, leads)
	default:
		err = export.Transcript(a.stdout, sess, leads, s.cfg.Location)
	}
	return err
}
