package tui

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/neotui/neotui/api"
	"github.com/neotui/neotui/internal/store"
)

// storeWithLeads is a store holding just leads, saved as the API sent them.
func storeWithLeads(t *testing.T, leads ...api.Lead) *store.Store {
	t.Helper()
	st, err := store.Open(filepath.Join(t.TempDir(), "neotui.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	to := api.DayOf(testNow)
	if _, err := st.SaveLeads(context.Background(), testSerial, to-30, to, testNow, leads); err != nil {
		t.Fatal(err)
	}
	return st
}

// TestListShowsTheDayInTheUsersZone: Neoagent sends -08:00; a lead of
// 20:00 there is 04:00 the next day in the user's zone (UTC here), and the
// list says that day, as the card does.
func TestListShowsTheDayInTheUsersZone(t *testing.T) {
	pst := time.FixedZone("", -8*3600)
	lead := api.Lead{Type: api.TypeLead, Name: "Late Caller", Email: "late@example.com",
		CreateTime: time.Date(2026, 2, 26, 20, 0, 0, 0, pst), SessionID: 7}
	m := start(t, storeWithLeads(t, lead), 120, 40)
	s := screen(m)
	row := lineWith(s, "late@example.com")
	if !strings.Contains(row, "Feb 27") || strings.Contains(row, "Feb 26") {
		t.Errorf("the row says another day than the user's Feb 27: %q", row)
	}
	if !strings.Contains(s, "Feb 27 2026 04:00") {
		t.Errorf("the card does not say Feb 27 04:00:\n%s", s)
	}
}

// lineWith is the first line of s holding sub.
func lineWith(s, sub string) string {
	for _, l := range strings.Split(s, "\n") {
		if strings.Contains(l, sub) {
			return l
		}
	}
	return ""
}

// TestTooSmallTakesNoKeys: on the "too small" screen nothing can be seen,
// so no key but quit acts: s then c must not change a lead's status blind.
func TestTooSmallTakesNoKeys(t *testing.T) {
	st, _ := fillStore(t, 20)
	m := start(t, st, 30, 8)
	before := storedLeads(m)[0]
	m = press(t, m, "s", "c", "/", "x", "2", "enter")
	if pickerOf(m) != nil || notesOf(m) != nil || helpShown(m) {
		t.Fatal("a key opened a dialog on the too-small screen")
	}
	tr, err := st.Triage(context.Background(), before.Bot, before.Key)
	if err != nil {
		t.Fatal(err)
	}
	if tr.Status != before.Triage().Status || activeTab(m) != tabLeads || leadList(m).FilterValue() != "" {
		t.Errorf("keys acted unseen: status %q (was %q), tab %d, filter %q",
			tr.Status, before.Triage().Status, activeTab(m), leadList(m).FilterValue())
	}
	if _, cmd := m.Update(keyMsg("q")); !isQuit(cmd) {
		t.Error("q does not quit the too-small screen")
	}
	next, _ := m.Update(sizeCmd(120, 40)())
	if s := screen(next.(Model)); !strings.Contains(s, "1 Leads") {
		t.Errorf("a resize does not bring the browser back:\n%s", s)
	}
}

// TestLeadWithoutConversation: a lead whose SessionID is 0 came with no
// conversation; the card says so rather than "not in the local store".
func TestLeadWithoutConversation(t *testing.T) {
	lead := api.Lead{Type: api.TypeLead, Name: "Form Only", Email: "form@example.com",
		CreateTime: testNow.Add(-time.Hour)}
	m := start(t, storeWithLeads(t, lead), 120, 40)
	s := screen(m)
	if strings.Contains(s, "not in the local store") || !strings.Contains(s, "no conversation") {
		t.Errorf("a lead without a session is said missing from the store:\n%s", s)
	}
}

// TestMessagesGoWithTheirContext: a filter warning goes once the filter is
// fixed or cleared, a message about one tab goes with the tab, a
// confirmation goes after a while, and u says what it now shows.
func TestMessagesGoWithTheirContext(t *testing.T) {
	st, _ := fillStore(t, 60)
	m := start(t, st, 120, 40)
	m = typeText(t, press(t, m, "/"), "status:zz")
	if !strings.Contains(statusRow(m), "status: takes") {
		t.Fatalf("no warning for status:zz: %q", statusRow(m))
	}
	m = press(t, m, "backspace", "backspace")
	if strings.Contains(statusRow(m), "takes") {
		t.Errorf("the warning outlived the fixed filter: %q", statusRow(m))
	}
	m = typeText(t, m, "zz")
	m = press(t, m, "esc")
	if strings.Contains(statusRow(m), "takes") {
		t.Errorf("the warning outlived the cleared filter: %q", statusRow(m))
	}

	m = press(t, m, "u")
	if s := statusRow(m); !strings.Contains(s, "unseen only: ") || !strings.Contains(s, "u shows all") {
		t.Errorf("u does not say what it shows: %q", s)
	}
	m = press(t, m, "u")
	if s := statusRow(m); !strings.Contains(s, "all ") {
		t.Errorf("u again does not say what it shows: %q", s)
	}
	m = press(t, m, "2")
	if s := statusRow(m); strings.Contains(s, "u shows") {
		t.Errorf("a message about the Leads tab stayed on Conversations: %q", s)
	}

	m = press(t, m, "1", "u")
	seq := flashSeq(m)
	next, _ := m.Update(flashExpiredMsg{seq: seq - 1})
	if m = next.(Model); !strings.Contains(statusRow(m), "u shows all") {
		t.Errorf("an older flash's expiry cleared a newer one: %q", statusRow(m))
	}
	next, _ = m.Update(flashExpiredMsg{seq: seq})
	if m = next.(Model); strings.Contains(statusRow(m), "u shows all") {
		t.Errorf("the confirmation outlived its time: %q", statusRow(m))
	}
}

// statusRow is the status line on screen: the line above the footer.
func statusRow(m Model) string {
	lines := strings.Split(screen(m), "\n")
	return lines[len(lines)-2]
}

// TestSearchRowsDoNotRepeat: a conversation's repeated message is one row,
// and a search stopped at its cap says so.
func TestSearchRowsDoNotRepeat(t *testing.T) {
	st, _ := fillStore(t, 10)
	m := typeText(t, press(t, start(t, st, 120, 40), "3"), "hello")
	at := testNow.Add(-time.Hour)
	hit := func(id int64, seq int, text string) store.Hit {
		return store.Hit{Bot: testSerial, SessionID: id, CreateTime: at, Seq: seq, Type: api.RoleUser, Content: text}
	}
	hits := []store.Hit{hit(1, 0, "hello there"), hit(1, 2, "hello there"), hit(2, 0, "hello there"), hit(1, 3, "hello again")}
	next, _ := m.Update(searchResultsMsg{seq: searchSeq(m), query: "hello", page: store.SearchPage{Hits: hits}})
	m = next.(Model)
	if n := hitList(m).Len(); n != 3 {
		t.Errorf("%d rows for 4 hits of which one repeats its conversation's, want 3:\n%s", n, screen(m))
	}
	// Nor across pages: the next page's repeat of a row is no row.
	next, _ = m.Update(searchResultsMsg{seq: searchSeq(m), query: "hello", next: true,
		page: store.SearchPage{Hits: []store.Hit{hit(1, 5, "hello there"), hit(3, 0, "hello")}}})
	m = next.(Model)
	if n := hitList(m).Len(); n != 4 {
		t.Errorf("%d rows after a next page of 2 hits of which one repeats a row, want 4:\n%s", n, screen(m))
	}
	many := make([]store.Hit, searchPage)
	for i := range many {
		many[i] = hit(int64(i), 0, "hello")
	}
	next, _ = m.Update(searchResultsMsg{seq: searchSeq(m), query: "hello", page: store.SearchPage{Hits: many, More: true}})
	if s := screen(next.(Model)); !strings.Contains(s, fmt.Sprintf("first %d matches", searchPage)) {
		t.Errorf("a search with more to read does not say so:\n%s", s)
	}
}
