package transcript

import (
	"slices"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/neotui/neotui/api"
	"github.com/neotui/neotui/api/apitest"
)

// TestViewInvariants pages through hard sessions at several sizes: every
// frame is exactly the height, no line is wider than the width, and nothing
// but SGR and newlines reaches the terminal.
func TestViewInvariants(t *testing.T) {
	sessions := map[string]api.Session{
		"hostile": hostile(),
		"chat":    chat(1, 12),
		"empty":   {SessionID: 3, Messages: []api.Message{}},
		"huge ai": session(4, hugeLog),
	}
	for name, s := range sessions {
		for _, width := range []int{40, 80, 120} {
			m := open(t, width, 20, s)
			for page := 0; ; page++ {
				if err := frameError(m.View(), width, 20); err != nil {
					t.Fatalf("%s at width %d, page %d: %v", name, width, page, err)
				}
				before := m.offset
				if m = press(m, "pgdown"); m.offset == before {
					break
				}
			}
		}
	}
}

func TestTinySizes(t *testing.T) {
	for _, size := range [][2]int{{0, 0}, {1, 1}, {2, 5}, {5, 3}, {15, 4}, {16, 4}, {17, 2}} {
		m := open(t, size[0], size[1], hostile())
		m = press(m, "G")
		if err := frameError(m.View(), size[0], max(size[1], 1)); err != nil && size[1] > 0 {
			t.Errorf("%dx%d: %v", size[0], size[1], err)
		}
		if size[1] == 0 && m.View() != "" {
			t.Errorf("height 0: View() = %q", m.View())
		}
	}
}

func TestEmptySession(t *testing.T) {
	m := open(t, 60, 5, api.Session{SessionID: 9})
	if got := ansi.Strip(m.View()); !strings.Contains(got, "no messages in this conversation") {
		t.Errorf("empty session shows %q", got)
	}
}

// TestHostileSessions shows the fake API's hostile records, as the app gets them.
func TestHostileSessions(t *testing.T) {
	bot := apitest.Generate(apitest.Spec{Serial: "t", Name: "t", Sessions: 12, Days: 3,
		End: time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC), Seed: 1, FirstID: 1})
	for _, k := range []int{apitest.HostileContact, apitest.HostileEscapes, apitest.HostileHuge, apitest.HostileEmpty, apitest.HostileSystem} {
		s, _, _ := bot.At(bot.Len() - k)
		m := open(t, 80, 30, s)
		for _, keys := range [][]string{nil, {"G"}, {"g", "pgdown"}} {
			if m = press(m, keys...); frameError(m.View(), 80, 30) != nil {
				t.Errorf("hostile record %d after %v: %v", k, keys, frameError(m.View(), 80, 30))
			}
		}
	}
}

func TestPanes(t *testing.T) {
	m := open(t, 60, 40, session(1, "**Hello** from the bot", "hi", "Escalation|handed to Maria", "Weird|", "\x1b[31m|x"))
	view := ansi.Strip(m.View())
	lines := strings.Split(view, "\n")
	find := func(sub string) string {
		for _, l := range lines {
			if strings.Contains(l, sub) {
				return l
			}
		}
		t.Fatalf("no line contains %q in\n%s", sub, view)
		return ""
	}
	if l := find("─ AI ─"); !strings.HasPrefix(l, "╭") {
		t.Errorf("AI pane is not on the left: %q", l)
	}
	if l := find("Hello"); strings.Contains(l, "**") {
		t.Errorf("AI Markdown not rendered: %q", l)
	}
	if l := find("─ Visitor ─"); !strings.HasPrefix(l, " ") || !strings.HasSuffix(l, "╮") || ansi.StringWidth(l) != 60 {
		t.Errorf("visitor pane is not on the right: %q", l)
	}
	find("· Escalation")
	find("handed to Maria")
	find("· Weird")
	find("· note") // a Type that is all escape sequence
	if !strings.Contains(m.View(), "\x1b[3;") && !strings.Contains(m.View(), ";3m") && !strings.Contains(m.View(), "[3m") {
		t.Error("note is not italic")
	}
}

func TestVisitorTextIsNotMarkdown(t *testing.T) {
	m := open(t, 60, 10, session(1, "", "**not bold** [x](https://e.example)"))
	if !strings.Contains(ansi.Strip(m.View()), "**not bold** [x](https://e.example)") {
		t.Errorf("visitor text was changed:\n%s", ansi.Strip(m.View()))
	}
}

