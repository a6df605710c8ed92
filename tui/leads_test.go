package tui

import (
	"slices"
	"strconv"
	"strings"
	"testing"

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
