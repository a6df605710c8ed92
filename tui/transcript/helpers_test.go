package transcript

import (
	"fmt"
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/neotui/neotui/api"
)

// open returns a model of the given size showing s, with its background
// render done.
func open(t testing.TB, width, height int, s api.Session) Model {
	t.Helper()
	m := New(DefaultStyles(true), true)
	m.SetSize(width, height)
	return settle(m, m.SetSession(s))
}

// settle runs cmd, as Bubble Tea would, and feeds its message to m.
func settle(m Model, cmd tea.Cmd) Model {
	if cmd == nil {
		return m
	}
	if msg := cmd(); msg != nil {
		m, _ = m.Update(msg)
	}
	return m
}

func press(m Model, keys ...string) Model {
	for _, k := range keys {
		m, _ = m.Update(keyMsg(k))
	}
	return m
}

// keyMsg builds the key press Bubble Tea reports for k ("j", "G", "ctrl+d",
// "pgdown", …).
func keyMsg(k string) tea.KeyPressMsg {
	special := map[string]rune{
		"up": tea.KeyUp, "down": tea.KeyDown, "pgup": tea.KeyPgUp, "pgdown": tea.KeyPgDown,
		"home": tea.KeyHome, "end": tea.KeyEnd,
	}
	if code, ok := special[k]; ok {
		return tea.KeyPressMsg{Code: code}
	}
	if c, ok := strings.CutPrefix(k, "ctrl+"); ok {
		return tea.KeyPressMsg{Code: rune(c[0]), Mod: tea.ModCtrl}
	}
	r, _ := utf8.DecodeRuneInString(k)
	if r >= 'A' && r <= 'Z' {
		return tea.KeyPressMsg{Code: r + 'a' - 'A', ShiftedCode: r, Mod: tea.ModShift, Text: k}
	}
	return tea.KeyPressMsg{Code: r, Text: k}
}

var sgrRE = regexp.MustCompile("^\x1b\\[[0-9;:]*m")

// frameError describes the first way view breaks the frame's contract: height
// lines, none wider than width, nothing a terminal acts on but SGR sequences
// and newlines.
func frameError(view string, width, height int) error {
	lines := strings.Split(view, "\n")
	if len(lines) != height {
		return fmt.Errorf("%d lines, want %d", len(lines), height)
	}
	for i, l := range lines {
		if w := ansi.StringWidth(l); w > width {
			return fmt.Errorf("line %d is %d cells wide, want ≤ %d: %q", i, w, width, l)
		}
	}
	return unsafeError(view)
}

// unsafeError describes the first thing in s other than an SGR sequence that
// a terminal would act on.
func unsafeError(s string) error {
	if !utf8.ValidString(s) {
		return fmt.Errorf("invalid UTF-8 in %q", s)
	}
	for i := 0; i < len(s); {
		if s[i] == 0x1b {
			sgr := sgrRE.FindString(s[i:])
			if sgr == "" {
				return fmt.Errorf("escape other than SGR at %d: %q", i, s[i:min(i+20, len(s))])
			}
			i += len(sgr)
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == '\n':
		case r < 0x20, r == 0x7f, r >= 0x80 && r <= 0x9f:
			return fmt.Errorf("control %U at %d", r, i)
		case r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069, r == 0x200e, r == 0x200f, r == 0x061c:
			return fmt.Errorf("bidi control %U at %d", r, i)
		}
		i += n
	}
	return nil
}

// session returns a session of the given messages, alternating AI and User
// unless a message is prefixed "Type|".
func session(id int64, contents ...string) api.Session {
	s := api.Session{SessionID: id}
	for i, c := range contents {
		typ := api.RoleAI
		if i%2 == 1 {
			typ = api.RoleUser
		}
		if t, rest, ok := strings.Cut(c, "|"); ok && !strings.ContainsAny(t, " \n") {
			typ, c = t, rest
		}
		s.Messages = append(s.Messages, api.Message{Type: typ, Content: c})
	}
	return s
}

// aiReply is a ~300-byte Markdown reply like the bot's.
func aiReply(i int) string {
	return fmt.Sprintf("## Orari %d\n\nSiamo aperti **dal lunedì al venerdì**, 9:00–18:00.\n\n"+
		"- Prenota online: [il sito](https://example.it/prenota/%d)\n- Telefono: `+39 02 1234 5678`\n"+
		"- Parcheggio gratuito\n\nVuoi che ti fissi un appuntamento per *domani mattina*? "+
		"Posso anche inviarti un promemoria via email.", i, i)
}

// chat is a transcript of n messages: Markdown AI replies and short visitor
// lines.
func chat(id int64, n int) api.Session {
	contents := make([]string, n)
	for i := range contents {
		if i%2 == 0 {
			contents[i] = aiReply(i)
		} else {
			contents[i] = fmt.Sprintf("Grazie! Domanda numero %d: avete posto per due?", i)
		}
	}
	return session(id, contents...)
}

// hugeLog is a pasted 50 KB log opening with a 4 KB unbroken token.
var hugeLog = func() string {
	var b strings.Builder
	b.WriteString("Here is my log:\n" + strings.Repeat("x", 4096) + "\n")
	for b.Len() < 50<<10 {
		b.WriteString("2024-05-01 12:00:00 ERROR payment gateway timed out, retrying\n")
	}
	return b.String()
}()

const richMarkdown = "# Heading\n\n## Sub-heading\n\nSome *emphasis*, **strong**, `code`, ~~gone~~ and a [link](https://example.com/a/b?c=d).\n\n" +
	"1. first\n2. second\n   - nested\n\n> a quote\n\n```go\nfunc main() {\n\tfmt.Println(\"hi\")\n}\n```\n\n" +
	"| name | site |\n|------|------|\n| shop | [home](https://shop.example) |\n| a very long cell that must wrap somewhere | <https://auto.example/x> |\n\n" +
	"![logo](https://example.com/logo.png) and mail@example.com\n\n---\n\nDone."

// hostile is a session of everything hard to show.
func hostile() api.Session {
	return session(7,
		richMarkdown,
		"你好，我想预约。こんにちは 안녕하세요 — 👍🏽 👨‍👩‍👧 🇮🇹",
		"Token: "+strings.Repeat("y", 4096)+" end",
		hugeLog,
		"System|Conversation transferred to a human agent",
		"\x1b]52;c;aGFjaw==\x07 and \x1b]8;;https://evil.example\x1b\\click\x1b]8;;\x1b\\ and \u202eevil",
		"&#27;]52;c;eA==&#7; [click](javascript:alert(1)) <script>x</script> &#x1b;[2J",
		"",
		"\tTabbed\tvisitor\ttext\r\nwith CRLF",
	)
}