// TestLinks: glamour's OSC 8 hyperlinks are gone, their targets visible.
func TestLinks(t *testing.T) {
	m := open(t, 100, 30, session(1,
		"See [our site](https://example.it/prenota) or <https://auto.example> or [x](javascript:alert(1)).\n\n"+
			"| a | b |\n|---|---|\n| [cell](https://cell.example/path) | 2 |"))
	view := m.View()
	if err := unsafeError(view); err != nil {
		t.Fatal(err)
	}
	plain := ansi.Strip(view)
	for _, want := range []string{"our site", "https://example.it/prenota", "https://auto.example", "javascript:alert(1)", "https://cell.example/path"} {
		if !strings.Contains(plain, want) {
			t.Errorf("%q not visible in\n%s", want, plain)
		}
	}
}

func TestGlamourFollowsBackground(t *testing.T) {
	s := session(1, "# Title\n\n`code`")
	dark := open(t, 60, 10, s)
	light := New(DefaultStyles(false), false)
	light.SetSize(60, 10)
	light = settle(light, light.SetSession(s))
	if dark.View() == light.View() {
		t.Fatal("dark and light render the same")
	}
	// Switching renders again, and switching back comes from the cache.
	cmd := dark.SetDark(false, DefaultStyles(false))
	if dark = settle(dark, cmd); dark.View() != light.View() {
		t.Error("SetDark(false) does not look like a light transcript")
	}
	if cmd := dark.SetDark(true, DefaultStyles(true)); cmd != nil {
		t.Error("switching back to dark renders again")
	}
}

func TestScrollKeys(t *testing.T) {
	m := open(t, 80, 10, chat(1, 20))
	last := m.maxOffset()
	if last < 30 {
		t.Fatalf("document too short to test: %d lines", len(m.lines))
	}
	steps := []struct {
		key  string
		want int
	}{
		{"k", 0}, {"up", 0}, {"j", 1}, {"down", 2}, {"pgdown", 12}, {"pgup", 2}, {"pgup", 0},
		{"ctrl+d", 5}, {"ctrl+d", 10}, {"ctrl+u", 5}, {"G", last}, {"j", last}, {"pgdown", last},
		{"ctrl+d", last}, {"g", 0}, {"end", last}, {"k", last - 1}, {"home", 0}, {"x", 0},
	}
	for _, s := range steps {
		if m = press(m, s.key); m.offset != s.want {
			t.Fatalf("after %q: offset %d, want %d", s.key, m.offset, s.want)
		}
		if err := frameError(m.View(), 80, 10); err != nil {
			t.Fatalf("after %q: %v", s.key, err)
		}
	}
	if got := strings.Split(ansi.Strip(press(m, "G").View()), "\n")[9]; !strings.Contains(got, "╯") {
		t.Errorf("G does not end on the last pane's bottom border: %q", got)
	}
}

// TestFirstScreenOnly: a session renders on the spot only what the screen
// needs; the command renders the rest.
func TestFirstScreenOnly(t *testing.T) {
	m := New(DefaultStyles(true), true)
	m.SetSize(100, 40)
	cmd := m.SetSession(chat(1, 50))
	if n := len(m.cache); n == 0 || n > 10 {
		t.Errorf("%d of 50 blocks rendered on the spot", n)
	}
	if cmd == nil {
		t.Fatal("no command to render the rest")
	}
	before := m.View()
	m = settle(m, cmd)
	if len(m.cache) != 50 {
		t.Errorf("%d of 50 blocks rendered after the command", len(m.cache))
	}
	if m.View() != before {
		t.Error("the first screen changed when the rest arrived")
	}
	if cmd := m.SetSession(chat(1, 50)); cmd != nil {
		t.Error("setting the same session again renders again")
	}
}

func TestStaleRendersDropped(t *testing.T) {
	m := New(DefaultStyles(true), true)
	m.SetSize(80, 10)
	oldSession := m.SetSession(chat(1, 30))()
	m.SetSession(chat(2, 30)) // the reader moved on before the render came back
	n := len(m.cache)
	if m, _ = m.Update(oldSession); len(m.cache) != n {
		t.Errorf("a render of the previous session was taken in: %d blocks, was %d", len(m.cache), n)
	}

	m = New(DefaultStyles(true), true)
	m.SetSize(80, 10)
	m = settle(m, m.SetSession(chat(1, 3)))
	m.SetSession(chat(1, 30))
	oldWidth := m.SetSize(70, 10)()
	m.SetSize(90, 10)
	n = len(m.cache)
	if m, _ = m.Update(oldWidth); len(m.cache) != n {
		t.Error("a render at the previous width was taken in")
	}

	// A render superseded before it finishes stops early.
	cmd := m.SetSize(100, 10)
	m.SetSize(110, 10)
	if msg := cmd(); msg != nil {
		t.Errorf("a superseded render returned %T", msg)
	}
}

