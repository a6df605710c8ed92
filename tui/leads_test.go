package tui

import (
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/neotui/neotui/api"
	"github.com/neotui/neotui/internal/safetext"
	"github.com/neotui/neotui/internal/store"
)

// TestLeadsLoadedForAnOlderView: a load builds its rows in its command, for
// the view as it was then; when the view changed before the load arrived
// (ctrl+p), the rows are built again for the view shown.
func TestLeadsLoadedForAnOlderView(t *testing.T) {
	st, _ := fillStore(t, 40)
	m := start(t, st, 120, 40)
	load := reloadLeads(&m) // made while emails show
	m = press(t, m, "ctrl+p")
	next, _ := m.Update(load())
	m = next.(Model)
	if rows := leadList(m).View(); strings.Contains(rows, "mallory@example.com") {
		t.Errorf("a load made before ctrl+p shows its rows unmasked:\n%s", rows)
	}
	if !strings.Contains(screen(press(t, m, "ctrl+p")), "mallory@example.com") {
		t.Error("ctrl+p again did not show the emails")
	}
}

// TestLeadSet: leads come back in the order added, each where it was
// first put: the rows point at them.
func TestLeadSet(t *testing.T) {
	var s leadSet
	s.add(store.Lead{Key: "0"})
	first := slices.Collect(s.all())[0]
	for i := 1; i < 3000; i++ { // blocks of every size
		s.add(store.Lead{Key: strconv.Itoa(i)})
	}
	i := 0
	for l := range s.all() {
		if l.Key != strconv.Itoa(i) {
			t.Fatalf("lead %d is %q", i, l.Key)
		}
		i++
	}
	if i != 3000 || s.len() != 3000 || slices.Collect(s.all())[0] != first {
		t.Errorf("%d leads, len %d, the first moved: %v", i, s.len(), slices.Collect(s.all())[0] != first)
	}
}

// TestLeadFilterFindsURI: the filter searches a lead's URI, which its row
// shares with the other rows of that URI.
func TestLeadFilterFindsURI(t *testing.T) {
	st, _ := fillStore(t, 40)
	m := start(t, st, 120, 40)
	l := storedLeads(m)[0]
	m = typeText(t, press(t, m, "/"), "https:// "+strconv.FormatInt(l.SessionID, 10))
	// The filter bar marks near matches with ≈: these must be exact.
	if rows := leadList(m).View(); leadList(m).VisibleLen() == 0 || strings.Contains(rows, "≈") {
		t.Errorf("the URI and session of %s find no lead exactly:\n%s", l.URI, rows)
	}
}

// TestLeadFilterText: a lead row holds no filter text but writes it from
// its lead: the name (unmasked), email, phone, content, conversation and
// type, then its triage state as words.
func TestLeadFilterText(t *testing.T) {
	l := &store.Lead{Lead: api.Lead{Type: api.TypeLead, Name: " Ana\x1b[31m ", Email: "ana@example.com",
		Content: "quiere el precio\nde la hora", SessionID: 5109989}}
	l.SetTriage(store.Triage{Status: store.StatusContacted, Starred: true})
	it := newLeadItem(l, &uriParts{}, true)
	want := "Ana ana@example.com  quiere el precio de la hora 5109989 Lead status:contacted is:starred is:unseen"
	if got := it.FilterText(); got != want {
		t.Errorf("filter text %q, want %q", got, want)
	}
	if got := string(it.AppendFilterText([]byte("x"))); got != "x"+want {
		t.Errorf("appended %q", got)
	}
}

// TestLeadFilterFindsContent: the live filter finds a lead by a word of its
// content, which the row does not hold.
func TestLeadFilterFindsContent(t *testing.T) {
	st, _ := fillStore(t, 40)
	m := start(t, st, 120, 40)
	var l store.Lead
	for _, c := range storedLeads(m) {
		if len(strings.Fields(safetext.Line(c.Content))) > 2 {
			l = c
			break
		}
	}
	if l.Key == "" {
		t.Fatal("no lead with content")
	}
	words := strings.Fields(safetext.Line(l.Content)) // as the filter searches it: escapes dropped
	m = typeText(t, press(t, m, "/"), words[len(words)-1]+" "+strconv.FormatInt(l.SessionID, 10))
	found := false
	for _, it := range leadList(m).Visible() {
		if li, ok := it.(*leadItem); ok && li.lead.Key == l.Key {
			found = true
		}
	}
	if !found || strings.Contains(leadList(m).View(), "≈") {
		t.Errorf("%q finds no lead exactly:\n%s", l.Content, leadList(m).View())
	}
}

// TestCollectAfterLoad: a big load is followed by a collection, a small
// one is not (its garbage is too little to collect for).
func TestCollectAfterLoad(t *testing.T) {
	if collectAfterLoad(collectMin-1) != nil {
		t.Error("a small load collects")
	}
	if cmd := collectAfterLoad(collectMin); cmd == nil || cmd() != nil {
		t.Error("a big load does not collect, or its command sends a message")
	}
}
