package tui

import (
	"context"
	"encoding/base64"
	"encoding/csv"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/neotui/neotui/api"
	"github.com/neotui/neotui/api/apitest"
	"github.com/neotui/neotui/internal/pgtest"
	"github.com/neotui/neotui/internal/safetext"
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
	l.SetTriage(tr)
	return l
}

func TestStatusStarUndo(t *testing.T) {
	st, _ := fillStore(t, 60)
	m := start(t, st, 120, 40)
	m = press(t, m, "s")
	if pickerOf(m) == nil || !strings.Contains(screen(m), "contacted") {
		t.Fatalf("s did not open the status picker:\n%s", screen(m))
	}
	if !strings.Contains(screen(m), "Mallory") {
		t.Errorf("the picker hides the lead it acts on:\n%s", screen(m))
	}
	checkFrame(t, m, 120, 40)
	m = press(t, m, "c")
	if got := selected(t, m).Triage().Status; got != store.StatusContacted {
		t.Fatalf("status %q after s c", got)
	}
	if !strings.Contains(screen(m), "contacted") {
		t.Errorf("the row does not show its status:\n%s", screen(m))
	}
	m = press(t, m, "*")
	if !selected(t, m).Triage().Starred || !strings.Contains(screen(m), "★") {
		t.Error("* did not star the lead")
	}
	m = press(t, m, "ctrl+z")
	if selected(t, m).Triage().Starred {
		t.Error("ctrl+z did not undo the star")
	}
	m = press(t, m, "ctrl+z")
	if got := selected(t, m).Triage().Status; got != store.StatusNew {
		t.Errorf("second ctrl+z left status %q, want new", got)
	}
	// The live filter finds leads by status.
	m = press(t, m, "s", "w", "/")
	m = typeText(t, m, "status:won")
	if n := leadList(m).VisibleLen(); n != 1 {
		t.Errorf("status:won shows %d leads, want 1", n)
	}
}

