package list

import (
	"fmt"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"
)

// renderText draws the whole FilterText, too wide on purpose: the list must
// fit it.
func renderText(it Item, width int, selected bool, terms []string) string {
	prefix := "  "
	if selected {
		prefix = "> "
	}
	return prefix + Highlight(it.FilterText(), terms, lipgloss.NewStyle(), lipgloss.NewStyle().Bold(true))
}

func numbered(n int, format string) []Item {
	items := make([]Item, n)
	for i := range items {
		items[i] = lead{key: fmt.Sprintf("k%d", i), text: fmt.Sprintf(format, i)}
	}
	return items
}

// testStyles are visible so that geometry tests measure styled text.
var testStyles = Styles{
	FilterPrompt: lipgloss.NewStyle().Foreground(lipgloss.Color("6")),
	FilterText:   lipgloss.NewStyle().Bold(true),
	Count:        lipgloss.NewStyle().Faint(true),
	Empty:        lipgloss.NewStyle().Italic(true),
	Match:        lipgloss.NewStyle().Underline(true),
}

func newModel(items []Item, width, height int) Model {
	m := New(renderText, testStyles, DefaultKeyMap())
	m.SetItems(items)
	m.SetSize(width, height)
	return m
}

// press builds the key message a terminal would send for name.
func press(name string) tea.KeyPressMsg {
	special := map[string]rune{
		"enter": tea.KeyEnter, "esc": tea.KeyEscape, "up": tea.KeyUp, "down": tea.KeyDown,
		"pgup": tea.KeyPgUp, "pgdown": tea.KeyPgDown, "home": tea.KeyHome, "end": tea.KeyEnd,
		"backspace": tea.KeyBackspace,
	}
	if code, ok := special[name]; ok {
		return tea.KeyPressMsg{Code: code}
	}
	r := []rune(name)[0]
	return tea.KeyPressMsg{Code: r, Text: name}
}

// send delivers msgs in order, and the messages of their commands at once,
// as a runtime would with instant commands.
func send(t testing.TB, m Model, msgs ...tea.Msg) Model {
	t.Helper()
	for _, msg := range msgs {
		var cmd tea.Cmd
		m, cmd = m.Update(msg)
		m = send(t, m, messages(cmd)...)
	}
	return m
}

// typeText presses a key per rune of s.
func typeText(t testing.TB, m Model, s string) Model {
	t.Helper()
	for _, r := range s {
		m = send(t, m, press(string(r)))
	}
	return m
}

// messages runs cmd and returns what it produces, batches flattened.
func messages(cmd tea.Cmd) []tea.Msg {
	if cmd == nil {
		return nil
	}
	msg := cmd()
	batch, ok := msg.(tea.BatchMsg)
	if !ok {
		return []tea.Msg{msg}
	}
	var msgs []tea.Msg
	for _, c := range batch {
		msgs = append(msgs, messages(c)...)
	}
	return msgs
}

func selectedKey(t *testing.T, m Model) string {
	t.Helper()
	it, ok := m.Selected()
	if !ok {
		return ""
	}
	return it.Key()
}

// lines splits a view into its lines, styles stripped.
func lines(view string) []string { return strings.Split(ansi.Strip(view), "\n") }

func TestMovement(t *testing.T) {
	m := newModel(numbered(10, "item %d"), 20, 5)
	steps := []struct {
		key         string
		wantKey     string
		wantTopLine string
	}{
		{"k", "k0", "> item 0"},
		{"up", "k0", "> item 0"},
		{"j", "k1", "  item 0"},
		{"down", "k2", "  item 0"},
		{"j", "k3", "  item 0"},
		{"j", "k4", "  item 0"},
		{"j", "k5", "  item 1"}, // scrolls one line, no jump
		{"G", "k9", "  item 5"},
		{"j", "k9", "  item 5"},
		{"g", "k0", "> item 0"},
		{"pgdown", "k5", "> item 5"},
		{"pgdown", "k9", "  item 5"},
		{"pgup", "k4", "  item 0"},
		{"end", "k9", "  item 5"},
		{"home", "k0", "> item 0"},
	}
	for i, s := range steps {
		m = send(t, m, press(s.key))
		top := strings.TrimRight(lines(m.View())[0], " ")
		if got := selectedKey(t, m); got != s.wantKey || top != s.wantTopLine {
			t.Fatalf("step %d (%s): selected %s, top line %q; want %s, %q", i, s.key, got, top, s.wantKey, s.wantTopLine)
		}
	}
}