// TestSetSizeRerenders: a new width renders again; each width is cached.
func TestSetSizeRerenders(t *testing.T) {
	m := open(t, 80, 20, chat(1, 10))
	at80 := m.View()
	m = settle(m, m.SetSize(50, 20))
	if err := frameError(m.View(), 50, 20); err != nil {
		t.Fatal(err)
	}
	if m.View() == at80 {
		t.Fatal("the view did not change with the width")
	}
	if len(m.cache) != 20 {
		t.Errorf("%d blocks cached, want 10 per width", len(m.cache))
	}
	if cmd := m.SetSize(80, 20); cmd != nil {
		t.Error("going back to a cached width renders again")
	}
	if m.View() != at80 {
		t.Error("the view at width 80 differs after a round trip")
	}
	// A new height needs no render, and keeps the top.
	m = press(m, "j", "j", "j")
	if cmd := m.SetSize(80, 25); cmd != nil || m.offset != 3 {
		t.Errorf("a new height: cmd %v, offset %d, want nil and 3", cmd != nil, m.offset)
	}
}

func TestWidthChangeKeepsTopMessage(t *testing.T) {
	m := open(t, 80, 10, chat(1, 20))
	m.ScrollToMessage(7)
	m = settle(m, m.SetSize(60, 10))
	if i, line := m.position(); i != 7 || line != 0 {
		t.Errorf("after a resize the top is message %d line %d, want 7, 0", i, line)
	}
}

func TestScrollToMessage(t *testing.T) {
	m := New(DefaultStyles(true), true)
	m.SetSize(80, 10)
	cmd := m.SetSession(chat(1, 40))
	// Before the rest is rendered: what the screen needs is rendered on the spot.
	m.ScrollToMessage(25)
	if i, line := m.position(); i != 25 || line != 0 {
		t.Fatalf("top is message %d line %d, want 25, 0", i, line)
	}
	if !strings.Contains(ansi.Strip(m.View()), "Orari 24") && !strings.Contains(ansi.Strip(m.View()), "numero 25") {
		t.Errorf("message 25 not on screen:\n%s", ansi.Strip(m.View()))
	}
	if m = settle(m, cmd); !m.rendered(0) {
		t.Fatal("the rest was not rendered")
	}
	if i, line := m.position(); i != 25 || line != 0 {
		t.Errorf("after the rest arrived the top is message %d line %d, want 25, 0", i, line)
	}
	// The last message cannot come to the top: the screen ends with it.
	m.ScrollToMessage(39)
	if m.offset != m.maxOffset() {
		t.Errorf("offset %d, want the end %d", m.offset, m.maxOffset())
	}
	m.ScrollToMessage(-5)
	if m.offset != 0 {
		t.Errorf("ScrollToMessage(-5): offset %d", m.offset)
	}
}

func TestHighlight(t *testing.T) {
	m := open(t, 80, 10, session(1,
		"Benvenuto!", "vorrei un TAVOLO", "Un tavolo per quando?", "domani", "Ok.", "Tavolo 2, grazie", "Perfetto"))
	if n := m.SetHighlight("tavolo"); n != 3 {
		t.Fatalf("SetHighlight = %d matching messages, want 3", n)
	}
	marked := strings.Count(m.View(), markOn)
	if marked == 0 {
		t.Fatalf("no match marked:\n%q", m.View())
	}
	if err := frameError(m.View(), 80, 10); err != nil {
		t.Fatal(err)
	}
	var visits, tops []int
	for m.NextMatch() {
		i, _ := m.position()
		visits, tops = append(visits, m.current), append(tops, i)
	}
	if want := []int{1, 2, 5}; !slices.Equal(visits, want) {
		t.Errorf("n visits %v, want %v", visits, want)
	}
	if tops[0] != 1 || tops[1] != 2 || m.offset != m.maxOffset() {
		t.Errorf("n brings %v to the top, want 1, 2, then the end", tops)
	}
	var back []int
	for m.PrevMatch() {
		back = append(back, m.current)
	}
	if want := []int{2, 1}; !slices.Equal(back, want) {
		t.Errorf("N visits %v, want %v", back, want)
	}
	if m.SetHighlight(""); strings.Contains(m.View(), markOn) {
		t.Error("clearing the highlight leaves marks")
	}
	if n := m.SetHighlight("nowhere"); n != 0 || m.NextMatch() || m.PrevMatch() {
		t.Error("a term found nowhere still steps")
	}
}

