package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/neotui/neotui/api"
	"github.com/neotui/neotui/internal/safetext"
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
			s, err := a.open()
			if err != nil {
				return err
			}
			defer s.Close()
			_, syncErr := a.sync(cmd.Context(), s, from, to, false)
			q := store.SessionQuery{Bot: s.bot.Serial, From: from, To: to, Limit: limit}
			// Print what is stored even when ctrl+c ended the sync.
			if err := a.printSessions(context.WithoutCancel(cmd.Context()), s, q, format); err != nil {
				return err
			}
			if syncErr != nil {
				return syncErr
			}
			return nil
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
		return writeJSON(a.stdout, sessions)
	case formatCSV:
		sessions, err := s.store.Transcripts(ctx, q)
		if err != nil {
			return err
		}
		rows := make([][]string, len(sessions))
		for i, ss := range sessions {
			rows[i] = []string{strconv.FormatInt(ss.SessionID, 10), ss.CreateTime.Format(time.RFC3339Nano),
				ss.URI, strconv.Itoa(len(ss.Messages)), plainTranscript(ss.Messages)}
		}
		return writeCSV(a.stdout, []string{"SessionID", "CreateTime", "URI", "MessageCount", "Messages"}, rows)
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
		rows[i] = []string{localTime(ss.CreateTime, s.cfg.Location), strconv.FormatInt(ss.SessionID, 10),
			strconv.Itoa(ss.MessageCount), pagePath(ss.URI), ss.Preview}
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
	var syncErr error
	switch {
	case err == nil && s.client != nil:
		day := api.DayOf(sess.CreateTime)
		if _, syncErr = a.sync(ctx, s, day, day, false); syncErr == nil {
			sess, err = s.store.Session(ctx, s.bot.Serial, id)
		}
	case errors.Is(err, store.ErrNotFound) && s.client != nil:
		fetched = true
		err = s.fetchSession(ctx, id, func(from, to api.Day) error {
			_, err := a.sync(ctx, s, from, to, false)
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
		err = writeJSON(a.stdout, []api.Session{sess})
	case formatMarkdown:
		err = writeMarkdown(a.stdout, sess, leads)
	default:
		err = writeTranscript(a.stdout, sess, leads, s.cfg.Location)
	}
	if err != nil {
		return err
	}
	return syncErr
}

func roleLabel(t string) string {
	switch t {
	case api.RoleAI, api.RoleUser:
		return t
	case "":
		return "Note"
	}
	return safetext.Line(t)
}

// writeTranscript prints a conversation as plain, sanitized text.
func writeTranscript(w io.Writer, s api.Session, leads []store.Lead, loc *time.Location) error {
	var b strings.Builder
	fmt.Fprintf(&b, "Conversation %d · %s · %s · %s\n", s.SessionID, localTime(s.CreateTime, loc),
		safetext.Line(s.URI), plural(len(s.Messages), "message"))
	for _, l := range leads {
		fmt.Fprintf(&b, "%s: %s\n", l.Type, safetext.Line(contact(l.Lead)))
	}
	for _, m := range s.Messages {
		label := roleLabel(m.Type) + ": "
		indent := strings.Repeat(" ", len(label))
		text := strings.ReplaceAll(safetext.Clean(m.Content), "\n", "\n"+indent)
		fmt.Fprintf(&b, "\n%s%s\n", label, text)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// writeMarkdown prints a conversation as Markdown: AI replies as the
// Markdown they are, visitors' text escaped so it cannot make links or
// headings, each turn labelled.
func writeMarkdown(w io.Writer, s api.Session, leads []store.Lead) error {
	var b strings.Builder
	fmt.Fprintf(&b, "# Conversation %d\n\n", s.SessionID)
	fmt.Fprintf(&b, "- **Started:** %s\n", s.CreateTime.UTC().Format("2006-01-02 15:04 UTC"))
	if s.URI != "" {
		fmt.Fprintf(&b, "- **Page:** %s\n", mdLink(safetext.Line(s.URI)))
	}
	fmt.Fprintf(&b, "- **Messages:** %d\n", len(s.Messages))
	for _, l := range leads {
		fmt.Fprintf(&b, "- **%s:** %s\n", mdEscape(l.Type), mdEscape(safetext.Line(contact(l.Lead))))
	}
	for _, m := range s.Messages {
		// AI replies stay Markdown, minus anything a renderer would decode
		// into a control character (&#27; and kin); visitors' text is escaped.
		text := safetext.Markdown(m.Content)
		if m.Type != api.RoleAI {
			text = mdEscape(safetext.Clean(m.Content))
		}
		fmt.Fprintf(&b, "\n**%s:**\n\n%s\n", mdEscape(roleLabel(m.Type)), strings.TrimSpace(text))
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// contact is a lead in one line: name, email, phone, what they asked.
func contact(l api.Lead) string {
	var parts []string
	for _, p := range []string{l.Name, l.Email, l.PhoneNumber} {
		if p = strings.TrimSpace(p); p != "" {
			parts = append(parts, p)
		}
	}
	s := strings.Join(parts, " · ")
	if c := strings.TrimSpace(l.Content); c != "" {
		s += " — " + c
	}
	return s
}

// plainTranscript is a conversation in one CSV cell: "AI: …" lines.
func plainTranscript(msgs []api.Message) string {
	var b strings.Builder
	for i, m := range msgs {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(roleLabel(m.Type))
		b.WriteString(": ")
		b.WriteString(m.Content)
	}
	return b.String()
}

// mdEscape backslash-escapes the characters that make Markdown structure.
func mdEscape(s string) string {
	var b strings.Builder
	for _, r := range s {
		if strings.ContainsRune("\\`*_{}[]<>()#+-!|~&", r) {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// mdLink writes a URL as a Markdown autolink, <…>, percent-encoding what
// would end it early.
func mdLink(u string) string {
	return "<" + strings.NewReplacer("<", "%3C", ">", "%3E", " ", "%20").Replace(u) + ">"
}
