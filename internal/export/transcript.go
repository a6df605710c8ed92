package export

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/neotui/neotui/api"
	"github.com/neotui/neotui/internal/english"
	"github.com/neotui/neotui/internal/safetext"
	"github.com/neotui/neotui/internal/store"
)

// Transcript writes a conversation as plain, sanitized text for a terminal:
// a header line, the leads it produced, then each turn labelled, its
// continuation lines indented under the label. Times are shown in loc.
func Transcript(w io.Writer, s api.Session, leads []store.Lead, loc *time.Location) error {
	var b strings.Builder
	fmt.Fprintf(&b, "Conversation %d · %s · %s · %s\n", s.SessionID, LocalTime(s.CreateTime, loc),
		safetext.Line(s.URI), english.Plural(len(s.Messages), "message"))
	for _, l := range leads {
		fmt.Fprintf(&b, "%s: %s\n", safetext.Line(l.Type), safetext.Line(contact(l.Lead)))
	}
	for _, m := range s.Messages {
		label := RoleLabel(m.Type) + ": "
		indent := strings.Repeat(" ", len(label))
		text := strings.ReplaceAll(safetext.Clean(m.Content), "\n", "\n"+indent)
		fmt.Fprintf(&b, "\n%s%s\n", label, text)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// Markdown writes a conversation as Markdown: AI replies as the Markdown they
// are, minus anything a renderer would decode into a control character
// (safetext.Markdown), raw HTML and links that run code (neutralMarkdown);
// visitors' text cleaned and escaped so it cannot make
// links or headings; each turn labelled. The only link is the page, written
// by us as an autolink that shows its target.
func Markdown(w io.Writer, s api.Session, leads []store.Lead) error {
	var b strings.Builder
	fmt.Fprintf(&b, "# Conversation %d\n\n", s.SessionID)
	fmt.Fprintf(&b, "- **Started:** %s\n", s.CreateTime.UTC().Format("2006-01-02 15:04 UTC"))
	if s.URI != "" {
		fmt.Fprintf(&b, "- **Page:** %s\n", MarkdownLink(s.URI))
	}
	fmt.Fprintf(&b, "- **Messages:** %d\n", len(s.Messages))
	for _, l := range leads {
		fmt.Fprintf(&b, "- **%s:** %s\n", mdText(safetext.Line(l.Type)), mdText(safetext.Line(contact(l.Lead))))
	}
	for _, m := range s.Messages {
		text := neutralMarkdown(safetext.Markdown(m.Content))
		if m.Type != api.RoleAI {
			text = mdText(m.Content)
		}
		fmt.Fprintf(&b, "\n**%s:**\n\n%s\n", mdText(RoleLabel(m.Type)), strings.TrimSpace(text))
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// mdText is a visitor's text as Markdown that reads as itself: references
// that decode to controls removed, as a renderer may decode them even where
// escaped, then escaped.
func mdText(s string) string { return MarkdownEscape(safetext.Markdown(s)) }

// MarkdownEscape backslash-escapes the characters that make Markdown
// structure, links, HTML and character references (&), so that the text
// reads as itself.
func MarkdownEscape(s string) string {
	var b strings.Builder
	for _, r := range s {
		if strings.ContainsRune("\\`*_{}[]<>()#+-!|~&", r) {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// MarkdownLink writes an http or https URL as a Markdown autolink, <…>,
// which shows its real target, percent-encoding what would end it early.
// Anything else (javascript:, data:, a bare path) is escaped text, not a
// link. The URL is cleaned first, like any text.
func MarkdownLink(u string) string {
	u = safetext.Markdown(safetext.Line(u))
	scheme, _, ok := strings.Cut(u, ":")
	if !ok || !strings.EqualFold(scheme, "http") && !strings.EqualFold(scheme, "https") {
		return MarkdownEscape(u)
	}
	return "<" + strings.NewReplacer("<", "%3C", ">", "%3E", " ", "%20").Replace(u) + ">"
}

// SessionsCSV writes conversations as CSV, one a row: SessionID, CreateTime,
// URI, MessageCount, and Messages, the whole transcript in one cell as
// "AI: …" lines.
func SessionsCSV(w io.Writer, sessions []api.Session) error {
	rows := make([][]string, len(sessions))
	for i, s := range sessions {
		rows[i] = []string{strconv.FormatInt(s.SessionID, 10), s.CreateTime.Format(time.RFC3339Nano),
			s.URI, strconv.Itoa(len(s.Messages)), plainTranscript(s.Messages)}
	}
	return CSV(w, []string{"SessionID", "CreateTime", "URI", "MessageCount", "Messages"}, rows)
}

// LocalTime shows an instant in the user's zone, to the minute; "-" for none.
func LocalTime(t time.Time, loc *time.Location) string {
	if t.IsZero() {
		return "-"
	}
	return t.In(loc).Format("2006-01-02 15:04")
}

// plainTranscript is a conversation in one CSV cell: "AI: …" lines.
func plainTranscript(msgs []api.Message) string {
	var b strings.Builder
	for i, m := range msgs {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(RoleLabel(m.Type))
		b.WriteString(": ")
		b.WriteString(m.Content)
	}
	return b.String()
}

// RoleLabel names the speaker of a turn as the browser does: AI or Visitor
// (the API's "User" reads as the operator); a turn of no type is a note.
func RoleLabel(t string) string {
	switch t {
	case api.RoleAI:
		return "AI"
	case api.RoleUser:
		return "Visitor"
	case "":
		return "Note"
	}
	return safetext.Line(t)
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

// PagePath shortens a page URL to what tells a site's pages apart: the
// path, or the host for a home page.
func PagePath(uri string) string {
	s := strings.TrimPrefix(strings.TrimPrefix(uri, "https://"), "http://")
	s = strings.TrimPrefix(s, "www.")
	if i := strings.IndexByte(s, '/'); i >= 0 && i < len(s)-1 {
		return s[i:]
	}
	return s
}
