package tui

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"charm.land/bubbles/v2/help"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"

	"github.com/neotui/neotui/api"
	"github.com/neotui/neotui/internal/store"
)

func TestStartsFromTheStore(t *testing.T) {
	st, bot := fillStore(t, 80)
	m := start(t, st, 120, 40)
	s := screen(m)
	if leadList(m).Len() == 0 || sessionList(m).Len() != 80 {
		t.Fatalf("loaded %d leads, %d sessions", leadList(m).Len(), sessionList(m).Len())
	}
	for _, want := range []string{"1 Leads", "2 Conversations 80", "3 Search", "Test Shop", "offline"} {
		if !strings.Contains(s, want) {
			t.Errorf("screen lacks %q:\n%s", want, s)
		}
	}
	// The newest lead is selected and its card is beside the list.
	_, lead, _ := bot.At(bot.Len() - 1)
	_ = lead
	if !strings.Contains(s, "Conversation ") {
		t.Errorf("no detail beside the list at 120 columns:\n%s", s)
	}
	checkFrame(t, m, 120, 40)
}

func TestTabsAndKeys(t *testing.T) {
	st, _ := fillStore(t, 40)
	m := start(t, st, 120, 40)
	m = press(t, m, "tab")
	if activeTab(m) != tabSessions {
		t.Fatalf("tab went to %d", activeTab(m))
	}
	m = press(t, m, "tab")
	if activeTab(m) != tabSearch || !m.typing() {
		t.Fatalf("search tab %d, typing %v: the search box has focus on arrival", activeTab(m), m.typing())
	}
	// q is a letter in the search box, not quit.
	next, cmd := m.Update(keyMsg("q"))
	m = next.(Model)
	if isQuit(cmd) {
		t.Fatal("q in the search box quit")
	}
	m = press(t, m, "esc", "esc", "1")
	if activeTab(m) != tabLeads {
		t.Fatalf("1 went to tab %d", activeTab(m))
	}
	m = press(t, m, "shift+tab")
	if activeTab(m) != tabStats {
		t.Fatalf("shift+tab from Leads went to %d, not the last tab", activeTab(m))
	}
	m = press(t, m, "esc", "2")
	if activeTab(m) != tabSessions {
		t.Fatalf("2 went to %d", activeTab(m))
	}
	_, cmd = m.Update(keyMsg("q"))
	if !isQuit(cmd) {
		t.Error("q did not quit")
	}
}

// isQuit runs cmd (and a batch's commands) looking for tea.Quit.
func isQuit(cmd tea.Cmd) bool {
	if cmd == nil {
		return false
	}
	done := make(chan tea.Msg, 1)
	go func() { done <- cmd() }()
	select {
	case msg := <-done:
		if _, ok := msg.(tea.QuitMsg); ok {
			return true
		}
		if b, ok := msg.(tea.BatchMsg); ok {
			for _, c := range b {
				if isQuit(c) {
					return true
				}
			}
		}
	case <-timeout():
	}
	return false
}

func TestFilterTypingNeverFiresGlobalKeys(t *testing.T) {
	st, _ := fillStore(t, 60)
	m := start(t, st, 120, 40)
	m = press(t, m, "/")
	if !m.typing() {
		t.Fatal("/ did not focus the filter")
	}
	for _, k := range []string{"q", "r", "?", "1", "2", "3", "j"} {
		next, cmd := m.Update(keyMsg(k))
		m = settle(t, next.(Model), cmd)
		if isQuit(cmd) || helpShown(m) || activeTab(m) != tabLeads {
			t.Fatalf("typing %q in the filter fired a global key", k)
		}
	}
	if got := leadList(m).FilterValue(); got != "qr?123j" {
		t.Errorf("filter holds %q, want every key typed", got)
	}
	m = press(t, m, "esc")
	if m.typing() || leadList(m).FilterValue() != "" {
		t.Error("esc did not clear and leave the filter")
	}
}

