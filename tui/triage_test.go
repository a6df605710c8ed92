package tui

import (
	"context"
	"encoding/base64"
	"encoding/csv"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/neotui/neotui/api"
	"github.com/neotui/neotui/api/apitest"
	"github.com/neotui/neotui/internal/store"
)

// selected is the selected lead as the store now has it.
func selected(t *testing.T, m Model) store.Lead {
	t.Helper()
	l, ok := m.selectedLead()
	if !ok {
		t.Fatal("no lead selected")
	}
	tr, err := m.sh.Store.Triage(context.Background(), l.Bot, l.Key)
	if err != nil {
		t.Fatal(err)
	}
	l.Triage = tr
	return l
}

func TestStatusStarUndo(t *testing.T) {
	st, _ := fillStore(t, 60)
	m := start(t, st, 120, 40)
	m = press(t, m, "s")
	if m.overlay == nil || !strings.Contains(screen(m), "contacted") {
		t.Fatalf("s did not open the status picker:\n%s", screen(m))
	}
	m = press(t, m, "c")
	if got := selected(t, m).Triage.Status; got != store.StatusContacted {
		t.Fatalf("status %q after s c", got)
	}
	if !strings.Contains(screen(m), "contacted") {
		t.Errorf("the row does not show its status:\n%s", screen(m))
	}
	m = press(t, m, "*")
	if !selected(t, m).Triage.Starred || !strings.Contains(screen(m), "★") {
		t.Error("* did not star the lead")
	}
	m = press(t, m, "ctrl+z")
	if selected(t, m).Triage.Starred {
		t.Error("ctrl+z did not undo the star")
	}
	m = press(t, m, "ctrl+z")
	if got := selected(t, m).Triage.Status; got != store.StatusNew {
		t.Errorf("second ctrl+z left status %q, want new", got)
	}
	// The live filter finds leads by status.
	m = press(t, m, "s", "w", "/")
	m = typeText(t, m, "status:won")
	if n := m.leads.VisibleLen(); n != 1 {
		t.Errorf("status:won shows %d leads, want 1", n)
	}
}

func TestOpeningMarksSeenAndUMarksUnseen(t *testing.T) {
	st, _ := fillStore(t, 60)
	m := start(t, st, 120, 40)
	before := m.unseen()
	if before == 0 || !strings.Contains(screen(m), "●") {
		t.Fatalf("no unseen leads at start:\n%s", screen(m))
	}
	m = press(t, m, "enter")
	if m.unseen() != before-1 || selected(t, m).Triage.SeenAt.IsZero() {
		t.Fatalf("opening did not mark the lead seen: %d unseen, was %d", m.unseen(), before)
	}
	m = press(t, m, "esc", "U")
	if m.unseen() != before {
		t.Errorf("U did not mark it unseen again: %d unseen", m.unseen())
	}
	m = press(t, m, "enter", "esc", "u")
	if m.leads.Len() != before-1+1 || !m.unseenOnly { // the separator may add a row: compare leads
		n := 0
		for _, it := range m.leads.Visible() {
			if _, ok := it.(*leadItem); ok {
				n++
			}
		}
		if n != before-1 {
			t.Errorf("u shows %d leads, want the %d unseen", n, before-1)
		}
	}
}

func TestSnoozeHidesUntilItsDay(t *testing.T) {
	st, _ := fillStore(t, 60)
	now := testNow
	opts := testOptions(st)
	opts.Now = func() time.Time { return now }
	m := New(opts)
	t.Cleanup(m.Close)
	m = settle(t, m, sizeCmd(120, 40), m.Init())
	l := selected(t, m)
	count := len(m.rawLeads)
	m = press(t, m, "z", "t") // tomorrow, 9:00
	if len(m.rawLeads) != count-1 {
		t.Fatalf("%d leads after snoozing, want %d", len(m.rawLeads), count-1)
	}
	now = now.Add(24 * time.Hour) // testNow is 15:00: tomorrow 15:00 is past 9:00
	m = settle(t, m, func() tea.Msg { return tickMsg{} })
	found := false
	for _, r := range m.rawLeads {
		found = found || r.Key == l.Key
	}
	if !found {
		t.Error("the snoozed lead did not come back on its day")
	}
	// A typed date works, and a past one is refused with a sentence.
	m = press(t, m, "z")
	m = typeText(t, m, "2020-01-01")
	m = press(t, m, "enter")
	if !strings.Contains(screen(m), "not in the future") {
		t.Errorf("a past snooze date gave no error:\n%s", screen(m))
	}
}