func TestFilterBoxTakesEveryLetter(t *testing.T) {
	m := newModel(numbered(10, "item %d"), 30, 5)
	m = send(t, m, press("/"))
	if !m.Filtering() {
		t.Fatal("/ did not focus the filter")
	}
	m = typeText(t, m, "qjkgG/")
	if !m.Filtering() || m.FilterValue() != "qjkgG/" {
		t.Fatalf("Filtering() = %v, FilterValue() = %q; want the letters in the box", m.Filtering(), m.FilterValue())
	}
	if got := selectedKey(t, m); got != "" {
		t.Errorf("selected %q with no matches", got)
	}
	bar := lines(m.View())[4]
	if !strings.HasPrefix(bar, "/ qjkgG/▏") || !strings.HasSuffix(bar, "0/10") {
		t.Errorf("filter bar = %q", bar)
	}
}

func TestArrowsMoveWhileTyping(t *testing.T) {
	m := newModel(numbered(12, "item %d"), 30, 6)
	m = typeText(t, m, "/item 1")
	m = send(t, m, press("down"))
	if got := selectedKey(t, m); got != "k10" || m.FilterValue() != "item 1" || !m.Filtering() {
		t.Errorf("down while typing: selected %s, value %q", got, m.FilterValue())
	}
}

func TestEscClearsFilter(t *testing.T) {
	m := newModel(numbered(12, "item %d"), 30, 6)
	m = typeText(t, m, "/item 1")
	if m.VisibleLen() != 3 {
		t.Fatalf("VisibleLen() = %d, want 3 (1, 10, 11)", m.VisibleLen())
	}
	m = send(t, m, press("down"), press("down"), press("esc"))
	if m.Filtering() || m.FilterValue() != "" || m.VisibleLen() != 12 {
		t.Fatalf("after esc: Filtering %v, value %q, VisibleLen %d", m.Filtering(), m.FilterValue(), m.VisibleLen())
	}
	if got := selectedKey(t, m); got != "k11" {
		t.Errorf("after esc selected %s, want the item selected in the filter, k11", got)
	}
	if view := m.View(); strings.Contains(view, "/ ") || len(lines(view)) != 6 {
		t.Errorf("filter bar still shown:\n%s", view)
	}
}

func TestEnterKeepsFilter(t *testing.T) {
	m := newModel(numbered(12, "item %d"), 30, 6)
	m = typeText(t, m, "/item 1")
	m = send(t, m, press("enter"))
	if m.Filtering() || m.FilterValue() != "item 1" || m.VisibleLen() != 3 {
		t.Fatalf("after enter: Filtering %v, value %q, VisibleLen %d", m.Filtering(), m.FilterValue(), m.VisibleLen())
	}
	m = send(t, m, press("j")) // a list key again
	if got := selectedKey(t, m); got != "k10" {
		t.Errorf("j after enter selected %s, want k10", got)
	}
	bar := lines(m.View())[5]
	if !strings.HasPrefix(bar, "/ item 1 ") || strings.Contains(bar, "▏") || !strings.HasSuffix(bar, "3/12") {
		t.Errorf("kept filter bar = %q", bar)
	}
	m = send(t, m, press("esc")) // clears a kept filter too
	if m.FilterValue() != "" || m.VisibleLen() != 12 || selectedKey(t, m) != "k10" {
		t.Errorf("esc after enter: value %q, VisibleLen %d, selected %s", m.FilterValue(), m.VisibleLen(), selectedKey(t, m))
	}
}

