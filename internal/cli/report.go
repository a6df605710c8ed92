package cli

import (
	"context"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/neotui/neotui/api"
	"github.com/neotui/neotui/internal/english"
	"github.com/neotui/neotui/internal/export"
	"github.com/neotui/neotui/internal/safetext"
	"github.com/neotui/neotui/internal/store"
)

// reportFlags are neotui report's own flags.
type reportFlags struct {
	r      rangeFlags
	month  string
	format string
}

func (a *app) reportCommand() *cobra.Command {
	var f reportFlags
	cmd := &cobra.Command{
		Use:   "report",
		Short: "Print the figures of a period: conversations, messages, leads, pages, triage",
		Long: `Print the figures of a period against the period of the same length before it:
conversations, messages, leads and appointments, the conversion rate, each day,
when visitors write, the pages that start conversations and produce leads, the
triage funnel, and Neoagent's recommendations. Days are UTC days, as in
neotui leads and neotui sessions, whose figures these are; hours are in
time_zone. Both periods are synced first (unless --offline).`,
		Example: `  neotui report --month 2025-01
  neotui report --month 2025-01 --format markdown > january.md
  neotui report --since 7d --format json | jq .conversionRate
  neotui report --since 2025-01-01 --until 2025-03-31 --format csv`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.report(cmd.Context(), f)
		},
	}
	f.r.add(cmd, "30d")
	cmd.Flags().StringVar(&f.month, "month", "", "a calendar month, YYYY-MM (instead of --since and --until)")
	cmd.Flags().StringVar(&f.format, "format", formatTable, "table, markdown, json or csv (csv: a row per day)")
	return cmd
}

// report syncs the period and the one before it, then prints their figures.
func (a *app) report(ctx context.Context, f reportFlags) error {
	if err := checkFormat(f.format, formatTable, formatMarkdown, formatJSON, formatCSV); err != nil {
		return err
	}
	from, to, err := a.reportRange(f)
	if err != nil {
		return err
	}
	// The period and the one before it, which the report compares with.
	s, err := a.openSynced(ctx, from-(to-from+1), to, false, "report")
	if err != nil {
		return err
	}
	defer s.Close()
	rep, err := s.store.Report(ctx, store.ReportQuery{Bot: s.bot.Serial, From: from, To: to, Hours: s.cfg.Location})
	if err != nil {
		return err
	}
	if err := s.coverage(ctx, rep); err != nil {
		return err
	}
	switch f.format {
	case formatJSON:
		return export.ReportJSON(a.stdout, rep)
	case formatCSV:
		return export.ReportCSV(a.stdout, rep)
	case formatMarkdown:
		return export.ReportMarkdown(a.stdout, rep, s.bot.Name, time.UTC, s.cfg.Location)
	}
	return a.reportTable(rep, s.bot.Name, s.cfg.Location)
}

// reportRange reads --month, or else --since and --until.
func (a *app) reportRange(f reportFlags) (from, to api.Day, err error) {
	if f.month == "" {
		return dayRange(f.r.since, f.r.until, "30d", a.now())
	}
	if f.r.since != "" || f.r.until != "" {
		return 0, 0, usageErrorf("--month is a period of its own: drop --since and --until")
	}
	m, err := time.Parse("2006-01", strings.TrimSpace(f.month))
	if err != nil {
		return 0, 0, usageErrorf("--month %q is not a month: use YYYY-MM, like 2025-01", f.month)
	}
	today := api.DayOf(a.now())
	from, to = api.DayOf(m), api.DayOf(m.AddDate(0, 1, -1))
	if from > today {
		return 0, 0, usageErrorf("--month %s is in the future (today is %s, UTC)", f.month, today)
	}
	return from, min(to, today), nil // this month: up to today
}

// reportTable prints the report for people: the totals against the period
// before, the recommendations, each day, when visitors write, the top
// pages and the triage.
func (a *app) reportTable(rep *store.Report, bot string, hours *time.Location) error {
	width := a.terminalWidth()
	var b strings.Builder
	n := int(rep.To - rep.From + 1)
	fmt.Fprintf(&b, "%s · %s, compared with the %s before\n\n", safetext.Line(bot),
		export.Period(rep.From, rep.To, time.UTC), english.Plural(n, "day"))
	if c := export.Coverage(rep); c != "" {
		fmt.Fprintf(&b, "History in the local store: %s\n\n", c)
	}
	var rows [][]string
	for _, l := range export.TotalLines(rep) {
		rows = append(rows, []string{l.Label, l.Now, l.Before, l.Change})
	}
	writeTable(&b, []column{{title: ""}, {title: "NOW", right: true}, {title: "BEFORE", right: true},
		{title: "CHANGE", right: true}}, rows, width)
	for _, r := range export.Recommendations(rep.Totals) {
		fmt.Fprintf(&b, "\n%s\n", r)
	}

	rows = rows[:0]
	for _, d := range rep.PerDay {
		rows = append(rows, []string{d.Day.String(), strconv.Itoa(d.Conversations), strconv.Itoa(d.Messages),
			strconv.Itoa(d.Leads), strconv.Itoa(d.Appointments)})
	}
	b.WriteString("\n")
	writeTable(&b, []column{{title: "DAY"}, {title: "CONVERSATIONS", right: true}, {title: "MESSAGES", right: true},
		{title: "LEADS", right: true}, {title: "APPOINTMENTS", right: true}}, rows, width)

	fmt.Fprintf(&b, "\nWhen visitors write (%s): visitors' messages by hour, darker is more\n     %s\n",
		hours, export.HourScale)
	for d, h := range rep.ByWeekdayHour {
		fmt.Fprintf(&b, "%s  %s\n", export.Weekdays[d], export.Shades(h[:], export.HeatMax(rep.ByWeekdayHour)))
	}

	if len(rep.TopPages) > 0 {
		rows = rows[:0]
		for _, p := range rep.TopPages {
			rows = append(rows, []string{p.URI, strconv.Itoa(p.Conversations), strconv.Itoa(p.Leads)})
		}
		b.WriteString("\n")
		writeTable(&b, []column{{title: "PAGE", flex: true}, {title: "CONVERSATIONS", right: true},
			{title: "LEADS", right: true}}, rows, width)
	}
	fmt.Fprintf(&b, "\nTriage: %s\n%s\n", export.FunnelLine(rep.Funnel), export.MedianLine(rep))
	_, err := io.WriteString(a.stdout, b.String())
	return err
}

// countWait bounds the optional request for the bot's message count.
const countWait = 10 * time.Second

// coverage asks Neoagent how many messages the bot's history holds, for
// rep to say how many of them are stored. The figure is optional: a server
// without the endpoint (404), or any failure, leaves it out.
func (s *session) coverage(ctx context.Context, rep *store.Report) error {
	if s.client == nil {
		return nil
	}
	cctx, cancel := context.WithTimeout(ctx, countWait)
	defer cancel()
	total, err := s.messageCount(cctx)
	if err != nil || total <= 0 {
		return nil
	}
	stored, err := s.store.StoredMessages(ctx, s.bot.Serial)
	if err != nil {
		return err
	}
	rep.StoredMessages, rep.TotalMessages = stored, total
	return nil
}

// messageCount is how many messages the bot's history holds, says Neoagent.
func (s *session) messageCount(ctx context.Context) (int64, error) {
	return s.client.MessageCount(ctx, s.bot.Serial)
}
