package main

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/neotui/neotui/api"
	"github.com/neotui/neotui/internal/store"
)

// rangeFlags are --since and --until, shared by the listing commands.
type rangeFlags struct{ since, until string }

func (r *rangeFlags) add(cmd *cobra.Command, defaultSince string) {
	cmd.Flags().StringVar(&r.since, "since", "", "first UTC day: "+dayHelp+" (default "+defaultSince+")")
	cmd.Flags().StringVar(&r.until, "until", "", "last UTC day, same forms (default today)")
}

func (a *app) leadsCommand() *cobra.Command {
	var (
		r       rangeFlags
		typ     string
		session int64
		format  string
		limit   int
	)
	cmd := &cobra.Command{
		Use:   "leads",
		Short: "Print leads and appointments",
		Long: `Print leads and appointments, newest first. The range is synced from
Neoagent into the local store first (unless --offline), then printed from it.`,
		Example: `  neotui leads --since 7d
  neotui leads --since 2025-01-01 --until 2025-02-01 --format json | jq .
  neotui leads --type appointment --format csv > appointments.csv`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := checkFormat(format, formatTable, formatJSON, formatCSV); err != nil {
				return err
			}
			typ, err := leadType(typ)
			if err != nil {
				return err
			}
			from, to, err := dayRange(r.since, r.until, "30d", a.now())
			if err != nil {
				return err
			}
			s, err := a.open()
			if err != nil {
				return err
			}
			defer s.Close()
			_, syncErr := a.sync(cmd.Context(), s, from, to, true)
			if session != 0 && r.since == "" {
				from = 0 // a conversation's leads, however old: the store may hold older ones
			}
			// Print what is stored even when ctrl+c ended the sync.
			ctx := context.WithoutCancel(cmd.Context())
			leads, err := s.store.Leads(ctx, store.LeadQuery{
				Bot: s.bot.Serial, From: from, To: to, Type: typ, SessionID: session, Limit: limit,
			})
			if err != nil {
				return err
			}
			if err := a.printLeads(leads, format, s.cfg.Location); err != nil {
				return err
			}
			if len(leads) == 0 && format == formatTable {
				fmt.Fprintf(a.stderr, "no leads from %s to %s\n", from, to)
			}
			if syncErr != nil {
				return syncErr
			}
			return nil
		},
	}
	r.add(cmd, "30d")
	cmd.Flags().StringVar(&typ, "type", "", "only lead or appointment")
	cmd.Flags().Int64Var(&session, "session", 0, "only the leads of this conversation (session ID)")
	cmd.Flags().StringVar(&format, "format", formatTable, "table, json or csv")
	cmd.Flags().IntVar(&limit, "limit", 0, "at most this many, newest first (0: all)")
	return cmd
}

func leadType(s string) (string, error) {
	switch strings.ToLower(s) {
	case "":
		return "", nil
	case "lead", "leads":
		return api.TypeLead, nil
	case "appointment", "appointments":
		return api.TypeAppointment, nil
	}
	return "", usageErrorf("--type %q is not lead or appointment", s)
}

func noArgs(cmd *cobra.Command, args []string) error {
	if len(args) > 0 {
		return usageErrorf("%s takes no arguments, got %q", cmd.Name(), args[0])
	}
	return nil
}

func (a *app) printLeads(leads []store.Lead, format string, loc *time.Location) error {
	switch format {
	case formatJSON:
		out := make([]api.Lead, len(leads))
		for i, l := range leads {
			out[i] = l.Lead
		}
		return writeJSON(a.stdout, out)
	case formatCSV:
		rows := make([][]string, len(leads))
		for i, l := range leads {
			rows[i] = []string{l.Type, l.Name, l.Email, l.PhoneNumber, l.CreateTime.Format(time.RFC3339Nano),
				l.Content, strconv.FormatInt(l.SessionID, 10), l.URI, strconv.FormatInt(l.Count, 10)}
		}
		return writeCSV(a.stdout, []string{"Type", "Name", "Email", "PhoneNumber", "CreateTime", "Content", "SessionID", "URI", "Count"}, rows)
	}
	// At 80 columns: when, type, name, email, phone; wider adds the
	// message, then the session, then the page.
	cols := []column{
		{title: "WHEN"}, {title: "TYPE"}, {title: "NAME", flex: true, max: 24}, {title: "EMAIL", flex: true, max: 32},
		{title: "PHONE", max: 18}, {title: "SESSION", drop: 2}, {title: "PAGE", flex: true, max: 32, drop: 3},
		{title: "MESSAGE", flex: true, max: 60, drop: 1},
	}
	rows := make([][]string, len(leads))
	for i, l := range leads {
		typ := l.Type
		if typ == api.TypeAppointment {
			typ = "Appt"
		}
		rows[i] = []string{localTime(l.CreateTime, loc), typ, l.Name, l.Email, l.PhoneNumber,
			strconv.FormatInt(l.SessionID, 10), pagePath(l.URI), l.Content}
	}
	return writeTable(a.stdout, cols, rows, a.terminalWidth())
}

// localTime shows an instant in the user's zone, to the minute.
func localTime(t time.Time, loc *time.Location) string {
	if t.IsZero() {
		return "-"
	}
	return t.In(loc).Format("2006-01-02 15:04")
}

// pagePath shortens a page URL to what tells a site's pages apart.
func pagePath(uri string) string {
	s := strings.TrimPrefix(strings.TrimPrefix(uri, "https://"), "http://")
	s = strings.TrimPrefix(s, "www.")
	if i := strings.IndexByte(s, '/'); i >= 0 && i < len(s)-1 {
		return s[i:]
	}
	return s
}