// TestCopiesKeepTheirBox: the list is a value, as Bubble Tea's models are,
// though it holds its filter box by pointer: what one copy types, keeps or
// clears leaves another's box as it was.
func TestCopiesKeepTheirBox(t *testing.T) {
	base := typeText(t, newModel(numbered(12, "item %d"), 30, 6), "/item 1")
	for _, keys := range [][]string{{"0"}, {"backspace"}, {"enter"}, {"esc"}} {
		m := base
		for _, k := range keys {
			m = send(t, m, press(k))
		}
		if !base.Filtering() || base.FilterValue() != "item 1" || !strings.Contains(ansi.Strip(base.View()), "/ item 1▏") {
			t.Fatalf("after %v on a copy, the list it was copied from shows filtering %v, %q:\n%s",
				keys, base.Filtering(), base.FilterValue(), base.View())
		}
	}
}

func TestEnterOnEmptyFilterHidesBar(t *testing.T) {
	m := newModel(numbered(3, "item %d"), 30, 4)
	m = send(t, m, press("/"), press(" "), press("enter"))
	if m.FilterValue() != "" || len(lines(m.View())) != 4 || strings.Contains(m.View(), "/ ") {
		t.Errorf("an empty filter was kept: %q\n%s", m.FilterValue(), m.View())
	}
}

func TestPaste(t *testing.T) {
	m := newModel(numbered(12, "item %d"), 30, 6)
	m = send(t, m, tea.PasteMsg{Content: "item 1"})
	if m.FilterValue() != "" {
		t.Fatalf("paste without focus went to the box: %q", m.FilterValue())
	}
	m = send(t, m, press("/"), tea.PasteMsg{Content: "item 1"})
	if m.FilterValue() != "item 1" || m.VisibleLen() != 3 {
		t.Errorf("after paste: value %q, VisibleLen %d", m.FilterValue(), m.VisibleLen())
	}
}

// filterMsg runs the command of a keystroke on a list too large to filter
// synchronously and returns its result.
func filterMsg(t *testing.T, cmd tea.Cmd) filteredMsg {
	t.Helper()
	for _, msg := range messages(cmd) {
		if fm, ok := msg.(filteredMsg); ok {
			return fm
		}
	}
	t.Fatal("no filteredMsg from the keystroke")
	return filteredMsg{}
}

func TestStaleResultDropped(t *testing.T) {
	items := numbered(syncFilterMax+1000, "lead %d")
	for _, first := range []string{"older first", "newer first"} {
		t.Run(first, func(t *testing.T) {
			m := newModel(items, 40, 10)
			m = send(t, m, press("/"))
			m, cmd1 := m.Update(press("1"))
			m, cmd2 := m.Update(press("2"))
			older, newer := filterMsg(t, cmd1), filterMsg(t, cmd2)
			if first == "older first" {
				m = send(t, m, older, newer)
			} else {
				m = send(t, m, newer, older)
			}
			want := newCorpus(items, nil, nil).filter([]string{"12"}, result{})
			if m.VisibleLen() != len(want.rows) || strings.Join(m.shown.words, " ") != "12" {
				t.Errorf("shown %q with %d rows, want \"12\" with %d", m.shown.words, m.VisibleLen(), len(want.rows))
			}
		})
	}
}

func TestResultForOldItemsDropped(t *testing.T) {
	items := numbered(syncFilterMax+1000, "lead %d")
	m := newModel(items, 40, 10)
	m = send(t, m, press("/"))
	m, cmd := m.Update(press("7"))
	inFlight := filterMsg(t, cmd)
	m.SetItems(items[:10]) // re-filters "7" over the new items at once
	m = send(t, m, inFlight)
	if m.VisibleLen() != 1 || selectedKey(t, m) != "k7" {
		t.Errorf("VisibleLen %d, selected %s: a result over the old items was applied", m.VisibleLen(), selectedKey(t, m))
	}
}