func TestLiveFilterNarrowsAndEnterKeeps(t *testing.T) {
	st, _ := fillStore(t, 200)
	m := start(t, st, 120, 40)
	all := leadList(m).VisibleLen()
	it, _ := leadList(m).Selected()
	name := strings.Fields(it.(*leadItem).name)[0]
	m = press(t, m, "/")
	m = typeText(t, m, strings.ToUpper(name))
	if n := leadList(m).VisibleLen(); n == 0 || n >= all {
		t.Fatalf("filter %q shows %d of %d", name, n, all)
	}
	m = press(t, m, "enter")
	if m.typing() || leadList(m).FilterValue() == "" {
		t.Fatal("enter did not keep the filter")
	}
	if !strings.Contains(screen(m), strings.ToUpper(name)) {
		t.Errorf("the kept filter is not shown:\n%s", screen(m))
	}
	m = press(t, m, "j") // list keys work again
}

func TestOpenAndBackAtEightyColumns(t *testing.T) {
	st, _ := fillStore(t, 40)
	m := start(t, st, 80, 24)
	if strings.Contains(screen(m), "Conversation ") {
		t.Fatalf("80 columns shows a detail pane beside the list:\n%s", screen(m))
	}
	m = press(t, m, "enter")
	s := screen(m)
	if !detailFocused(m) || !strings.Contains(s, "email") && !strings.Contains(s, "phone") {
		t.Fatalf("enter did not open the lead's card:\n%s", s)
	}
	checkFrame(t, m, 80, 24)
	m = press(t, m, "j", "j", "esc")
	if detailFocused(m) {
		t.Fatal("esc did not go back")
	}
	checkFrame(t, m, 80, 24)
}

func TestHelpListsEveryKey(t *testing.T) {
	st, _ := fillStore(t, 10)
	m := start(t, st, 120, 40)
	m = press(t, m, "?")
	s := screen(m)
	for _, want := range []string{"filter", "refresh", "quit", "next tab", "open", "back", "search", "top/bottom"} {
		if !strings.Contains(s, want) {
			t.Errorf("help lacks %q:\n%s", want, s)
		}
	}
	m = press(t, m, "esc")
	if helpShown(m) {
		t.Error("esc did not close help")
	}
}

func TestTooSmall(t *testing.T) {
	st, _ := fillStore(t, 10)
	m := start(t, st, 30, 8)
	if s := screen(m); !strings.Contains(s, "needs at least") {
		t.Errorf("tiny terminal: %q", s)
	}
	m = settle(t, m, func() tea.Msg { return tea.WindowSizeMsg{Width: 100, Height: 30} })
	checkFrame(t, m, 100, 30)
}

func TestResizeKeepsSelection(t *testing.T) {
	st, _ := fillStore(t, 80)
	m := start(t, st, 120, 40)
	m = press(t, m, "j", "j", "j")
	before := m.selectionKey()
	for _, size := range [][2]int{{80, 24}, {200, 60}, {100, 30}} {
		m = settle(t, m, func() tea.Msg { return tea.WindowSizeMsg{Width: size[0], Height: size[1]} })
		if m.selectionKey() != before {
			t.Errorf("resize to %v moved the selection", size)
		}
		checkFrame(t, m, size[0], size[1])
	}
}

// TestFewColoursSelectByReverse: below 256 colours the selection is
// reverse video, not a background colour that drowns the badges.
func TestFewColoursSelectByReverse(t *testing.T) {
	st, _ := fillStore(t, 10)
	m := start(t, st, 120, 40)
	if m.sh.styles.Selected.GetReverse() {
		t.Fatal("true colour selects by reverse video")
	}
	m = settle(t, m, func() tea.Msg { return tea.ColorProfileMsg{Profile: colorprofile.ANSI} })
	if !m.sh.styles.Selected.GetReverse() {
		t.Error("16 colours do not select by reverse video")
	}
}