func TestNotesAddEditDeleteUndo(t *testing.T) {
	st, _ := fillStore(t, 40)
	m := start(t, st, 120, 40)
	l := selected(t, m)
	m = press(t, m, "n", "a")
	m = paste(t, m, "Called, no answer")
	m = press(t, m, "ctrl+s")
	notes, err := st.Notes(context.Background(), l.Bot, l.Key)
	if err != nil || len(notes) != 1 || notes[0].Body != "Called, no answer" || notes[0].Author != "neotui" {
		t.Fatalf("notes after add: %+v, %v", notes, err)
	}
	if !strings.Contains(screen(m), "Called, no answer") {
		t.Errorf("the note is not listed:\n%s", screen(m))
	}
	m = press(t, m, "e")
	m = paste(t, m, " twice")
	m = press(t, m, "ctrl+s", "d", "d")
	if notes, _ := st.Notes(context.Background(), l.Bot, l.Key); len(notes) != 0 {
		t.Fatalf("dd did not delete the note: %+v", notes)
	}
	m = press(t, m, "esc", "ctrl+z")
	notes, _ = st.Notes(context.Background(), l.Bot, l.Key)
	if len(notes) != 1 || notes[0].Body != "Called, no answer twice" {
		t.Errorf("ctrl+z did not restore the edited note: %+v", notes)
	}
}

func TestConflictIsRefusedAndReloads(t *testing.T) {
	st, _ := fillStore(t, 40)
	m := start(t, st, 120, 40)
	l := selected(t, m)
	// Another process changes the lead after this one loaded it.
	other, err := store.Open(storePaths[st])
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	if _, err := other.SetStatus(context.Background(), l.Bot, l.Key, store.StatusLost, -1, testNow, "bob"); err != nil {
		t.Fatal(err)
	}
	m = press(t, m, "s", "w")
	if got := selected(t, m).Triage.Status; got != store.StatusLost {
		t.Errorf("status %q: the stale action overwrote bob's", got)
	}
	if s := screen(m); !strings.Contains(s, "bob") {
		t.Errorf("the refusal does not say who changed it:\n%s", s)
	}
}

func TestAnotherProcessesChangeShowsUp(t *testing.T) {
	st, _ := fillStore(t, 40)
	m := start(t, st, 120, 40)
	l := selected(t, m)
	if _, err := st.SetStatus(context.Background(), l.Bot, l.Key, store.StatusBooked, -1, testNow, "ana"); err != nil {
		t.Fatal(err)
	}
	m = settle(t, m, func() tea.Msg { return pollMsg{} })
	if !strings.Contains(screen(m), "booked") {
		t.Errorf("a change made elsewhere did not show after a poll:\n%s", screen(m))
	}
}

func TestMaskHidesContacts(t *testing.T) {
	st, _ := fillStore(t, 40)
	m := start(t, st, 120, 40)
	if !strings.Contains(screen(m), "mallory@example.com") {
		t.Fatalf("no email on screen to mask:\n%s", screen(m))
	}
	m = press(t, m, "ctrl+p")
	if s := screen(m); strings.Contains(s, "mallory@example.com") || strings.Contains(s, "555 0100") {
		t.Errorf("ctrl+p left contacts on screen:\n%s", s)
	}
	m = press(t, m, "ctrl+p")
	if !strings.Contains(screen(m), "mallory@example.com") {
		t.Error("ctrl+p again did not show them")
	}
}