func TestSetItemsKeepsSelection(t *testing.T) {
	old := numbered(30, "lead %d")
	m := newModel(old, 30, 10)
	for range 12 {
		m = send(t, m, press("j"))
	}
	lineBefore := m.cursor - m.offset

	merged := append([]Item{lead{"new-a", "a"}, lead{"new-b", "b"}, lead{"new-c", "c"}}, old...)
	m.SetItems(merged)
	if got := selectedKey(t, m); got != "k12" {
		t.Fatalf("selected %s after merge, want k12", got)
	}
	if line := m.cursor - m.offset; line != lineBefore {
		t.Errorf("selection moved on screen from line %d to %d", lineBefore, line)
	}

	// At the top of the list, rows merging in above show, the selection
	// kept below them.
	top := newModel(old, 30, 10)
	top = send(t, top, press("j"))
	top = send(t, top, press("j"))
	top.SetItems(merged)
	if got := selectedKey(t, top); got != "k2" || top.offset != 0 {
		t.Errorf("selected %s, first row shown %d: want k2 with the new rows above it in view", got, top.offset)
	}
	top = newModel(old, 30, 10)
	top.SetItems(merged)
	if got := selectedKey(t, top); got != "k0" || top.offset != 0 {
		t.Errorf("selected %s, first row shown %d: want k0 with the new rows above it in view", got, top.offset)
	}

	// A vanished key keeps the index, clamped.
	m.SetItems(old[20:25])
	if got := selectedKey(t, m); got != "k24" {
		t.Errorf("selected %s after the key vanished, want the last item, k24", got)
	}
}

func TestSetItemsKeepsFilter(t *testing.T) {
	m := newModel(numbered(30, "lead%d"), 30, 10)
	m = typeText(t, m, "/lead2")
	m = send(t, m, press("enter"), press("j"), press("j")) // lead2, lead20, lead21
	fresh := []Item{lead{"new-a", "lead2 new"}, lead{"new-b", "other"}}
	m.SetItems(append(fresh, numbered(30, "lead%d")...))
	if m.FilterValue() != "lead2" || m.VisibleLen() != 12 || selectedKey(t, m) != "k21" {
		t.Errorf("value %q, VisibleLen %d, selected %s", m.FilterValue(), m.VisibleLen(), selectedKey(t, m))
	}
}

func TestSelect(t *testing.T) {
	m := newModel(numbered(100, "lead %d"), 30, 10)
	if !m.Select("k50") || selectedKey(t, m) != "k50" || !strings.Contains(ansi.Strip(m.View()), "> lead 50") {
		t.Errorf("Select(k50): selected %s, view:\n%s", selectedKey(t, m), m.View())
	}
	if m.Select("nope") || selectedKey(t, m) != "k50" {
		t.Error("Select of an unknown key moved the cursor")
	}
	m = typeText(t, m, "/lead 7")
	if m.Select("k50") {
		t.Error("Select of a filtered-out key succeeded")
	}
}

func TestResizeKeepsSelectionVisible(t *testing.T) {
	m := newModel(numbered(100, "lead%d"), 30, 20)
	m = send(t, m, press("G"), press("k"), press("k"))
	for _, h := range []int{5, 1, 2, 40, 3} {
		m.SetSize(30, h)
		if !strings.Contains(ansi.Strip(m.View()), "> lead97") {
			t.Errorf("height %d: selection not visible:\n%s", h, m.View())
		}
	}
	m = typeText(t, m, "/lead9") // the bar takes a line
	m = send(t, m, press("down"), press("down"))
	m.SetSize(30, 2)
	if !strings.Contains(ansi.Strip(m.View()), "> lead91") {
		t.Errorf("with the filter bar: selection not visible:\n%s", m.View())
	}
}

func TestEmptyStates(t *testing.T) {
	m := newModel(nil, 30, 3)
	if got := lines(m.View())[0]; !strings.HasPrefix(got, "nothing here yet") {
		t.Errorf("empty list: %q", got)
	}
	m = newModel(numbered(3, "lead %d"), 30, 3)
	m = typeText(t, m, "/zzz")
	if got := lines(m.View())[0]; !strings.HasPrefix(got, `no matches for "zzz"`) {
		t.Errorf("no matches: %q", got)
	}
}