func TestSearchSnippetDropsMarkdownMarks(t *testing.T) {
	h := newHitItem(store.Hit{Type: api.RoleAI, Content: "## Opening hours\n- Mon–Fri: **8am–6pm**, `closed` Sunday"}, "hours")
	if strings.ContainsAny(h.snippet, "*#`") || !strings.Contains(h.snippet, "8am–6pm") {
		t.Errorf("snippet %q", h.snippet)
	}
	h = newHitItem(store.Hit{Type: api.RoleAI, Content: "Vea nuestros [precios](https://shop.example/es/precios) y [horario]()."}, "precios")
	if h.snippet != "…nuestros precios y horario." {
		t.Errorf("links in a snippet: %q, want their words", h.snippet)
	}
	// A visitor's own asterisks are what they typed.
	if h := newHitItem(store.Hit{Type: api.RoleUser, Content: "price **now**"}, "price"); !strings.Contains(h.snippet, "**now**") {
		t.Errorf("visitor snippet %q", h.snippet)
	}
}

// From Search, n past a conversation's last match opens the next
// conversation among the results, and N goes back to the previous one's
// last match; at the ends the status line says there are no more.
func TestMatchesStepAcrossResults(t *testing.T) {
	st, _ := fillStore(t, 120)
	m := start(t, st, 120, 40)
	m = press(t, m, "3")
	m = typeText(t, m, "precio")
	m = press(t, m, "enter")
	var sessions []int64 // distinct, in result order
	for _, it := range hitList(m).Visible() {
		if id := it.(*hitItem).hit.SessionID; !slices.Contains(sessions, id) {
			sessions = append(sessions, id)
		}
	}
	if len(sessions) < 3 {
		t.Fatalf("%d conversations mention precio; the test needs 3", len(sessions))
	}
	m = press(t, m, "enter")
	if !detailFocused(m) || shownSession(m) != sessions[0] {
		t.Fatalf("enter opened %d, want %d", shownSession(m), sessions[0])
	}
	next := func(key string) {
		t.Helper()
		from := shownSession(m)
		for range 50 {
			if m = press(t, m, key); shownSession(m) != from {
				return
			}
			// A step within the conversation says which match it is.
			if i, n := detailOf(m).transcript.MatchPosition(); !strings.Contains(flashText(m), fmt.Sprintf("match %d of %d", i, n)) {
				t.Errorf("%s said %q, want which match of %d it went to", key, flashText(m), n)
			}
		}
		t.Fatalf("%s never left conversation %d", key, from)
	}
	next("n")
	if shownSession(m) != sessions[1] || !strings.Contains(screen(m), fmt.Sprint(sessions[1])) {
		t.Fatalf("n went to %d, want %d", shownSession(m), sessions[1])
	}
	if _, n := detailOf(m).transcript.MatchPosition(); !strings.Contains(flashText(m), fmt.Sprintf("conversation %d: match 1 of %d", sessions[1], n)) {
		t.Errorf("n into the next conversation said %q, want its first match of %d", flashText(m), n)
	}
	if h, _ := hitList(m).Selected(); h.(*hitItem).hit.SessionID != sessions[1] {
		t.Error("the results' cursor did not follow to the open conversation")
	}
	next("N")
	if shownSession(m) != sessions[0] {
		t.Fatalf("N went to %d, want %d", shownSession(m), sessions[0])
	}
	// The previous conversation opens at its last match: one more N is
	// either a match above in it or the first-match notice.
	for range 50 {
		m = press(t, m, "N")
		if shownSession(m) != sessions[0] {
			t.Fatalf("N left the first conversation for %d", shownSession(m))
		}
		if strings.Contains(screen(m), "no earlier matches") {
			return
		}
		if i, n := detailOf(m).transcript.MatchPosition(); !strings.Contains(flashText(m), fmt.Sprintf("match %d of %d", i, n)) {
			t.Errorf("N said %q, want which match of %d it went to", flashText(m), n)
		}
	}
	t.Error("N at the first match said nothing")
}

