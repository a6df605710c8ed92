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
			if session != 0 {
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
			_, syncErr := a.sync(cmd.Context(), s, from, to)
			q := store.SessionQuery{Bot: s.bot.Serial, From: from, To: to, Limit: limit}
			if err := a.printSessions(cmd.Context(), s, q, format); err != nil {
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
	cols := []column{{title: "WHEN"}, {title: "SESSION"}, {title: "MSGS"}, {title: "PAGE", flex: true, max: 36},
		{title: "FIRST MESSAGE", flex: true, max: 80}}
	rows := make([][]string, len(sums))
	for i, ss := range sums {
		rows[i] = []string{localTime(ss.CreateTime, s.cfg.Location), strconv.FormatInt(ss.SessionID, 10),
			strconv.Itoa(ss.MessageCount), ss.URI, ss.Preview}
	}
	return writeTable(a.stdout, cols, rows, a.terminalWidth())
}

// transcript prints one conversation. One missing from the store is looked
// up through its lead (LeadList takes a session ID; history does not) and
// the days around it are synced.
func (a *app) transcript(ctx context.Context, id int64, format string) error {
	s, err := a.open()
	if err != nil {
		return err
	}
	defer s.Close()
	sess, err := s.store.Session(ctx, s.bot.Serial, id)
	if errors.Is(err, store.ErrNotFound) && s.client != nil {
		err := s.fetchSession(ctx, id, func(from, to api.Day) error {
			_, err := a.sync(ctx, s, from, to)
			return err
		})
		if err != nil {
			return err
		}
		sess, err = s.store.Session(ctx, s.bot.Serial, id)
	}
	if errors.Is(err, store.ErrNotFound) {
		return fmt.Errorf("conversation %d is not in the local store of bot %q: it may be older than what was synced (try neotui sync --since 90d)", id, s.bot.Name)
	}
	if err != nil {
		return err
	}
	leads, err := s.store.Leads(ctx, store.LeadQuery{Bot: s.bot.Serial, SessionID: id})
	if err != nil {
		return err
	}
	switch format {
	case formatJSON:
		return writeJSON(a.stdout, []api.Session{sess})
	case formatMarkdown:
		return writeMarkdown(a.stdout, sess, leads)
	}
	return writeTranscript(a.stdout, sess, leads, s.cfg.Location)
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
		fmt.Fprintf(&b, "- **Page:** %s\n", mdEscape(safetext.Line(s.URI)))
	}
	fmt.Fprintf(&b, "- **Messages:** %d\n", len(s.Messages))
	for _, l := range leads {
		fmt.Fprintf(&b, "- **%s:** %s\n", mdEscape(l.Type), mdEscape(safetext.Line(contact(l.Lead))))
	}
	for _, m := range s.Messages {
		text := safetext.Clean(m.Content)
		if m.Type != api.RoleAI {
			text = mdEscape(text)
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
		if strings.ContainsRune("\\`*_{}[]<>()#+-!|~", r) {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}