func TestViewGeometry(t *testing.T) {
	wide := leads(
		"佐藤花子 hanako@example.jp 予約をお願いします 🎉🎉",
		"王伟 我的订单在哪里 😀",
		"María García ¿Tenéis hueco mañana?",
		"🎉",
		"e\u0301 combining accent",
	)
	states := map[string]func(Model) Model{
		"plain":      func(m Model) Model { return m },
		"typing":     func(m Model) Model { return typeText(t, m, "/花子") },
		"kept":       func(m Model) Model { return send(t, typeText(t, m, "/e"), press("enter")) },
		"no matches": func(m Model) Model { return typeText(t, m, "/"+strings.Repeat("长", 50)) },
		"scrolled":   func(m Model) Model { return send(t, m, press("G")) },
	}
	sizes := [][2]int{{80, 24}, {7, 4}, {13, 3}, {1, 2}, {2, 1}, {0, 3}, {5, 0}}
	for _, items := range [][]Item{wide, nil, numbered(1000, "lead %d 佐藤")} {
		for name, state := range states {
			for _, size := range sizes {
				m := state(newModel(items, size[0], size[1]))
				view := m.View()
				if size[1] == 0 {
					if view != "" {
						t.Errorf("%s %v: view %q, want empty", name, size, view)
					}
					continue
				}
				got := lines(view)
				if len(got) != size[1] {
					t.Errorf("%s %v: %d lines, want %d:\n%s", name, size, len(got), size[1], view)
				}
				for i, l := range got {
					if w := ansi.StringWidth(l); w != size[0] {
						t.Errorf("%s %v: line %d is %d cells: %q", name, size, i, w, l)
					}
				}
			}
		}
	}
}

func TestViewRendersOnlyVisibleRows(t *testing.T) {
	calls := 0
	count := func(it Item, width int, selected bool, terms []string) string {
		calls++
		return it.FilterText()
	}
	m := New(count, testStyles, DefaultKeyMap())
	m.SetItems(numbered(10_000, "lead %d"))
	m.SetSize(40, 10)
	m.Select("k5000")
	_ = m.View()
	if calls != 10 {
		t.Errorf("View rendered %d rows, want the 10 on screen", calls)
	}
}

// TestOtherListsResultDropped: an app holds several lists; one's filter
// result must not land in another whose sequence number happens to match.
func TestOtherListsResultDropped(t *testing.T) {
	items := numbered(syncFilterMax+1000, "lead %d")
	a, b := newModel(items, 40, 10), newModel(items, 40, 10)
	a = send(t, a, press("/"))
	b = send(t, b, press("/"))
	a, cmd := a.Update(press("7"))
	b, _ = b.Update(press("9"))
	b = send(t, b, filterMsg(t, cmd))
	if strings.Join(b.shown.words, " ") == "7" {
		t.Error("list b applied list a's result")
	}
}

// TestMore: the first items of more still loading say so in the filter
// bar's count, until the next rows replace them.
func TestMore(t *testing.T) {
	m := newModel(numbered(3, "lead %d"), 40, 5)
	m.SetMore(true)
	m = send(t, m, press("/"))
	if v := ansi.Strip(m.View()); !strings.Contains(v, "3/3…") || !m.More() {
		t.Fatalf("the count does not say more is loading:\n%s", v)
	}
	m.SetItems(numbered(4, "lead %d"))
	if v := ansi.Strip(m.View()); !strings.Contains(v, "4/4") || strings.Contains(v, "…") || m.More() {
		t.Errorf("all the items still say more is loading:\n%s", v)
	}
}

// TestHeaderStaysAboveTheRows: the header takes the first line, never
// scrolls, and a click maps to the row under it.
func TestHeaderStaysAboveTheRows(t *testing.T) {
	m := newModel(numbered(50, "item %d"), 20, 5)
	m.SetHeader(func(width int) string { return "HEADER" })
	m = send(t, m, press("G"))
	ls := lines(m.View())
	if len(ls) != 5 || !strings.HasPrefix(ls[0], "HEADER") {
		t.Fatalf("the header is not the first of 5 lines at the end: %q", ls)
	}
	if !strings.Contains(ls[4], "item") {
		t.Errorf("the last row is not drawn under the header: %q", ls)
	}
	if _, ok := m.SelectAt(0); ok {
		t.Errorf("a click on the header selected a row")
	}
	it, ok := m.SelectAt(1)
	if !ok || !strings.Contains(ls[1], it.FilterText()) {
		t.Errorf("a click on line 1 selected %v, which is not drawn there: %q", it, ls[1])
	}
	m = send(t, m, press("/"))
	if ls := lines(m.View()); len(ls) != 5 || !strings.HasPrefix(ls[0], "HEADER") {
		t.Errorf("with the filter bar, the frame is %q", ls)
	}
}
