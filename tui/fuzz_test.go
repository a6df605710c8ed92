package tui

import (
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	tea "charm.land/bubbletea/v2"

	"github.com/neotui/neotui/api"
	"github.com/neotui/neotui/internal/store"
	"github.com/neotui/neotui/tui/list"
)

// FuzzFrame: whatever visitors type into a lead and a conversation, the
// frame holds no escape sequence but SGR (colours), no control character
// but newline, no C1 and no bidi control.
func FuzzFrame(f *testing.F) {
	f.Add("\x1b]52;c;aGFjaw==\x07Mallory", "&#27;]52;c;eA==&#7; **bold**", "hi\rthere")
	f.Add("\x1b]8;;https://evil.example\x07click\x1b]8;;\x07", "[click](javascript:alert(1))", "<script>x</script>")
	f.Add("\u202eevil\u202c", "\x9b31mred \x1bP+q\x1b\\", "\x1b[2J\x1b[H")
	f.Add("名前", "# Título\n\n| a | b |\n|---|---|\n| 1 | 2 |", "😀\t\x00\x7f")
	f.Fuzz(func(t *testing.T, name, ai, user string) {
		m := New(Options{BotName: name, Serial: "s", Now: func() time.Time { return testNow }})
		defer m.Close()
		lead := store.Lead{Key: "k", Bot: "s", Lead: api.Lead{Type: api.TypeLead, Name: name, Email: user,
			PhoneNumber: name, Content: ai, CreateTime: testNow, SessionID: 7, URI: user}}
		session := api.Session{SessionID: 7, CreateTime: testNow, URI: name, Messages: []api.Message{
			{Type: api.RoleAI, Content: ai}, {Type: api.RoleUser, Content: user}, {Type: name, Content: ai}}}
		var model tea.Model = m
		for _, msg := range []tea.Msg{
			tea.WindowSizeMsg{Width: 120, Height: 40},
			leadsLoadedMsg{leads: newLeadSet([]store.Lead{lead}), complete: true},
			sessionsLoadedMsg{rows: list.NewRows([]list.Item{newSessionItem(store.SessionRow{SessionID: 7, CreateTime: testNow, URI: name, MessageCount: 3, Preview: user, Line: "7 " + user})}, list.Rows{}), complete: true},
			transcriptLoadedMsg{id: 7, session: session, leads: []store.Lead{lead}},
		} {
			model, _ = model.Update(msg)
		}
		checkSafe(t, model.(Model).View().Content)
		model, _ = model.Update(keyMsg("2"))
		checkSafe(t, model.(Model).View().Content)
	})
}

// checkSafe fails on anything in a frame but text, newlines and SGR.
func checkSafe(t *testing.T, frame string) {
	t.Helper()
	if !utf8.ValidString(frame) {
		t.Fatal("frame is not valid UTF-8")
	}
	for i := 0; i < len(frame); {
		r, n := utf8.DecodeRuneInString(frame[i:])
		switch {
		case r == 0x1b:
			end := sgrEnd(frame, i)
			if end < 0 {
				end = ownLinkEnd(frame, i)
			}
			if end < 0 {
				t.Fatalf("escape at %d is neither SGR nor neotui's own link: %q", i, frame[i:min(i+40, len(frame))])
			}
			i = end
			continue
		case r < 0x20 && r != '\n', r == 0x7f, r >= 0x80 && r <= 0x9f:
			t.Fatalf("control %U in the frame at %d", r, i)
		case r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069, r == 0x200e, r == 0x200f, r == 0x061c:
			t.Fatalf("bidi control %U in the frame", r)
		}
		i += n
	}
}

// sgrEnd returns the index after an SGR sequence starting at i, or -1.
func sgrEnd(s string, i int) int {
	if !strings.HasPrefix(s[i:], "\x1b[") {
		return -1
	}
	for j := i + 2; j < len(s); j++ {
		c := s[j]
		switch {
		case c >= '0' && c <= '9', c == ';', c == ':':
		case c == 'm':
			return j + 1
		default:
			return -1
		}
	}
	return -1
}

// ownLinkEnd returns the index after an OSC 8 hyperlink neotui makes
// (http, https, mailto or tel, printable ASCII without spaces), or -1.
func ownLinkEnd(s string, i int) int {
	const open = "\x1b]8;"
	if !strings.HasPrefix(s[i:], open) {
		return -1
	}
	rest := s[i+len(open):]
	semi := strings.IndexByte(rest, ';')
	if semi < 0 {
		return -1
	}
	target := rest[semi+1:]
	end, termLen := strings.IndexByte(target, '\a'), 1
	if st := strings.Index(target, "\x1b\\"); st >= 0 && (end < 0 || st < end) {
		end, termLen = st, 2
	}
	if end < 0 {
		return -1
	}
	target = target[:end]
	if target != "" {
		ok := false
		for _, scheme := range []string{"https://", "http://", "mailto:", "tel:"} {
			ok = ok || strings.HasPrefix(target, scheme)
		}
		if !ok {
			return -1
		}
	}
	for _, c := range []byte(target) {
		if c <= 0x20 || c >= 0x7f {
			return -1
		}
	}
	return i + len(open) + semi + 1 + end + termLen
}