func TestExportWritesTheView(t *testing.T) {
	st, _ := fillStore(t, 60)
	m := start(t, st, 120, 40)
	m = press(t, m, "s", "c", "/")
	m = typeText(t, m, "status:contacted")
	m = press(t, m, "enter", "e")
	path := filepath.Join(t.TempDir(), "out.csv")
	m = press(t, m, "ctrl+u") // clear the proposed name
	m = paste(t, m, path)
	m = press(t, m, "enter")
	f, err := os.Open(path)
	if err != nil {
		t.Fatalf("no export: %v\n%s", err, screen(m))
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil || len(rows) != 2 {
		t.Fatalf("export has %d rows (%v), want a header and the one filtered lead", len(rows), err)
	}
	if !strings.Contains(strings.Join(rows[0], ","), "Status") || !strings.Contains(strings.Join(rows[1], ","), "contacted") {
		t.Errorf("export rows: %v", rows)
	}
	// Never over an existing file.
	m = press(t, m, "e")
	m = press(t, m, "ctrl+u") // clear the proposed name
	m = paste(t, m, path)
	m = press(t, m, "enter")
	if !strings.Contains(screen(m), "exists") {
		t.Errorf("exporting over a file gave no refusal:\n%s", screen(m))
	}
}

// TestTriageFlow runs the real program: a status, a star, and a copy that
// reaches the terminal as an OSC 52 sequence carrying the email, base64.
func TestTriageFlow(t *testing.T) {
	st, _ := fillStore(t, 40)
	m := New(testOptions(st))
	t.Cleanup(m.Close)
	out := runProgram(t, m, "s", "q", "*", "y", "e")
	want := "\x1b]52;c;" + base64.StdEncoding.EncodeToString([]byte("mallory@example.com"))
	if !strings.Contains(out, want) {
		t.Errorf("no OSC 52 with the email in the output")
	}
	leads, err := st.Leads(context.Background(), store.LeadQuery{Bot: testSerial, Status: store.StatusQualified, Starred: true})
	if err != nil || len(leads) != 1 || !strings.Contains(leads[0].Name, "Mallory") {
		t.Errorf("after s q * the store has %d qualified starred leads (%v)", len(leads), err)
	}
}

func TestSwitchBotAndAllBots(t *testing.T) {
	st, _ := fillStore(t, 40)
	other := apitest.Generate(apitest.Spec{Serial: "bot-2", Name: "Clinic", Sessions: 30, Days: 20, End: testNow, Seed: 12, FirstID: 70001})
	to := api.DayOf(testNow)
	ctx := context.Background()
	if _, err := st.SaveLeads(ctx, "bot-2", to-21, to, testNow, other.Leads(to-21, to)); err != nil {
		t.Fatal(err)
	}
	opts := testOptions(st)
	opts.Bots = []Bot{{Name: "Test Shop", Serial: testSerial}, {Name: "Clinic", Serial: "bot-2"}}
	m := New(opts)
	t.Cleanup(m.Close)
	m = settle(t, m, sizeCmd(120, 40), m.Init())
	mine := len(m.rawLeads)
	m = press(t, m, "b", "2")
	if m.sh.Serial != "bot-2" || !strings.Contains(screen(m), "Clinic") {
		t.Fatalf("b 2 did not switch to the second bot:\n%s", screen(m))
	}
	clinic := len(m.rawLeads)
	m = press(t, m, "b", "a")
	if len(m.rawLeads) != mine+clinic || !strings.Contains(screen(m), "All bots") {
		t.Errorf("All bots shows %d leads, want %d+%d", len(m.rawLeads), mine, clinic)
	}
	if !strings.Contains(screen(m), "Clinic") || !strings.Contains(screen(m), "Test Shop") {
		t.Errorf("the All bots inbox has no bot column:\n%s", screen(m))
	}
}

func TestReturningVisitorIsLinked(t *testing.T) {
	st, _ := fillStore(t, 40)
	m := start(t, st, 120, 40)
	l := selected(t, m)
	earlier := l.Lead
	earlier.CreateTime = testNow.Add(-40 * 24 * time.Hour)
	earlier.SessionID = 1
	earlier.Email = strings.ToUpper(l.Email)
	if _, err := st.SaveLeads(context.Background(), "bot-2", api.DayOf(earlier.CreateTime), api.DayOf(earlier.CreateTime), testNow, []api.Lead{earlier}); err != nil {
		t.Fatal(err)
	}
	m = press(t, m, "j", "k") // select it again: the card reloads
	if s := screen(m); !strings.Contains(s, "1 earlier lead") {
		t.Errorf("the card does not link the earlier lead of the same email:\n%s", s)
	}
}

func TestNewLeadsRingUnlessQuiet(t *testing.T) {
	for _, quiet := range []bool{false, true} {
		st, _ := fillStore(t, 40)
		opts := testOptions(st)
		opts.Quiet = quiet
		m := New(opts)
		t.Cleanup(m.Close)
		m = settle(t, m, sizeCmd(120, 40), m.Init())
		fresh := m.rawLeads[0]
		fresh.Key, fresh.Name = "fresh", "Newcomer"
		leads := append([]store.Lead{fresh}, m.rawLeads...)
		next, cmd := m.Update(leadsLoadedMsg{seq: m.leadSeq, leads: leads, complete: true})
		m = next.(Model)
		rang := false
		for _, msg := range drain(cmd) {
			if raw, ok := msg.(tea.RawMsg); ok && raw.Msg == "\a" {
				rang = true
			}
		}
		if rang == quiet || !strings.Contains(screen(m), "1 new lead") {
			t.Errorf("quiet=%v: rang=%v, status:\n%s", quiet, rang, screen(m))
		}
	}
}

// drain runs cmd and a batch's commands, collecting what returns at once.
func drain(cmd tea.Cmd) []tea.Msg {
	if cmd == nil {
		return nil
	}
	msg := cmd()
	if b, ok := msg.(tea.BatchMsg); ok {
		var out []tea.Msg
		for _, c := range b {
			out = append(out, drain(c)...)
		}
		return out
	}
	return []tea.Msg{msg}
}
