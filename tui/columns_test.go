package tui

import (
	"github.com/neotui/neotui/tui/list"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"

	"github.com/neotui/neotui/api"
)

// lineIndex is the index of the first line of s holding sub, or -1.
func lineIndex(s, sub string) int {
	for i, l := range strings.Split(s, "\n") {
		if strings.Contains(l, sub) {
			return i
		}
	}
	return -1
}

// TestHeadersAtEveryWidth: each list has a line naming its columns, above
// the rows, at 40, 80 and 120 columns, and it stays there when the rows
// scroll.
func TestHeadersAtEveryWidth(t *testing.T) {
	st, _ := fillStore(t, 60)
	for _, size := range [][2]int{{40, 10}, {80, 24}, {120, 40}} {
		w, h := size[0], size[1]
		m := start(t, st, w, h)
		s := screen(m)
		head := lineIndex(s, "Type")
		if head != 2 || !strings.Contains(strings.Split(s, "\n")[head], "Name") ||
			!strings.Contains(strings.Split(s, "\n")[head], "When") {
			t.Errorf("%d×%d: the Leads list has no header line under the tabs:\n%s", w, h, s)
		}
		m = press(t, m, "G")
		if s := screen(m); lineIndex(s, "Type") != 2 {
			t.Errorf("%d×%d: the header scrolled away at the list's end:\n%s", w, h, s)
		}
		checkFrame(t, m, w, h)

		m = press(t, m, "2")
		s = screen(m)
		line := strings.Split(s, "\n")[2]
		for _, name := range []string{"When", "ID", "Msgs"} {
			if !strings.Contains(line, name) {
				t.Errorf("%d×%d: the Conversations header lacks %q: %q", w, h, name, line)
			}
		}
		if w >= 80 && !strings.Contains(line, "Visitor") {
			t.Errorf("%d×%d: the Conversations header does not name the visitor: %q", w, h, line)
		}
		checkFrame(t, m, w, h)
	}
}

// TestContactNeverCut: a long name gives way; the phone and the email are
// shown whole at 80 and 120 columns.
func TestContactNeverCut(t *testing.T) {
	long := "Maximiliana Bartholomew-Featherstonehaugh de la Vega"
	at := testNow.Add(-2 * time.Hour)
	st := storeWithLeads(t,
		api.Lead{Type: api.TypeLead, Name: long, PhoneNumber: "+44 20 7946 0958 12", CreateTime: at, SessionID: 7, URI: "https://shop.example/pricing"},
		api.Lead{Type: api.TypeLead, Name: long + " II", Email: "maria.fernandez.lopez@gmail.com", CreateTime: at.Add(-time.Hour), SessionID: 8, URI: "https://shop.example/contact"})
	for _, size := range [][2]int{{80, 24}, {120, 40}} {
		m := start(t, st, size[0], size[1])
		s := screen(m)
		for _, contact := range []string{"+44 20 7946 0958 12", "maria.fernandez.lopez@gmail.com"} {
			row := lineWith(s, contact)
			if row == "" || !strings.Contains(row, "Maxim") {
				t.Errorf("%d×%d: no row shows %q whole beside its name:\n%s", size[0], size[1], contact, s)
			}
		}
	}
}

// TestStatusColumnBeforeAnyStatus: the status column is there before any
// lead has a status, and setting one moves no column.
func TestStatusColumnBeforeAnyStatus(t *testing.T) {
	st, _ := fillStore(t, 60)
	m := start(t, st, 80, 24)
	s := screen(m)
	if !strings.Contains(strings.Split(s, "\n")[2], "Status") {
		t.Fatalf("no Status column before any lead has a status:\n%s", s)
	}
	whenCol := func(s string) int { return strings.Index(lineWith(s, "20h ago"), "20h ago") }
	before := whenCol(s)
	m = press(t, m, "s", "c")
	s = screen(m)
	if !strings.Contains(lineWith(s, "5h ago"), "contacted") {
		t.Fatalf("the row does not show its status:\n%s", s)
	}
	if after := whenCol(s); after != before || before < 0 {
		t.Errorf("a status moved the columns of another row: When at %d, then %d", before, after)
	}

	// At 40 columns the status is its one-letter badge.
	m = start(t, st, 40, 10)
	if row := lineWith(screen(m), "Mallory"); !strings.HasSuffix(strings.TrimRight(row, " "), "C") {
		t.Errorf("at 40 columns the contacted lead has no C badge: %q", row)
	}
}

