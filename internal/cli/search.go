package cli

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/charmbracelet/x/ansi"
	"github.com/spf13/cobra"

	"github.com/neotui/neotui/internal/export"
	"github.com/neotui/neotui/internal/safetext"
	"github.com/neotui/neotui/internal/store"
)

// searchFlags are neotui search's own flags.
type searchFlags struct {
	since, until string
	limit        int
	format       string
}

func (a *app) searchCommand() *cobra.Command {
	var f searchFlags
	cmd := &cobra.Command{
		Use:   "search TERM…",
		Short: "Print the conversations whose messages contain every word of TERM, with the matches",
		Long: `Print the stored conversations with a message that contains every word of
TERM, ignoring case (and accents, for words of three letters or more), newest
first, each with its matching messages: the Search tab's matching. Without
--since every stored conversation is searched. The range (by default the last
30 days) is synced first, unless --offline. Nothing found prints nothing.`,
		Example: `  neotui search appuntamento
  neotui search "free quote" --since 2025-01-01 --format markdown
  neotui search refund --since 7d --format json | jq '.[].sessionId'`,
		Args: func(cmd *cobra.Command, args []string) error {
			if strings.TrimSpace(strings.Join(args, " ")) == "" {
				return usageErrorf("search takes the words to look for: neotui search TERM…")
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.search(cmd.Context(), strings.Join(args, " "), f)
		},
	}
	cmd.Flags().StringVar(&f.since, "since", "", "first day: "+dayHelp+" (default: every stored conversation)")
	cmd.Flags().StringVar(&f.until, "until", "", "last day, same forms (default today)")
	cmd.Flags().IntVar(&f.limit, "limit", 0, "at most this many conversations, newest first (0: all)")
	cmd.Flags().StringVar(&f.format, "format", formatTable, "table, json or markdown")
	return cmd
}

// search syncs the range, then prints the conversations found in it.
func (a *app) search(ctx context.Context, query string, f searchFlags) error {
	if f.limit < 0 {
		return usageErrorf("--limit takes how many conversations to print, newest first (0: all), not %d", f.limit)
	}
	if err := checkFormat(f.format, formatTable, formatJSON, formatMarkdown); err != nil {
		return err
	}
	from, to, err := dayRange(f.since, f.until, "30d", a.now())
	if err != nil {
		return err
	}
	s, err := a.openSynced(ctx, from, to, false, "search")
	if err != nil {
		return err
	}
	defer s.Close()
	if f.since == "" {
		from = 0 // synced the last 30 days; searched everything stored
	}
	found, err := s.store.SearchConversations(ctx, s.bot.Serial, query, from, to, f.limit)
	if err != nil || len(found) == 0 {
		return err
	}
	switch f.format {
	case formatJSON:
		return export.JSON(a.stdout, foundRecords(found))
	case formatMarkdown:
		return a.foundMarkdown(query, found)
	}
	return a.foundTable(query, found, s.cfg.Location)
}

// foundRecord is a conversation found, as JSON.
type foundRecord struct {
	SessionID  int64         `json:"sessionId"`
	CreateTime time.Time     `json:"createTime"`
	URI        string        `json:"uri"`
	Matches    []matchRecord `json:"matches"`
}

// matchRecord is a matching message, with the API's Type.
type matchRecord struct {
	Type    string `json:"type"`
	Content string `json:"content"`
}

func foundRecords(found []store.Found) []foundRecord {
	out := make([]foundRecord, len(found))
	for i, f := range found {
		out[i] = foundRecord{SessionID: f.SessionID, CreateTime: f.CreateTime, URI: f.URI}
		for _, h := range f.Matches {
			out[i].Matches = append(out[i].Matches, matchRecord{Type: h.Type, Content: h.Content})
		}
	}
	return out
}

// foundTable prints each conversation on a line, its matches under it,
// each one line from a little before the match, fitted to the terminal.
func (a *app) foundTable(query string, found []store.Found, loc *time.Location) error {
	width := a.terminalWidth()
	fit := func(s string) string {
		if width <= 0 {
			return s
		}
		return ansi.Truncate(s, width, "…")
	}
	var b strings.Builder
	for i, f := range found {
		if i > 0 {
			b.WriteByte('\n')
		}
		matches := "1 match"
		if n := len(f.Matches); n != 1 {
			matches = fmt.Sprintf("%d matches", n)
		}
		b.WriteString(fit(fmt.Sprintf("%d · %s · %s · %s", f.SessionID, export.LocalTime(f.CreateTime, loc),
			matches, safetext.Line(f.URI))) + "\n")
		for _, h := range f.Matches {
			line := "  " + export.RoleLabel(h.Type) + ": " + oneLine(h.Content)
			if width > 0 && ansi.StringWidth(line) > width { // from a little before the match
				line = "  " + export.RoleLabel(h.Type) + ": " + safetext.Snippet(oneLine(h.Content), query, 20)
			}
			b.WriteString(fit(line) + "\n")
		}
	}
	_, err := io.WriteString(a.stdout, b.String())
	return err
}

// foundMarkdown prints the conversations found as a Markdown document: the
// visitors' text and the AI's replies alike escaped, as quotes of one line.
func (a *app) foundMarkdown(query string, found []store.Found) error {
	var b strings.Builder
	fmt.Fprintf(&b, "# Conversations with “%s”\n", export.MarkdownEscape(safetext.Markdown(safetext.Line(query))))
	for _, f := range found {
		fmt.Fprintf(&b, "\n## Conversation %d\n\n- **Started:** %s\n", f.SessionID, f.CreateTime.UTC().Format("2006-01-02 15:04 UTC"))
		if f.URI != "" {
			fmt.Fprintf(&b, "- **Page:** %s\n", export.MarkdownLink(f.URI))
		}
		b.WriteByte('\n')
		for _, h := range f.Matches {
			fmt.Fprintf(&b, "- **%s:** %s\n", export.RoleLabel(h.Type),
				export.MarkdownEscape(safetext.Markdown(oneLine(h.Content))))
		}
	}
	_, err := io.WriteString(a.stdout, b.String())
	return err
}

// oneLine is text sanitized, its lines and spaces run together.
func oneLine(s string) string { return strings.Join(strings.Fields(safetext.Line(s)), " ") }