// Widening a one-pane screen to two panes shows the selected row beside
// the list, not the lead last opened, and y acts on that same lead.
func TestWideningShowsTheSelectedRow(t *testing.T) {
	st, _ := fillStore(t, 40)
	m := start(t, st, 80, 24)
	m = press(t, m, "j", "enter", "esc", "g")
	want := selected(t, m)
	next, cmd := m.Update(tea.WindowSizeMsg{Width: 120, Height: 40})
	if m = next.(Model); openLead(m) == nil || openLead(m).Key != want.Key {
		t.Errorf("the first wide frame's pane shows another lead than the selected %q", want.Name)
	}
	m = settle(t, m, cmd)
	if openLead(m) == nil || openLead(m).Key != want.Key {
		t.Fatalf("the pane shows another lead than the selected %q:\n%s", want.Name, screen(m))
	}
	if detailOf(m).session == nil || detailOf(m).session.SessionID != want.SessionID {
		t.Errorf("the pane's conversation is not the selected lead's:\n%s", screen(m))
	}
}

// A status: word that can match nothing says, as it is typed, what the
// statuses are; a prefix of one is fine.
func TestFilterSaysWhatStatusTakes(t *testing.T) {
	st, _ := fillStore(t, 40)
	m := start(t, st, 120, 40)
	m = press(t, m, "/")
	m = typeText(t, m, "status:con")
	if flashErr(m) {
		t.Errorf("status:con, a prefix of contacted, was refused: %q", flashText(m))
	}
	m = typeText(t, m, "x")
	if !flashErr(m) || !strings.Contains(flashText(m), "new, contacted, qualified, booked, won, lost, spam") {
		t.Errorf("status:conx: status line %q, want the statuses listed", flashText(m))
	}
}

// At the smallest size, an open lead leaves room for its conversation.
func TestSmallScreenShowsTheTranscript(t *testing.T) {
	st, _ := fillStore(t, 40)
	m := start(t, st, 40, 10)
	m = press(t, m, "enter")
	if s := screen(m); !strings.Contains(s, "╭─") {
		t.Errorf("at 40×10 the open lead shows no conversation:\n%s", s)
	}
	checkFrame(t, m, 40, 10)
}

// n within a conversation says which match it went to: the last ones
// cannot scroll to the top, so the screen alone may not show it moved.
func TestNextMatchSaysWhichMatch(t *testing.T) {
	st, _ := fillStore(t, 120)
	m := start(t, st, 120, 40)
	m = press(t, m, "3")
	m = typeText(t, m, "you")
	m = press(t, m, "enter", "enter")
	if _, n := detailOf(m).transcript.MatchPosition(); n < 3 {
		t.Fatalf("the first conversation holds %d matches; the test needs 3", n)
	}
	m = press(t, m, "n", "n")
	if i, n := detailOf(m).transcript.MatchPosition(); i < 2 || flashText(m) != fmt.Sprintf("match %d of %d in this conversation", i, n) {
		t.Errorf("after n n at match %d of %d the status line says %q", i, n, flashText(m))
	}
}

// A resize keeps the open lead open, even one that left the list.
func TestResizeKeepsTheOpenLead(t *testing.T) {
	st, _ := fillStore(t, 40)
	m := start(t, st, 80, 24)
	m = press(t, m, "enter", "z", "w") // open, snooze: it leaves the list
	if !detailFocused(m) || openLead(m) == nil {
		t.Fatal("snoozing from the card closed it")
	}
	open := openLead(m).Key
	m = settle(t, m, func() tea.Msg { return tea.WindowSizeMsg{Width: 120, Height: 40} })
	if openLead(m) == nil || openLead(m).Key != open {
		t.Error("after a resize the card shows another lead than the one opened")
	}
}