func TestOpeningMarksSeenAndUMarksUnseen(t *testing.T) {
	st, _ := fillStore(t, 60)
	m := start(t, st, 120, 40)
	before := unseenCount(m)
	if before == 0 || !strings.Contains(screen(m), "●") {
		t.Fatalf("no unseen leads at start:\n%s", screen(m))
	}
	m = press(t, m, "enter")
	if unseenCount(m) != before-1 || selected(t, m).Triage().SeenAt.IsZero() {
		t.Fatalf("opening did not mark the lead seen: %d unseen, was %d", unseenCount(m), before)
	}
	m = press(t, m, "esc", "U")
	if unseenCount(m) != before {
		t.Errorf("U did not mark it unseen again: %d unseen", unseenCount(m))
	}
	m = press(t, m, "enter", "esc", "u")
	if leadList(m).Len() != before-1+1 || !unseenOnly(m) { // the separator may add a row: compare leads
		n := 0
		for _, it := range leadList(m).Visible() {
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
	count := len(storedLeads(m))
	m = press(t, m, "z", "t") // tomorrow, 9:00
	if len(storedLeads(m)) != count-1 {
		t.Fatalf("%d leads after snoozing, want %d", len(storedLeads(m)), count-1)
	}
	now = now.Add(24 * time.Hour) // testNow is 15:00: tomorrow 15:00 is past 9:00
	m = settle(t, m, func() tea.Msg { return tickMsg{} })
	found := false
	for _, r := range storedLeads(m) {
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
	if m = press(t, m, "n"); !strings.Contains(screen(m), "(edited)") {
		t.Errorf("the restored note does not say it was edited:\n%s", screen(m))
	}
	// Undoing the edit brings the note back as it was, unedited.
	m = press(t, m, "esc", "ctrl+z", "n")
	notes, _ = st.Notes(context.Background(), l.Bot, l.Key)
	if len(notes) != 1 || notes[0].Body != "Called, no answer" || notes[0].EditedBy != "" {
		t.Errorf("ctrl+z did not undo the edit: %+v", notes)
	}
	if s := screen(m); strings.Contains(s, "(edited)") || !strings.Contains(s, "Called, no answer") {
		t.Errorf("after undoing the edit the note still reads as edited:\n%s", s)
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
	if got := selected(t, m).Triage().Status; got != store.StatusLost {
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

// TestAnotherServersChangeShowsThroughNotices: on PostgreSQL a change
// made through another store, as by another server, shows with nothing
// polled (these tests poll never): the store's notice wakes the browser.
func TestAnotherServersChangeShowsThroughNotices(t *testing.T) {
	url := pgtest.Database(t)
	st, _ := fillStoreAt(t, url, 40)
	other, err := store.Open(url)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	m := start(t, st, 120, 40)
	l := selected(t, m)
	if _, err := other.SetStatus(context.Background(), l.Bot, l.Key, store.StatusBooked, -1, testNow, "ana"); err != nil {
		t.Fatal(err)
	}
	awaitModel(t, m, func(m Model) bool { return strings.Contains(screen(m), "booked") })
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
	m = awaitModel(t, press(t, m, "enter"), exported)
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
	var mu sync.Mutex
	asked := map[string][]int64{} // conversations fetched, by bot
	fetcher := func(bot string) func(context.Context, int64) error {
		return func(_ context.Context, id int64) error {
			mu.Lock()
			defer mu.Unlock()
			asked[bot] = append(asked[bot], id)
			return nil
		}
	}
	opts := testOptions(st)
	opts.FetchSession = fetcher(testSerial)
	opts.Bots = []Bot{{Name: "Test Shop", Serial: testSerial, FetchSession: fetcher(testSerial)},
		{Name: "Clinic", Serial: "bot-2", FetchSession: fetcher("bot-2")}}
	m := New(opts)
	t.Cleanup(m.Close)
	m = settle(t, m, sizeCmd(120, 40), m.Init())
	mine := len(storedLeads(m))
	m = press(t, m, "b", "2")
	if m.sh.Serial != "bot-2" || !strings.Contains(screen(m), "Clinic") {
		t.Fatalf("b 2 did not switch to the second bot:\n%s", screen(m))
	}
	clinic := len(storedLeads(m))
	m = press(t, m, "b", "1", "b", "a") // last on Test Shop, then All bots
	if len(storedLeads(m)) != mine+clinic || !strings.Contains(screen(m), "All bots") {
		t.Errorf("All bots shows %d leads, want %d+%d", len(storedLeads(m)), mine, clinic)
	}
	if !strings.Contains(screen(m), "Clinic") || !strings.Contains(screen(m), "Test Shop") {
		t.Errorf("the All bots inbox has no bot column:\n%s", screen(m))
	}
	// A Clinic lead whose conversation is not stored: it is fetched from
	// the Clinic's API, not from the bot switched to last.
	for range len(storedLeads(m)) {
		if l, ok := m.selectedLead(); ok && l.Bot == "bot-2" {
			break
		}
		m = press(t, m, "j")
	}
	l := selected(t, m)
	m = press(t, m, "enter")
	mu.Lock()
	defer mu.Unlock()
	if l.Bot != "bot-2" || !slices.Contains(asked["bot-2"], l.SessionID) || len(asked[testSerial]) > 0 {
		t.Errorf("opening a Clinic lead fetched %v, want conversation %d from bot-2 alone", asked, l.SessionID)
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
		fresh := storedLeads(m)[0]
		fresh.Key, fresh.Name = "fresh", "Newcomer"
		fresh.CreateTime = fresh.CreateTime.Add(time.Minute)
		// A lead back from its snooze is older than the newest: no news.
		back := storedLeads(m)[len(storedLeads(m))-1]
		back.Key, back.Name = "back", "Snoozer"
		leads := append([]store.Lead{fresh}, storedLeads(m)...)
		leads = append(leads, back)
		next, cmd := m.Update(leadsLoadedMsg{seq: leadSeq(m), leads: newLeadSet(leads), complete: true})
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

// TestQuickKeysAndTeammates: actions decided on what the store holds, not
// on a row that has not reloaded yet, and only real clashes refused.
func TestQuickKeysAndTeammates(t *testing.T) {
	st, _ := fillStore(t, 40)
	m := start(t, st, 120, 40)
	l := selected(t, m)
	ctx := context.Background()

	// * * typed faster than the list reloads: two toggles, two undo entries.
	next, c1 := m.Update(keyMsg("*"))
	next, c2 := next.(Model).Update(keyMsg("*"))
	m = settle(t, next.(Model), c1, c2)
	if got := selected(t, m).Triage(); got.Starred || got.Version != 2 {
		t.Errorf("* * left starred=%v at version %d, want unstarred at 2", got.Starred, got.Version)
	}
	if undoCount(m) != 2 {
		t.Errorf("%d undo entries after * *, want 2", undoCount(m))
	}

	// A teammate merely opening the lead does not refuse my status.
	if _, err := st.SetSeen(ctx, l.Bot, l.Key, true, -1, testNow, "bob"); err != nil {
		t.Fatal(err)
	}
	m = press(t, m, "s", "q")
	if got := selected(t, m).Triage().Status; got != store.StatusQualified {
		t.Fatalf("status %q after bob opened the lead, want qualified", got)
	}

	// A teammate setting the status meanwhile: refused, in one sentence
	// naming who did what; pressing again then works.
	if _, err := st.SetStatus(ctx, l.Bot, l.Key, store.StatusLost, -1, testNow.Add(-2*time.Minute), "bob"); err != nil {
		t.Fatal(err)
	}
	m = press(t, m, "s", "w")
	if got := selected(t, m).Triage().Status; got != store.StatusLost {
		t.Fatalf("status %q: the stale action overwrote bob's", got)
	}
	if !flashErr(m) || !strings.Contains(flashText(m), "Mallory: bob set it to lost 2m ago — press again to override") {
		t.Errorf("refusal reads %q", flashText(m))
	}
	m = press(t, m, "s", "w")
	if got := selected(t, m).Triage().Status; got != store.StatusWon || flashErr(m) {
		t.Fatalf("pressing again: status %q, flash %q", got, flashText(m))
	}
	undos := undoCount(m)

	// Doing what a teammate just did is no conflict and nothing to undo.
	if _, err := st.SetStarred(ctx, l.Bot, l.Key, true, -1, testNow, "bob"); err != nil {
		t.Fatal(err)
	}
	caught := storedLead(m, 0).Triage()
	caught.Starred = false
	storedLead(m, 0).SetTriage(caught)                                              // the row has not caught up
	if _, err := st.ToggleStar(ctx, l.Bot, l.Key, -1, testNow, "bob"); err != nil { // bob unstars
		t.Fatal(err)
	}
	m = press(t, m, "U")
	m = press(t, m, "U")
	if flashErr(m) || undoCount(m) != undos+1 {
		t.Errorf("U twice: flash %q (error %v), %d undo entries, want %d", flashText(m), flashErr(m), undoCount(m), undos+1)
	}

	// Undo says which lead it changed.
	m = press(t, m, "ctrl+z")
	if !strings.Contains(flashText(m), "undid “marked unseen”") || !strings.Contains(flashText(m), leadName(l)) {
		t.Errorf("undo flash %q should name the lead and the action", flashText(m))
	}
}

// TestMaskCoversEveryPane: with ctrl+p on, no pane shows an email or a
// phone: the copy menu's labels, the Conversations previews, a
// conversation's card.
func TestMaskCoversEveryPane(t *testing.T) {
	st, _ := fillStore(t, 40)
	m := start(t, st, 120, 40)
	leaks := func(where string) {
		t.Helper()
		// The name is Mallory; lower-case, it is the email's local part.
		if s := screen(m); strings.Contains(s, "mallory") || strings.Contains(s, "555") {
			t.Errorf("%s shows a contact while masked:\n%s", where, s)
		}
	}
	m = press(t, m, "ctrl+p", "y")
	if pickerOf(m) == nil {
		t.Fatal("y opened no menu")
	}
	leaks("the copy menu")
	m = press(t, m, "esc", "2")
	for range 40 {
		if strings.Contains(ansiStripPreview(m), "Mallory") {
			break
		}
		m = press(t, m, "j")
	}
	leaks("the Conversations list")
	m = press(t, m, "enter")
	leaks("a conversation's card")
	m = press(t, m, "esc", "1", "g", "enter")
	leaks("a lead's card and transcript")
	m = press(t, m, "n", "a")
	m = paste(t, m, "call back mallory@example.com or +1 555 0100")
	m = press(t, m, "ctrl+s")
	leaks("the notes window")
	m = press(t, m, "esc", "ctrl+p")
	if !strings.Contains(screen(m), "mallory@example.com") {
		t.Errorf("ctrl+p again did not show the contacts:\n%s", screen(m))
	}
}

func TestLinksTargetWhatIsShown(t *testing.T) {
	// The hostile phone hides "2J" in a C1 escape: the screen shows +1 555
	// 0100, and the link must dial that, not +1 555 01002.
	if got := telLink("+1 555 0100\u009b2J\u202e"); got != "tel:+15550100" {
		t.Errorf("telLink = %q", got)
	}
	if got := mask(safetext.Clean("\x1b[31mmallory\x1b[0m@example.com")); strings.Contains(got, "allory") {
		t.Errorf("mask of a split address = %q", got)
	}
}

func ansiStripPreview(m Model) string {
	if it, ok := sessionList(m).Selected(); ok {
		return it.(*sessionItem).preview()
	}
	return ""
}

// TestOpenLeadStaysOpen: a reload (a poll, a sync, opening it under u)
// never swaps the lead being read for another.
func TestOpenLeadStaysOpen(t *testing.T) {
	st, _ := fillStore(t, 40)
	m := start(t, st, 80, 24)
	m = press(t, m, "u", "j", "enter") // under u, opening marks seen: it leaves the list
	if openLead(m) == nil {
		t.Fatal("enter opened no lead")
	}
	open := openLead(m).Key
	m = settle(t, m, func() tea.Msg { return pollMsg{} }, func() tea.Msg { return tickMsg{} })
	if openLead(m) == nil || openLead(m).Key != open || !detailFocused(m) {
		t.Fatalf("the open lead changed under the reader")
	}
	// Its triage still refreshes: a teammate's status shows in the card.
	l := *openLead(m)
	if _, err := st.SetStatus(context.Background(), l.Bot, l.Key, store.StatusBooked, -1, testNow, "bob"); err != nil {
		t.Fatal(err)
	}
	m = settle(t, m, func() tea.Msg { return pollMsg{} })
	if openLead(m).Key != open || !strings.Contains(screen(m), "booked") {
		t.Errorf("the open lead did not show bob's status:\n%s", screen(m))
	}
}

// TestSnoozedLeadsCanBeFound: Z lists the snoozed leads, and z wakes one.
func TestSnoozedLeadsCanBeFound(t *testing.T) {
	st, _ := fillStore(t, 40)
	m := start(t, st, 120, 40)
	l := selected(t, m)
	m = press(t, m, "z", "w")
	if storedLeads(m)[0].Key == l.Key {
		t.Fatal("z w did not hide the lead")
	}
	m = press(t, m, "Z")
	if len(storedLeads(m)) != 1 || storedLeads(m)[0].Key != l.Key || !strings.Contains(screen(m), "(snoozed)") || !regexp.MustCompile(`in [1-7]d`).MatchString(screen(m)) {
		t.Fatalf("Z shows %d leads, want the snoozed one:\n%s", len(storedLeads(m)), screen(m))
	}
	m = press(t, m, "z", "x") // wake it now
	if len(storedLeads(m)) != 0 {
		t.Errorf("the woken lead is still listed as snoozed")
	}
	m = press(t, m, "Z")
	if storedLeads(m)[0].Key != l.Key {
		t.Errorf("the woken lead is not back at the top of the inbox")
	}
}

// TestUndoInNotesWindow: ctrl+z works without leaving the notes.
func TestUndoInNotesWindow(t *testing.T) {
	st, _ := fillStore(t, 40)
	m := start(t, st, 120, 40)
	m = press(t, m, "*", "n")
	if notesOf(m) == nil {
		t.Fatal("n opened no notes window")
	}
	m = press(t, m, "ctrl+z")
	if notesOf(m) == nil || selected(t, m).Triage().Starred {
		t.Errorf("ctrl+z in the notes window: open=%v, starred=%v", notesOf(m) != nil, selected(t, m).Triage().Starred)
	}
}

// TestClosedBrowserLeavesNoTimers: the periodic commands return once the
// browser closes, so an SSH session that ends leaves no goroutine behind.
func TestClosedBrowserLeavesNoTimers(t *testing.T) {
	st, _ := fillStore(t, 10)
	m := New(testOptions(st))
	done := make(chan tea.Msg)
	go func() { done <- tick(m.sh)() }()
	m.Close()
	select {
	case msg := <-done:
		if msg != nil {
			t.Errorf("a cancelled tick sent %T", msg)
		}
	case <-time.After(5 * time.Second):
		t.Error("the minute tick still waits after Close")
	}
}

func TestSnoozeChoicesAndDates(t *testing.T) {
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Skip("no time zone data:", err)
	}
	at := func(s string) time.Time {
		v, err := time.ParseInLocation("2006-01-02 15:04", s, berlin)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	for _, tc := range []struct{ now, tomorrow, nextWeek string }{
		{"2026-11-18 15:00", "2026-11-19 09:00", "2026-11-23 09:00"}, // Wednesday
		{"2026-11-22 15:00", "2026-11-23 09:00", "2026-11-30 09:00"}, // Sunday: not tomorrow twice
		{"2026-11-23 08:00", "2026-11-24 09:00", "2026-11-30 09:00"}, // Monday
	} {
		cs := snoozeChoices(at(tc.now), berlin, false)
		if got := cs[0].value.(time.Time); !got.Equal(at(tc.tomorrow)) {
			t.Errorf("%s: tomorrow = %v, want %s", tc.now, got, tc.tomorrow)
		}
		if got := cs[1].value.(time.Time); !got.Equal(at(tc.nextWeek)) {
			t.Errorf("%s: next week = %v, want %s", tc.now, got, tc.nextWeek)
		}
	}
	// A typed day is 9:00 that day, also on the day clocks change.
	got, err := parseSnooze("2027-03-28", at("2026-11-22 15:00"), berlin)
	if err != nil || got.In(berlin).Hour() != 9 {
		t.Errorf("2027-03-28 (DST starts) = %v, %v; want 09:00", got.In(berlin), err)
	}
	for _, bad := range []string{"2025-13-01", "next tuesday", "2020-01-01"} {
		if _, err := parseSnooze(bad, at("2026-11-22 15:00"), berlin); err == nil {
			t.Errorf("%q was taken as a snooze date", bad)
		}
	}
}

// TestBadSnoozeDateKeepsThePicker: a typo gets its reason and the text back.
func TestBadSnoozeDateKeepsThePicker(t *testing.T) {
	st, _ := fillStore(t, 40)
	m := start(t, st, 80, 24)
	m = press(t, m, "z")
	m = paste(t, m, "2026-13-01")
	m = press(t, m, "enter")
	if pickerOf(m) == nil || !strings.Contains(screen(m), "not a date") || !strings.Contains(screen(m), "2026-13-01") {
		t.Fatalf("a bad date closed the picker or said nothing:\n%s", screen(m))
	}
	m = press(t, m, "ctrl+u")
	m = paste(t, m, "2099-01-02")
	m = press(t, m, "enter")
	if pickerOf(m) != nil || selected(t, m).Triage().SnoozedUntil.IsZero() && !strings.Contains(flashText(m), "snoozed until") {
		t.Errorf("a good date did not snooze: flash %q", flashText(m))
	}
}

// TestUndoNotesInAnyOrder: adding, editing and deleting notes, then undoing
// it all, each undo expecting the version the one after it left.
func TestUndoNotesInAnyOrder(t *testing.T) {
	st, _ := fillStore(t, 40)
	m := start(t, st, 80, 24)
	l := selected(t, m)
	m = press(t, m, "n", "a")
	m = paste(t, m, "first")
	m = press(t, m, "ctrl+s", "a")
	m = paste(t, m, "second")
	m = press(t, m, "ctrl+s", "k", "e", "ctrl+u")
	m = paste(t, m, "first, edited")
	m = press(t, m, "ctrl+s", "j", "d", "d")
	notes, _ := st.Notes(context.Background(), l.Bot, l.Key)
	if len(notes) != 1 || notes[0].Body != "first, edited" {
		t.Fatalf("after add, add, edit, delete: %+v", notes)
	}
	for i := range 4 {
		m = press(t, m, "ctrl+z")
		if flashErr(m) || !strings.Contains(flashText(m), "undid “") {
			t.Fatalf("undo %d: %q", i+1, flashText(m))
		}
	}
	if notes, _ := st.Notes(context.Background(), l.Bot, l.Key); len(notes) != 0 {
		t.Errorf("after four undos: %+v, want no notes", notes)
	}
}

// TestCopyConversationBeforeOpening: y t works from the list at 80×24,
// where no conversation is loaded beside it.
func TestCopyConversationBeforeOpening(t *testing.T) {
	st, _ := fillStore(t, 40)
	m := start(t, st, 80, 24)
	m = press(t, m, "y")
	if !strings.Contains(screen(m), "the conversation as Markdown") {
		t.Fatalf("the copy menu offers no conversation:\n%s", screen(m))
	}
	m = press(t, m, "t")
	if flashErr(m) || flashText(m) != "copied the conversation to the clipboard" {
		t.Errorf("y t: %q", flashText(m))
	}
}

// Quick keys on one lead before the list reloads may go past this
// program's own writes, never past a teammate's: bob's status, set before
// the star this program wrote, still refuses a stale s w.
func TestOwnWriteRetryStopsAtATeammatesChange(t *testing.T) {
	st, _ := fillStore(t, 40)
	m := start(t, st, 120, 40)
	l := selected(t, m) // as on screen: no status
	if _, err := st.SetStatus(context.Background(), l.Bot, l.Key, store.StatusLost, -1, testNow, "bob"); err != nil {
		t.Fatal(err)
	}
	next, star := m.Update(keyMsg("*"))
	next, _ = next.(Model).Update(keyMsg("s"))
	next, status := next.(Model).Update(keyMsg("w"))
	m = next.(Model)
	for _, msg := range append(drain(star), drain(status)...) {
		next, _ := m.Update(msg)
		m = next.(Model)
	}
	tr, _ := st.Triage(context.Background(), l.Bot, l.Key)
	if tr.Status != store.StatusLost || !tr.Starred {
		t.Errorf("status %q, starred %v: want bob's lost kept beside the star", tr.Status, tr.Starred)
	}
	if !flashErr(m) || !strings.Contains(flashText(m), "bob") {
		t.Errorf("status line %q: want a refusal naming bob", flashText(m))
	}
	// Once reloaded, two quick status keys of this program's own are no
	// conflict.
	m = settle(t, m, func() tea.Msg { return pollMsg{} })
	l = selected(t, m)
	next, _ = m.Update(keyMsg("s"))
	next, first := next.(Model).Update(keyMsg("c"))
	next, _ = next.(Model).Update(keyMsg("s"))
	next, second := next.(Model).Update(keyMsg("q"))
	m = next.(Model)
	for _, msg := range append(drain(first), drain(second)...) {
		next, _ := m.Update(msg)
		m = next.(Model)
	}
	if tr, _ := st.Triage(context.Background(), l.Bot, l.Key); tr.Status != store.StatusQualified || flashErr(m) {
		t.Errorf("status %q, status line %q: want qualified, no refusal", tr.Status, flashText(m))
	}
}

// Undo goes past this program's own later changes of a field, but is
// refused over a teammate's, even with an undo of ours after it.
func TestUndoStopsAtATeammatesChange(t *testing.T) {
	st, _ := fillStore(t, 40)
	m := start(t, st, 120, 40)
	l := selected(t, m)
	m = press(t, m, "s", "c") // mine: contacted
	if _, err := st.SetStatus(context.Background(), l.Bot, l.Key, store.StatusLost, -1, testNow, "bob"); err != nil {
		t.Fatal(err)
	}
	m = press(t, m, "*", "ctrl+z") // mine: star, and its undo
	m = press(t, m, "ctrl+z")      // the status: bob set it since
	if tr, _ := st.Triage(context.Background(), l.Bot, l.Key); tr.Status != store.StatusLost {
		t.Errorf("status %q: the undo went over bob's lost (status line %q)", tr.Status, flashText(m))
	}
	if !strings.Contains(flashText(m), "bob") || !strings.Contains(flashText(m), "not undone") {
		t.Errorf("status line %q: want the refusal naming bob", flashText(m))
	}

	// Own changes only: contacted, won, undo won, undo contacted → new.
	m = press(t, m, "j")
	l = selected(t, m)
	m = press(t, m, "s", "c", "s", "w", "ctrl+z", "ctrl+z")
	if tr, _ := st.Triage(context.Background(), l.Bot, l.Key); tr.Status != store.StatusNew || flashErr(m) {
		t.Errorf("status %q after undoing both, status line %q: want new", tr.Status, flashText(m))
	}
}

// A lead that left the list while open (snoozed from its card) keeps
// fresh triage: a teammate's change shows, and actions on it go through.
func TestOpenLeadOffTheListStaysFresh(t *testing.T) {
	st, _ := fillStore(t, 40)
	m := start(t, st, 120, 40)
	m = press(t, m, "enter", "z", "w")
	if !detailFocused(m) || openLead(m) == nil {
		t.Fatal("snoozing from the card closed it")
	}
	l := *openLead(m)
	if _, err := st.SetStatus(context.Background(), l.Bot, l.Key, store.StatusLost, -1, testNow, "bob"); err != nil {
		t.Fatal(err)
	}
	m = settle(t, m, func() tea.Msg { return pollMsg{} })
	if openLead(m).Triage().Status != store.StatusLost || !strings.Contains(screen(m), "lost") {
		t.Errorf("the open card does not show bob's status:\n%s", screen(m))
	}
	m = press(t, m, "s", "w")
	if tr, _ := st.Triage(context.Background(), l.Bot, l.Key); tr.Status != store.StatusWon || flashErr(m) {
		t.Errorf("status %q, status line %q: want won", tr.Status, flashText(m))
	}
}

// * stars the lead as the screen shows it: a teammate who starred it
// meanwhile did what the user meant.
func TestStarAfterATeammateStarred(t *testing.T) {
	st, _ := fillStore(t, 40)
	m := start(t, st, 120, 40)
	l := selected(t, m)
	if _, err := st.SetStarred(context.Background(), l.Bot, l.Key, true, -1, testNow, "bob"); err != nil {
		t.Fatal(err)
	}
	m = press(t, m, "*")
	if tr, _ := st.Triage(context.Background(), l.Bot, l.Key); !tr.Starred || flashErr(m) || !strings.Contains(flashText(m), "already starred") {
		t.Errorf("starred %v, status line %q: want it starred, already", tr.Starred, flashText(m))
	}
	// Now the screen shows the star: * takes it off.
	m = press(t, m, "*")
	if tr, _ := st.Triage(context.Background(), l.Bot, l.Key); tr.Starred {
		t.Errorf("* on a starred lead left it starred (status line %q)", flashText(m))
	}
}

// An undo refused over a teammate's change names the teammate, not this
// window's own later change of the field.
func TestUndoRefusalNamesTheTeammate(t *testing.T) {
	st, _ := fillStore(t, 40)
	m := start(t, st, 120, 40)
	l := selected(t, m)
	m = press(t, m, "s", "c") // mine: contacted (v1)
	if _, err := st.SetStatus(context.Background(), l.Bot, l.Key, store.StatusLost, -1, testNow, "bob"); err != nil {
		t.Fatal(err)
	}
	m = settle(t, m, func() tea.Msg { return pollMsg{} }) // the list shows bob's lost
	m = press(t, m, "s", "q")                             // mine: qualified over it (v3)
	m = press(t, m, "ctrl+z")                             // mine: back to lost (v4)
	m = press(t, m, "ctrl+z")                             // contacted's undo: bob's lost is in the way
	if tr, _ := st.Triage(context.Background(), l.Bot, l.Key); tr.Status != store.StatusLost {
		t.Fatalf("status %q: the undo went over bob's change", tr.Status)
	}
	if !strings.Contains(flashText(m), "bob") {
		t.Errorf("status line %q: the refusal should name bob, whose change stops the undo", flashText(m))
	}
}

// U, enter (opening marks it seen again), ctrl+z: the opening is this
// window's own change, no refusal blames "another window" for it.
func TestUndoUnseenAfterOpening(t *testing.T) {
	st, _ := fillStore(t, 40)
	opts := testOptions(st)
	var tick atomic.Int64
	opts.Now = func() time.Time { return testNow.Add(time.Duration(tick.Add(1)) * time.Second) }
	m := New(opts)
	t.Cleanup(m.Close)
	m = settle(t, m, func() tea.Msg { return tea.WindowSizeMsg{Width: 120, Height: 40} }, m.Init())
	m = press(t, m, "enter", "esc") // seen
	m = press(t, m, "U")            // mark unseen (undoable)
	m = press(t, m, "enter", "esc") // open again: marked seen quietly
	m = press(t, m, "ctrl+z")
	if strings.Contains(flashText(m), "another window") {
		t.Errorf("status line %q: no other window exists; the change in the way is this window's own", flashText(m))
	}
}

// The screen shows the lead unstarred; bob stars it; the user sets a
// status and, before the list reloads, presses *: that is what bob did, no
// conflict, whatever else this window wrote.
func TestStarAfterOwnStatusAndTeammatesStar(t *testing.T) {
	st, _ := fillStore(t, 40)
	m := start(t, st, 120, 40)
	l := selected(t, m) // as on screen: unstarred
	ctx := context.Background()
	if _, err := st.SetStarred(ctx, l.Bot, l.Key, true, -1, testNow, "bob"); err != nil {
		t.Fatal(err)
	}
	if msg := setStatus(m.sh, l, store.StatusContacted)().(triagedMsg); msg.err != nil {
		t.Fatal(msg.err)
	}
	msg := toggleStar(m.sh, l)().(triagedMsg) // * on the same, not yet reloaded, row
	tr, _ := st.Triage(ctx, l.Bot, l.Key)
	if msg.err != nil || !tr.Starred {
		t.Errorf("* meaning star: starred %v, err %v (%s)", tr.Starred, msg.err, describeErr(m.sh, msg.lead, msg.what, msg.err))
	}
}

// TestTriageFromAConversation: on the Conversations tab, s, * and y act on
// the lead the conversation on screen left; where none is on screen, the
// status line says what to do.
func TestTriageFromAConversation(t *testing.T) {
	st, _ := fillStore(t, 40)
	m := start(t, st, 120, 40)
	m = press(t, m, "2")
	for range sessionList(m).Len() {
		if len(detailOf(m).leads) > 0 {
			break
		}
		m = press(t, m, "j")
	}
	if len(detailOf(m).leads) == 0 {
		t.Fatal("no conversation with a lead")
	}
	l := detailOf(m).leads[0]
	m = press(t, m, "s", "c", "*")
	leads, err := st.Leads(context.Background(), store.LeadQuery{Bot: testSerial, Status: store.StatusContacted, Starred: true})
	if err != nil || len(leads) != 1 || leads[0].Key != l.Key {
		t.Errorf("s c * on a conversation: %d contacted starred leads (%v), want %q's", len(leads), err, l.Name)
	}
	m = press(t, m, "y")
	if pickerOf(m) == nil || !strings.Contains(screen(m), "Copy to the clipboard") {
		t.Errorf("y on a conversation with a lead opened no copy menu:\n%s", screen(m))
	}

	// One pane at 80×24: the conversation is not on screen until opened.
	m = start(t, st, 80, 24)
	m = press(t, m, "2", "s")
	if pickerOf(m) != nil || !strings.Contains(flashText(m), "open the conversation (enter)") {
		t.Errorf("s on an unopened conversation: %q", flashText(m))
	}
}

// Z back to the inbox after waking a lead (z x in the snoozed view) keeps
// the cursor on that lead, wherever it falls in the inbox.
func TestBackToTheInboxOnTheLeadJustWoken(t *testing.T) {
	st, _ := fillStore(t, 60)
	m := start(t, st, 120, 40)
	// Snooze three leads from the middle of the inbox.
	m = press(t, m, "j", "j", "j", "j", "j")
	var snoozed []string
	for range 3 {
		snoozed = append(snoozed, selected(t, m).Key)
		m = press(t, m, "z", "t")
	}
	m = press(t, m, "Z", "j") // the second of the three
	woken := selected(t, m).Key
	if !slices.Contains(snoozed, woken) {
		t.Fatalf("the snoozed view shows %q, not one of %q", woken, snoozed)
	}
	m = press(t, m, "z", "x", "Z")
	if got := selected(t, m).Key; got != woken {
		t.Errorf("back in the inbox on %q, not on %q, the lead just woken", got, woken)
	}
}

// TestAnOlderFailedReadChangesNothing: a read of the triage sequence that
// fails after a newer one came back (a poll that timed out while a
// notice's read succeeded) does not mark the store unreachable, and a
// SQLite read that waited out a deadline never does.
func TestAnOlderFailedReadChangesNothing(t *testing.T) {
	st, _ := fillStore(t, 40)
	m := start(t, st, 120, 40)
	newer := readTriageSeq(m.sh, false)().(triageSeqMsg)
	next, _ := m.Update(newer)
	m = next.(Model)
	older := triageSeqMsg{read: newer.read - 1, err: io.ErrUnexpectedEOF} // the server cut off mid-answer
	next, _ = m.Update(older)
	m = next.(Model)
	if m.status.down {
		t.Error("an older read's failure marked the store unreachable after a newer read succeeded")
	}
	late := readTriageSeq(m.sh, false)().(triageSeqMsg)
	late.err = fmt.Errorf("read the triage sequence: %w", context.DeadlineExceeded)
	next, _ = m.Update(late)
	if next.(Model).status.down {
		t.Error("a SQLite read past its deadline marked the store unreachable")
	}
}
