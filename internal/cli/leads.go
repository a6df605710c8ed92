package cli

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/neotui/neotui/api"
	"github.com/neotui/neotui/internal/export"
	"github.com/neotui/neotui/internal/store"
)

// rangeFlags are --since and --until, shared by the listing commands.
type rangeFlags struct{ since, until string }

func (r *rangeFlags) add(cmd *cobra.Command, defaultSince string) {
	cmd.Flags().StringVar(&r.since, "since", "", "first day: "+dayHelp+" (default "+defaultSince+")")
	cmd.Flags().StringVar(&r.until, "until", "", "last day, same forms (default today)")
}

// leadsFlags are neotui leads' own flags.
type leadsFlags struct {
	r           rangeFlags
	typ, status string
	starred     bool
	unseen      bool
	session     int64
	format      string
	limit       int
}

func (a *app) leadsCommand() *cobra.Command {
	var f leadsFlags
	cmd := &cobra.Command{
		Use:   "leads",
		Short: "Print leads and appointments",
		Long: `Print leads and appointments, newest first. The range is synced from
Neoagent into the local store first (unless --offline), then printed from it.`,
		Example: `  neotui leads --since 7d
  neotui leads --since 2025-01-01 --until 2025-02-01 --format json | jq .
  neotui leads --type appointment --format csv > appointments.csv
  neotui leads --status contacted --starred
  neotui leads --unseen --format json | jq '.[] | {Name, Email, Status, Notes}'`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.leads(cmd.Context(), f)
		},
	}
	f.r.add(cmd, "30d")
	cmd.Flags().StringVar(&f.typ, "type", "", "only lead or appointment")
	cmd.Flags().StringVar(&f.status, "status", "", "only leads of this status: "+statusList())
	cmd.Flags().BoolVar(&f.starred, "starred", false, "only starred leads")
	cmd.Flags().BoolVar(&f.unseen, "unseen", false, "only leads nobody has opened yet")
	cmd.Flags().Int64Var(&f.session, "session", 0, "only the leads of this conversation (session ID)")
	cmd.Flags().StringVar(&f.format, "format", formatTable, "table, json or csv")
	cmd.Flags().IntVar(&f.limit, "limit", 0, "at most this many, newest first (0: all)")
	return cmd
}

// leads syncs the leads of the range, then prints the stored ones that
// match f.
func (a *app) leads(ctx context.Context, f leadsFlags) error {
	if f.limit < 0 {
		return usageErrorf("--limit takes how many to print, newest first (0: all), not %d", f.limit)
	}
	if err := checkFormat(f.format, formatTable, formatJSON, formatCSV); err != nil {
		return err
	}
	typ, err := leadType(f.typ)
	if err != nil {
		return err
	}
	st, err := leadStatus(f.status)
	if err != nil {
		return err
	}
	from, to, err := dayRange(f.r.since, f.r.until, "30d", a.now())
	if err != nil {
		return err
	}
	s, err := a.openSynced(ctx, from, to, true, "leads")
	if err != nil {
		return err
	}
	defer s.Close()
	if f.session != 0 && f.r.since == "" {
		from = 0 // a conversation's leads, however old: the store may hold older ones
	}
	leads, err := s.store.Leads(ctx, store.LeadQuery{
		Bot: s.bot.Serial, From: from, To: to, Type: typ, SessionID: f.session, Limit: f.limit,
		Status: st, Starred: f.starred, Unseen: f.unseen,
	})
	if err != nil {
		return err
	}
	if err := a.printLeads(ctx, s.store, leads, f.format, s.cfg.Location); err != nil {
		return err
	}
	if len(leads) == 0 && f.format == formatTable {
		if f.session != 0 && from == 0 {
			fmt.Fprintf(a.stderr, "no leads from conversation %d in the local store\n", f.session)
		} else {
			fmt.Fprintf(a.stderr, "no leads from %s to %s\n", from, to)
		}
	}
	return nil
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

// leadStatus reads --status: "" for any, else one of store.Statuses.
func leadStatus(s string) (store.Status, error) {
	if s == "" {
		return "", nil
	}
	st, err := store.ParseStatus(s)
	if err != nil {
		return "", usageErrorf("--status %q is not one of: %s", s, statusList())
	}
	return st, nil
}

func statusList() string { return strings.Join(store.StatusNames(), ", ") }

func noArgs(cmd *cobra.Command, args []string) error {
	if len(args) > 0 {
		return usageErrorf("%s takes no arguments, got %q", cmd.Name(), args[0])
	}
	return nil
}

func (a *app) printLeads(ctx context.Context, st *store.Store, leads []store.Lead, format string, loc *time.Location) error {
	switch format {
	case formatJSON, formatCSV:
		notes, err := leadNotes(ctx, st, leads)
		if err != nil {
			return err
		}
		if format == formatJSON {
			return export.LeadsJSON(a.stdout, leads, notes, nil)
		}
		return export.LeadsCSV(a.stdout, leads, notes, nil)
	}
	// At 80 columns: when, type, name, email, phone; wider adds the status
	// (when some lead has one), the message, the session, then the page. The
	// star column takes no room unless a lead is starred.
	cols := []column{
		{title: ""}, {title: "WHEN"}, {title: "TYPE"}, {title: "STATUS", drop: 1},
		{title: "NAME", flex: true, max: 24}, {title: "EMAIL", flex: true, max: 32},
		{title: "PHONE", max: 18}, {title: "SESSION", drop: 3}, {title: "PAGE", flex: true, max: 32, drop: 4},
		{title: "MESSAGE", flex: true, max: 60, drop: 2},
	}
	triaged := false
	rows := make([][]string, len(leads))
	for i, l := range leads {
		typ := l.Type
		if typ == api.TypeAppointment {
			typ = "Appt"
		}
		t := l.Triage()
		star := ""
		if t.Starred {
			star = "★"
		}
		status := string(t.Status)
		if status == "" {
			status = "new"
		}
		triaged = triaged || status != "new"
		rows[i] = []string{star, export.LocalTime(l.CreateTime, loc), typ, status, l.Name, l.Email, l.PhoneNumber,
			strconv.FormatInt(l.SessionID, 10), export.PagePath(l.URI), l.Content}
	}
	if !triaged { // a column of "new" says nothing
		const statusCol = 3
		cols = slices.Delete(cols, statusCol, statusCol+1)
		for i := range rows {
			rows[i] = slices.Delete(rows[i], statusCol, statusCol+1)
		}
	}
	return writeTable(a.stdout, cols, rows, a.terminalWidth())
}

// leadNotes loads the notes of the leads that have any, by lead Key.
func leadNotes(ctx context.Context, st *store.Store, leads []store.Lead) (map[string][]store.Note, error) {
	notes := make(map[string][]store.Note)
	for _, l := range leads {
		if l.Triage().Notes == 0 {
			continue
		}
		n, err := st.Notes(ctx, l.Bot, l.Key)
		if err != nil {
			return nil, err
		}
		notes[l.Key] = n
	}
	return notes, nil
}