// TestConversationShowsItsLeadsName: a conversation that produced a lead
// shows who the visitor was, on its row, and one without a lead shows none.
func TestConversationShowsItsLeadsName(t *testing.T) {
	st, _ := fillStore(t, 60)
	m := start(t, st, 80, 24)
	m = press(t, m, "2")
	s := screen(m)
	row := lineWith(s, "50059")
	if !strings.Contains(row, "Mallory") {
		t.Errorf("the conversation of Mallory's lead does not name her: %q", row)
	}
	if row := lineWith(s, "50060"); strings.Contains(row, "Mallory") {
		t.Errorf("a conversation without a lead names a visitor: %q", row)
	}
	// The full load (not the first page) names them too.
	leadsWho, err := readWho(m.sh, testSerial, 0, 1<<62)
	if who := leadsWho.of(50059); err != nil || who == nil || *who != "Mallory" {
		t.Errorf("readWho: %v, %v", err, who)
	}
}

// TestSortKeepsTheCursorsRow: o changes the order of the rows, says it in
// the header and keeps the cursor on the row it was on; the filter works
// on the sorted rows.
func TestSortKeepsTheCursorsRow(t *testing.T) {
	st, _ := fillStore(t, 60)
	m := start(t, st, 120, 40)
	m = press(t, m, "j", "j")
	key := selectedKey(leadList(m))
	first := rowKey(leadList(m), 0)
	m = press(t, m, "o") // oldest
	if rowKey(leadList(m), 0) == first {
		t.Errorf("o did not change the order")
	}
	if selectedKey(leadList(m)) != key {
		t.Errorf("o moved the cursor off its row: %q, was %q", selectedKey(leadList(m)), key)
	}
	if !strings.Contains(screen(m), "oldest") && !strings.Contains(strings.Split(screen(m), "\n")[2], "↑") {
		t.Errorf("the header does not say the order:\n%s", screen(m))
	}
	m = press(t, m, "o") // name
	names := []string{}
	for row := range leadList(m).VisibleLen() {
		if it, ok := leadList(m).VisibleItem(row).(*leadItem); ok {
			names = append(names, strings.ToLower(it.name))
		}
	}
	for i := 1; i < len(names); i++ {
		if names[i-1] > names[i] && names[i] != "(no name)" {
			t.Fatalf("sorted by name, %q comes before %q: %q", names[i-1], names[i], names)
		}
	}
	if selectedKey(leadList(m)) != key {
		t.Errorf("o moved the cursor off its row")
	}

	// Conversations: most messages first, the cursor kept, the filter on
	// the sorted rows.
	m = press(t, m, "2", "j")
	id := selectedKey(sessionList(m))
	m = press(t, m, "o", "o")
	if selectedKey(sessionList(m)) != id {
		t.Errorf("o moved the conversations' cursor off its row")
	}
	ls := sessionList(m)
	for row := 1; row < ls.VisibleLen(); row++ {
		a, b := ls.VisibleItem(row-1).(*sessionItem), ls.VisibleItem(row).(*sessionItem)
		if a.count < b.count {
			t.Fatalf("most messages first: %d before %d", a.count, b.count)
		}
	}
	m = press(t, m, "/")
	m = typeText(t, m, "festivos")
	ls = sessionList(m)
	if ls.VisibleLen() < 2 {
		t.Fatalf("%d conversations match festivos", ls.VisibleLen())
	}
	for row := 1; row < ls.VisibleLen(); row++ {
		if ls.VisibleItem(row-1).(*sessionItem).count < ls.VisibleItem(row).(*sessionItem).count {
			t.Fatalf("the filter lost the order")
		}
	}
}

// TestVisitorMaskedWithEmails: ctrl+p hides a visitor known by an email
// alone, as it hides the emails of leads.
func TestVisitorMaskedWithEmails(t *testing.T) {
	sh := &shared{Options: Options{Location: time.UTC}, styles: newStyles(true)}
	var rows sessionRows
	r := sessionRow(7, "hello", "https://shop.example/")
	r.Lead = true
	rows.add(r)
	rows.setWho(whoOf(map[int64]string{7: "ana.visitor@example.com"}))
	it := &rows.blocks[0][0]
	draw := func() string { return ansi.Strip(renderSession(sh)(it, 80, false, nil)) }
	if !strings.Contains(draw(), "ana.visitor@exam") {
		t.Fatalf("the row does not name its visitor: %q", draw())
	}
	sh.masked = true
	if row := draw(); strings.Contains(row, "ana.visitor") || !strings.Contains(row, "a•••@") {
		t.Errorf("ctrl+p leaves the visitor's email readable: %q", row)
	}
}

// A name cut inside a wide character keeps its column's width: the
// columns after it stay in line.
func TestFitCellPadsACutWideCharacter(t *testing.T) {
	for _, s := range []string{"佐藤陽菜", "Lucía García", "伊藤太郎abc", "ab"} {
		for w := 1; w <= 8; w++ {
			if got := fitCell(s, w); list.Width(got) != w {
				t.Errorf("fitCell(%q, %d) = %q, %d cells", s, w, got, list.Width(got))
			}
		}
	}
}
