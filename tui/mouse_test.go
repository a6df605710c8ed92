package tui

import (
	"bytes"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	uv "github.com/charmbracelet/ultraviolet"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/teatest/v2"

	"github.com/neotui/neotui/tui/list"
)

// SGR mouse reports as a terminal sends them (1-based column and row),
// decoded by the decoder Bubble Tea reads the terminal with.
const (
	sgrLeft      = 0
	sgrWheelUp   = 64
	sgrWheelDown = 65
)

func sgrMouse(t testing.TB, button, x, y int) tea.Msg {
	t.Helper()
	var d uv.EventDecoder
	seq := fmt.Sprintf("\x1b[<%d;%d;%dM", button, x+1, y+1)
	n, ev := d.Decode([]byte(seq))
	if n != len(seq) {
		t.Fatalf("%q decoded as %d bytes", seq, n)
	}
	switch ev := ev.(type) {
	case uv.MouseClickEvent:
		return tea.MouseClickMsg(ev)
	case uv.MouseWheelEvent:
		return tea.MouseWheelMsg(ev)
	}
	t.Fatalf("%q decoded as %T", seq, ev)
	return nil
}

// mouse sends one SGR report and settles.
func mouse(t testing.TB, m Model, button, x, y int) Model {
	t.Helper()
	next, cmd := m.Update(sgrMouse(t, button, x, y))
	return settle(t, next.(Model), cmd)
}

// selectedKey is the key of l's selected row.
func selectedKey(l *list.Model) string {
	if it, ok := l.Selected(); ok {
		return it.Key()
	}
	return ""
}

// rowKey is the key of l's row i, as filtered.
func rowKey(l *list.Model, i int) string { return l.Visible()[i].Key() }

// column is where text starts on line y of the screen, in cells.
func column(t testing.TB, m Model, y int, text string) int {
	t.Helper()
	line := strings.Split(screen(m), "\n")[y]
	i := strings.Index(line, text)
	if i < 0 {
		t.Fatalf("line %d lacks %q: %q", y, text, line)
	}
	return ansi.StringWidth(line[:i])
}

// The list's rows start on the fourth line: under the tab bar, its border
// and the columns' header.
const firstRow = 3

func TestMouseWheelScrollsWhatIsUnderThePointer(t *testing.T) {
	st, _ := fillStore(t, 200)
	m := start(t, st, 120, 24)
	leads := leadList(m)
	if selectedKey(leads) != rowKey(leads, 0) {
		t.Fatal("the newest lead is not selected at start")
	}
	m = mouse(t, m, sgrWheelDown, 5, firstRow+3)
	leads = leadList(m)
	if selectedKey(leads) != rowKey(leads, wheelLines) {
		t.Fatalf("a wheel step down over the list selects %q, want row %d", selectedKey(leads), wheelLines)
	}
	if openLead(m) == nil || openLead(m).Key != selectedKey(leads) {
		t.Errorf("the detail beside the list does not follow the wheel")
	}
	m = mouse(t, m, sgrWheelUp, 5, firstRow+3)
	if selectedKey(leadList(m)) != rowKey(leadList(m), 0) {
		t.Errorf("a wheel step up does not come back to the top")
	}

	// Over the transcript, the wheel scrolls it, and the list stays.
	before := detailOf(m).transcript.View()
	m = mouse(t, m, sgrWheelDown, 100, 20)
	if detailOf(m).transcript.View() == before {
		t.Errorf("a wheel step over the transcript did not scroll it:\n%s", before)
	}
	if selectedKey(leadList(m)) != rowKey(leadList(m), 0) {
		t.Errorf("a wheel step over the transcript moved the list")
	}
}

