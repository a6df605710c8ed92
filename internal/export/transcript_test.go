package export

import (
	"bytes"
	"encoding/csv"
	"html"
	"regexp"
	"strings"
	"testing"
	"time"

	"charm.land/glamour/v2"

	"github.com/neotui/neotui/api"
	"github.com/neotui/neotui/internal/safetext"
	"github.com/neotui/neotui/internal/store"
)

func hostileSession() (api.Session, []store.Lead) {
	s := api.Session{SessionID: 777001, CreateTime: time.Date(2026, 3, 1, 9, 30, 0, 0, time.UTC),
		URI: "https://x.example/a b>c", Messages: []api.Message{
			{Type: api.RoleAI, Content: "**Hi** &#27;]52;c;aGFjaw==&#7; and &#x1b;[31mred, see [site](https://x.example)"},
			{Type: api.RoleUser, Content: "[click](javascript:alert(1)) &#27;[2J # not a heading\n<script>x</script> ![img](http://t/p.png)"},
			{Type: api.RoleUser, Content: "\x1b]8;;https://evil\x1b\\link\x1b]8;;\x1b\\ &#x202e;rev &lrm;"},
			{Type: "", Content: "visitor left"},
			{Type: "Sys\x1b[31mtem &#27;", Content: "odd"},
		}}
	leads := []store.Lead{{Key: "k", Bot: "b", Lead: api.Lead{Type: api.TypeLead, Name: "[Mallory](javascript:x)",
		Email: "m@x.example", Content: "&#27;]0;title&#7; call me"}}}
	return s, leads
}

func TestMarkdownSafety(t *testing.T) {
	s, leads := hostileSession()
	var out bytes.Buffer
	if err := Markdown(&out, s, leads); err != nil {
		t.Fatal(err)
	}
	md := out.String()
	if safetext.Clean(md) != md {
		t.Errorf("markdown is not clean:\n%q", md)
	}
	// Nothing a renderer would decode into a control survives, escaped or not.
	if dec := html.UnescapeString(strings.ReplaceAll(md, `\`, "")); safetext.Clean(dec) != dec {
		t.Errorf("markdown decodes to controls:\n%s", md)
	}
	for _, bad := range []string{"&#27;", "&#x1b;", "&#7;", "&#x202e;", "&lrm;", "](javascript", "](http://t", "<javascript"} {
		if strings.Contains(md, bad) {
			t.Errorf("markdown carries %q:\n%s", bad, md)
		}
	}
	for _, want := range []string{
		"# Conversation 777001",
		"<https://x.example/a%20b%3Ec>",      // the page: our link, its target shown
		"**Hi**",                             // AI Markdown kept
		"[site](https://x.example)",          // and its links
		`\[click\]\(javascript:alert\(1\)\)`, // a visitor's link is text
		`\# not a heading`,                   // and so is a heading
		`\!\[img\]\(http://t/p.png\)`,        // and an image
		`\<script\>x\</script\>`,             // and HTML
		"**Note:**",                          // a turn of no type
		`- **Lead:** \[Mallory\]\(javascript:x\) · m@x.example — \]0;title call me`,
	} {
		if !strings.Contains(md, want) {
			t.Errorf("markdown lacks %q:\n%s", want, md)
		}
	}
}

func TestMarkdownLink(t *testing.T) {
	tests := []struct{ in, want string }{
		{"https://x.example/a b>c", "<https://x.example/a%20b%3Ec>"},
		{"HTTP://x.example/", "<HTTP://x.example/>"},
		{"javascript:alert(1)", `javascript:alert\(1\)`},
		{"data:text/html,<b>", `data:text/html,\<b\>`},
		{"x.example/path", "x.example/path"},
		{"https://x.example/\x1b]8;;evil\x07p&#27;q", "<https://x.example/pq>"},
	}
	for _, tt := range tests {
		if got := MarkdownLink(tt.in); got != tt.want {
			t.Errorf("MarkdownLink(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestTranscriptPlain(t *testing.T) {
	s, leads := hostileSession()
	var out bytes.Buffer
	if err := Transcript(&out, s, leads, time.UTC); err != nil {
		t.Fatal(err)
	}
	text := out.String()
	if safetext.Clean(text) != text {
		t.Errorf("transcript is not clean:\n%q", text)
	}
	if !strings.HasPrefix(text, "Conversation 777001 · 2026-03-01 09:30 · https://x.example/a b>c · 5 messages\n") {
		t.Errorf("header:\n%s", text)
	}
	if !strings.Contains(text, "\nVisitor: [click](javascript:alert(1)) &#27;[2J # not a heading\n         <script>") {
		t.Errorf("a visitor's turn is not shown as typed, continuation indented:\n%s", text)
	}
}

func TestSessionsCSV(t *testing.T) {
	s, _ := hostileSession()
	var out bytes.Buffer
	if err := SessionsCSV(&out, []api.Session{s}); err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(&out).ReadAll()
	if err != nil || len(rows) != 2 {
		t.Fatalf("csv: %v %v", err, rows)
	}
	if rows[0][4] != "Messages" || rows[1][0] != "777001" || rows[1][3] != "5" {
		t.Errorf("rows %q", rows)
	}
	msgs := rows[1][4]
	if safetext.Clean(msgs) != msgs || !strings.HasPrefix(msgs, "AI: **Hi**") || !strings.Contains(msgs, "\nNote: visitor left\nSystem &#27;: odd") {
		t.Errorf("messages cell %q", msgs)
	}
}

func TestLocalTime(t *testing.T) {
	rome, err := time.LoadLocation("Europe/Rome")
	if err != nil {
		t.Skip(err)
	}
	if got := LocalTime(time.Date(2026, 3, 1, 9, 30, 59, 0, time.UTC), rome); got != "2026-03-01 10:30" {
		t.Errorf("LocalTime = %q", got)
	}
	if got := LocalTime(time.Time{}, rome); got != "-" {
		t.Errorf("LocalTime(zero) = %q", got)
	}
}

// osc8 is a hyperlink as glamour writes one: ESC ] 8 ; params ; target BEL.
var osc8 = regexp.MustCompile("\x1b]8;[^;\x07\x1b]*;([^\x07\x1b]*)\x07")

// TestMarkdownRendered renders the Markdown as the browser does (glamour)
// and requires that the only control sequences in the result are hyperlinks
// of the kinds the design allows (http, https, mailto, tel): references that decode twice (&&#35;27;), escaped
// references and visitors' autolinks stay text.
func TestMarkdownRendered(t *testing.T) {
	s, leads := hostileSession()
	s.Messages = append(s.Messages, api.Message{Type: api.RoleUser,
		Content: "&&#35;27;[31m \\&#27;x `&#27;` <javascript:alert(1)> <mailto:a@b> &#x26;#27;"})
	var md bytes.Buffer
	if err := Markdown(&md, s, leads); err != nil {
		t.Fatal(err)
	}
	r, err := glamour.NewTermRenderer(glamour.WithStandardStyle("notty"), glamour.WithWordWrap(0))
	if err != nil {
		t.Fatal(err)
	}
	out, err := r.Render(md.String())
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range osc8.FindAllStringSubmatch(out, -1) {
		scheme, _, _ := strings.Cut(m[1], ":")
		if m[1] != "" && scheme != "https" && scheme != "http" && scheme != "mailto" && scheme != "tel" {
			t.Errorf("rendered link to %q", m[1])
		}
	}
	if rest := osc8.ReplaceAllString(out, ""); safetext.Clean(rest) != rest {
		t.Errorf("rendered Markdown carries control characters:\n%q", rest)
	}
}