func TestHighlightFromScrolledPosition(t *testing.T) {
	m := open(t, 80, 10, chat(1, 40))
	m.SetHighlight("numero 3") // messages 3, 31, 33, 35, 37, 39
	m.ScrollToMessage(20)
	if !m.NextMatch() || m.current != 31 {
		t.Errorf("n from message 20 goes to %d, want 31", m.current)
	}
	m = press(m, "g")
	if !m.NextMatch() || m.current != 3 {
		t.Errorf("n after g goes to %d, want 3", m.current)
	}
}

func TestRefreshKeepsPlace(t *testing.T) {
	m := open(t, 80, 10, chat(1, 20))
	m.ScrollToMessage(9)
	m = press(m, "j")
	longer := chat(1, 24)
	cmd := m.SetSession(longer)
	if i, line := m.position(); i != 9 || line != 1 {
		t.Errorf("after a refresh the top is message %d line %d, want 9, 1", i, line)
	}
	if m = settle(m, cmd); len(m.cache) != 24 {
		t.Errorf("%d blocks cached, want 24", len(m.cache))
	}
	if m.SessionID() != 1 {
		t.Errorf("SessionID() = %d", m.SessionID())
	}
	m = settle(m, m.SetSession(chat(2, 3)))
	if i, line := m.position(); i != 0 || line != 0 || m.SessionID() != 2 {
		t.Errorf("another session opens at message %d line %d", i, line)
	}
}

func TestZeroModel(t *testing.T) {
	var m Model
	if m.View() != "" {
		t.Error("zero model shows something")
	}
	m.SetSize(40, 5)
	m = settle(m, m.SetSession(chat(1, 2)))
	if err := frameError(m.View(), 40, 5); err != nil || !strings.Contains(m.View(), "AI") {
		t.Errorf("zero model after use: %v\n%s", err, m.View())
	}
}

// TestPathologicalMarkdown: shapes of Markdown that take glamour seconds to
// hours are shown as plain text, at once.
func TestPathologicalMarkdown(t *testing.T) {
	nestedList := func(n int) string {
		var b strings.Builder
		for i := range n {
			b.WriteString(strings.Repeat("  ", i) + "- x\n")
		}
		return b.String()
	}
	slow := map[string]string{
		"nested quotes":        strings.Repeat(">", 2000) + " x",
		"nested list markers":  strings.Repeat("- ", 2000) + "x",
		"nested ordered lists": strings.Repeat("1. ", 2000) + "x",
		"indented lists":       nestedList(300),
		"identical headings":   strings.Repeat("# x\n", 5000),
	}
	for name, md := range slow {
		if !tooComplex(md, 76) {
			t.Errorf("%s: not caught", name)
		}
		m := open(t, 80, 24, session(1, md))
		if err := frameError(press(m, "G").View(), 80, 24); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
	fine := map[string]string{
		"rich":          richMarkdown,
		"reply":         aiReply(1),
		"list of three": nestedList(3),
		"deep code":     "```python\n" + strings.Repeat("        # comment\n", 50) + strings.Repeat(" ", 40) + "x = 1\n```",
		"some headings": strings.Repeat("## Step\n\ntext\n\n", 50),
	}
	for name, md := range fine {
		if tooComplex(md, 76) {
			t.Errorf("%s: taken for pathological", name)
		}
	}
}

// TestBackgroundRenderRace renders in the background while the Update
// goroutine renders too, for the race detector: glamour renderers are not
// safe for concurrent use, so each render must have its own.
func TestBackgroundRenderRace(t *testing.T) {
	m := New(DefaultStyles(true), true)
	m.SetSize(80, 10)
	cmd := m.SetSession(session(1, richMarkdown, "hi", richMarkdown, "ok", richMarkdown))
	done := make(chan tea.Msg)
	go func() { done <- cmd() }()
	other := New(DefaultStyles(true), true)
	other.SetSize(80, 10)
	other.SetSession(session(2, richMarkdown, richMarkdown))
	m.ScrollToMessage(4)
	m, _ = m.Update(<-done)
	if err := frameError(m.View(), 80, 10); err != nil {
		t.Fatal(err)
	}
}