func TestMouseClickSelectsThenOpens(t *testing.T) {
	st, _ := fillStore(t, 60)
	m := start(t, st, 80, 24)
	want := rowKey(leadList(m), 3)
	m = mouse(t, m, sgrLeft, 10, firstRow+3)
	if selectedKey(leadList(m)) != want || detailFocused(m) {
		t.Fatalf("a click on row 3 selected %q (want %q), detail open %v", selectedKey(leadList(m)), want, detailFocused(m))
	}
	// The second click of a double click lands on the selected row: it opens.
	m = mouse(t, m, sgrLeft, 10, firstRow+3)
	if !detailFocused(m) || openLead(m) == nil || openLead(m).Key != want {
		t.Fatalf("a click on the selected row did not open it")
	}
	if !strings.Contains(screen(m), "Conversation ") {
		t.Errorf("the open lead is not on screen:\n%s", screen(m))
	}
	// Lines below the rows select nothing.
	m = press(t, m, "esc")
	m = mouse(t, m, sgrLeft, 10, 20)
	if selectedKey(leadList(m)) != want || detailFocused(m) {
		t.Errorf("a click below the rows changed the selection or opened a lead")
	}
}

func TestMouseClickTabSwitches(t *testing.T) {
	st, _ := fillStore(t, 60)
	m := start(t, st, 80, 24)
	for _, tt := range []struct {
		title string
		want  tab
	}{{"2 Conversations", tabSessions}, {"4 Stats", tabStats}, {"3 Search", tabSearch}, {"1 Leads", tabLeads}} {
		x := column(t, m, 0, tt.title)
		m = mouse(t, m, sgrLeft, x+2, 0)
		if activeTab(m) != tt.want {
			t.Fatalf("a click on %q went to tab %d", tt.title, activeTab(m))
		}
	}
	// At 40 columns the titles are shorter: the click still finds them.
	m = settle(t, m, sizeCmd(40, 12))
	x := column(t, m, 0, "2 Chats")
	m = mouse(t, m, sgrLeft, x, 0)
	if activeTab(m) != tabSessions {
		t.Errorf("a click on %q at 40 columns went to tab %d", "2 Chats", activeTab(m))
	}
}

func TestMouseSearchResults(t *testing.T) {
	st, _ := fillStore(t, 60)
	m := start(t, st, 120, 40)
	m = press(t, m, "3")
	m = paste(t, m, "precio")
	m = press(t, m, "enter")
	hits := hitList(m)
	if hits.Len() < 3 {
		t.Fatalf("%d hits for precio", hits.Len())
	}
	want := rowKey(hits, 2)
	y := firstRow + searchHead + 2
	m = mouse(t, m, sgrLeft, 10, y)
	if selectedKey(hitList(m)) != want || detailFocused(m) {
		t.Fatalf("a click on the third hit selected %q, want %q", selectedKey(hitList(m)), want)
	}
	m = mouse(t, m, sgrLeft, 10, y)
	if !detailFocused(m) || detailOf(m).highlight != "precio" {
		t.Errorf("a click on the selected hit did not open its conversation at the match")
	}
}

func TestMouseClickOutsideADialogClosesIt(t *testing.T) {
	st, _ := fillStore(t, 60)
	m := start(t, st, 80, 24)
	m = press(t, m, "s")
	if pickerOf(m) == nil {
		t.Fatal("s opened no menu")
	}
	// Inside the box (its title's line): it stays.
	title := "Set status"
	lines := strings.Split(screen(m), "\n")
	y := -1
	for i, l := range lines {
		if strings.Contains(l, "new") && strings.Contains(l, "│") {
			y = i
			break
		}
	}
	if y < 0 {
		t.Fatalf("no menu on screen:\n%s", screen(m))
	}
	x := column(t, m, y, "│") + 2
	m = mouse(t, m, sgrLeft, x, y)
	if pickerOf(m) == nil {
		t.Fatalf("a click inside the %s menu closed it", title)
	}
	m = mouse(t, m, sgrLeft, 1, firstRow)
	if pickerOf(m) != nil {
		t.Fatal("a click outside the menu left it open")
	}
	if detailFocused(m) {
		t.Error("the click that closed the menu also opened a lead")
	}

	// The ? screen covers the body: a click on the tab bar closes it.
	m = press(t, m, "?")
	m = mouse(t, m, sgrLeft, 1, 0)
	if helpShown(m) {
		t.Error("a click on the tab bar left ? open")
	}
}