// TestWarningEndsWithItsTab: a warning about one tab does not follow the
// user to the next; a message that stays until replaced does.
func TestWarningEndsWithItsTab(t *testing.T) {
	st, _ := fillStore(t, 40)
	m := start(t, st, 80, 24)
	m = press(t, m, "2", "s")
	if !flashErr(m) || !strings.Contains(screen(m), "open the conversation") {
		t.Fatalf("no warning for s on a conversation:\n%s", screen(m))
	}
	m = press(t, m, "1")
	if strings.Contains(screen(m), "open the conversation") {
		t.Errorf("the Conversations tab's warning followed to Leads:\n%s", screen(m))
	}
	next, _ := m.Update(NoticeMsg{Text: "the server is stopping"})
	m = press(t, next.(Model), "2")
	if !strings.Contains(screen(m), "the server is stopping") {
		t.Errorf("a notice went with the tab switch:\n%s", screen(m))
	}
}

// TestEmptyViewsSayWhy: an empty list says why it is empty and how back,
// never a bare "nothing here yet".
func TestEmptyViewsSayWhy(t *testing.T) {
	st, _ := fillStore(t, 40)
	m := start(t, st, 80, 24)
	m = press(t, m, "Z")
	if s := screen(m); !strings.Contains(s, "No snoozed leads. Z returns to the inbox.") {
		t.Errorf("Z with nothing snoozed:\n%s", s)
	}
	m = press(t, m, "Z", "3")
	m = typeText(t, m, "qqqzzzxxx")
	m = press(t, m, "enter")
	if s := screen(m); !strings.Contains(s, "No stored message holds that") || strings.Contains(s, "nothing here yet") {
		t.Errorf("a search that finds nothing:\n%s", s)
	}
}

// TestSmallestScreen: at 40×10 every tab stays in sight, the help scrolls
// to its last line, and a menu taller than the screen scrolls with its
// cursor.
func TestSmallestScreen(t *testing.T) {
	st, _ := fillStore(t, 40)
	m := start(t, st, 40, 10)
	if s := screen(m); !strings.Contains(s, "3 Search") {
		t.Errorf("the tab bar lost a tab:\n%s", s)
	}
	m = press(t, m, "?", "G")
	if s := screen(m); !strings.Contains(s, "YYYY-MM-DD") {
		t.Errorf("G in the help does not reach its end:\n%s", s)
	}
	m = press(t, m, "g")
	if s := screen(m); !strings.Contains(s, "config     none") { // where it runs, above the keys
		t.Errorf("g in the help does not return to its top:\n%s", s)
	}
	m = press(t, m, "esc", "s")
	for range len(store.Statuses) - 1 {
		m = press(t, m, "down")
	}
	if s := screen(m); !strings.Contains(s, "▌ x spam") || !strings.Contains(s, "(7/7)") {
		t.Errorf("the status menu's last choice is not in sight with the cursor on it:\n%s", s)
	}
}

// TestHelpListsEveryDialogKey: each key of each dialog's keymap is in the ?
// screen, as its keymap describes it.
func TestHelpListsEveryDialogKey(t *testing.T) {
	st, _ := fillStore(t, 10)
	m := start(t, st, 200, 60)
	s := screen(press(t, m, "?"))
	maps := map[string]help.KeyMap{"menus": newPickerKeys(statusChoices()), "notes": defaultNotesKeys(), "help": defaultHelpKeys()}
	for name, km := range maps {
		for _, group := range km.FullHelp() {
			for _, b := range group {
				if h := b.Help(); h.Key != "" && !strings.Contains(s, h.Key+" "+h.Desc) {
					t.Errorf("the help lacks %s's %q:\n%s", name, h.Key+" "+h.Desc, s)
				}
			}
		}
	}
	for _, want := range []string{"t tomorrow", "w next week", "x wake", "x spam", "v vCard", "a add"} {
		if !strings.Contains(s, want) {
			t.Errorf("the help lacks %q:\n%s", want, s)
		}
	}
}