func TestMouseClickOutsideKeepsANoteBeingWritten(t *testing.T) {
	st, _ := fillStore(t, 60)
	m := start(t, st, 80, 24)
	m = press(t, m, "n", "a")
	m = paste(t, m, "call back at 5")
	m = mouse(t, m, sgrLeft, 0, 21)
	if notesOf(m) == nil || !notesOf(m).unsaved() {
		t.Fatal("a click outside the notes dropped the note being written")
	}
	if !strings.Contains(flashText(m), "not saved") {
		t.Errorf("the click says %q, not why the notes stay", flashText(m))
	}
	m = press(t, m, "esc", "esc") // drop the text: now a click closes them
	m = mouse(t, m, sgrLeft, 0, 21)
	if notesOf(m) != nil {
		t.Error("a click outside the notes, nothing typed, left them open")
	}
}

func TestMouseOff(t *testing.T) {
	st, _ := fillStore(t, 60)
	m := start(t, st, 80, 24)
	if m.View().MouseMode != tea.MouseModeCellMotion {
		t.Errorf("mouse mode %v by default, want cell motion", m.View().MouseMode)
	}
	opts := testOptions(st)
	opts.NoMouse = true
	off := New(opts)
	t.Cleanup(off.Close)
	off = settle(t, off, sizeCmd(80, 24), off.Init())
	if off.View().MouseMode != tea.MouseModeNone {
		t.Errorf("mouse: false still asks the terminal for the mouse (mode %v)", off.View().MouseMode)
	}
	first := selectedKey(leadList(off))
	off = mouse(t, off, sgrLeft, 10, firstRow+3)
	off = mouse(t, off, sgrWheelDown, 10, firstRow+3)
	off = mouse(t, off, sgrLeft, column(t, off, 0, "2 Conv")+1, 0)
	if selectedKey(leadList(off)) != first || activeTab(off) != tabLeads {
		t.Error("with mouse: false, clicks and the wheel still act")
	}
}

// TestMouseFlow runs the real program: it turns SGR mouse reporting on (and
// off at the end); a click on a tab, a wheel step and a double click act.
func TestMouseFlow(t *testing.T) {
	for _, off := range []bool{false, true} {
		t.Run(fmt.Sprintf("NoMouse=%v", off), func(t *testing.T) {
			st, _ := fillStore(t, 60)
			opts := testOptions(st)
			opts.NoMouse = off
			m := New(opts)
			t.Cleanup(m.Close)
			tm := teatest.NewTestModel(t, m, teatest.WithInitialTermSize(120, 40))
			var out bytes.Buffer
			teatest.WaitFor(t, tm.Output(), func(b []byte) bool {
				out.Write(b)
				return bytes.Contains(out.Bytes(), []byte("Conversation "))
			}, teatest.WithDuration(10*time.Second))
			tm.Send(sgrMouse(t, sgrLeft, 22, 0)) // "2 Conversations"
			tm.Send(sgrMouse(t, sgrWheelDown, 5, 6))
			tm.Send(sgrMouse(t, sgrLeft, 5, firstRow+1))
			tm.Send(sgrMouse(t, sgrLeft, 5, firstRow+1))
			time.Sleep(300 * time.Millisecond)
			tm.Send(keyMsg("ctrl+c"))
			final := tm.FinalModel(t, teatest.WithFinalTimeout(5*time.Second)).(Model)
			rest, _ := io.ReadAll(tm.FinalOutput(t))
			out.Write(rest)
			on := bytes.Contains(out.Bytes(), []byte(ansi.SetModeMouseButtonEvent+ansi.SetModeMouseExtSgr))
			if on == off {
				t.Errorf("SGR cell-motion reporting turned on: %v, with NoMouse %v", on, off)
			}
			acted := activeTab(final) == tabSessions && detailFocused(final)
			if acted == off {
				t.Errorf("tab %d, detail open %v: the mouse acted %v with NoMouse %v", activeTab(final), detailFocused(final), acted, off)
			}
			if !off && selectedKey(sessionList(final)) != rowKey(sessionList(final), wheelLines+1) {
				t.Errorf("after a wheel step and a double click on row 1, %q is selected", selectedKey(sessionList(final)))
			}
		})
	}
}
