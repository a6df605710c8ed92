package tui

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/neotui/neotui/internal/store"
)

// TestSearchReadsMoreAsTheCursorNearsTheEnd: a search shows its first page
// at once and reads the next one as the cursor goes down, newest
// conversation first throughout, each row once.
func TestSearchReadsMoreAsTheCursorNearsTheEnd(t *testing.T) {
	st, _ := fillStore(t, 300)
	m := press(t, start(t, st, 120, 40), "3")
	m = press(t, typeText(t, m, "a"), "enter")
	first := hitList(m).Len()
	if first == 0 || first > searchPage {
		t.Fatalf("the first page shows %d rows, want 1..%d", first, searchPage)
	}
	if s := screen(m); !strings.Contains(s, fmt.Sprintf("first %d matches", first)) {
		t.Errorf("the status does not say more may follow:\n%s", s)
	}
	for range first {
		m = press(t, m, "down")
	}
	rows := hitList(m).Visible()
	if len(rows) <= first {
		t.Fatalf("%d rows after going down past the first page's %d", len(rows), first)
	}
	var keys []string
	var ids []int64
	for _, it := range rows {
		h := it.(*hitItem)
		keys = append(keys, h.Key())
		ids = append(ids, -h.hit.CreateTime.UnixNano())
	}
	if !slices.IsSorted(ids) {
		t.Error("the rows are not newest conversation first across pages")
	}
	slices.Sort(keys)
	if len(slices.Compact(keys)) != len(rows) {
		t.Error("a hit shows twice across pages")
	}
}

// TestStepPastTheLoadedResultsReadsOn: n past the last conversation of the
// results read so far, while more are being read, says so rather than that
// there are no more matches.
func TestStepPastTheLoadedResultsReadsOn(t *testing.T) {
	st, _ := fillStore(t, 300)
	m := press(t, start(t, st, 120, 40), "3")
	m = press(t, typeText(t, m, "precio"), "enter")
	var page []store.Hit // the hits of the first two conversations found
	for _, it := range hitList(m).Visible() {
		h := it.(*hitItem).hit
		if len(page) > 0 && h.SessionID != page[0].SessionID && h.SessionID != page[len(page)-1].SessionID {
			break
		}
		page = append(page, h)
	}
	// The page says more follow; the read it asks for is still on its way.
	next, _ := m.Update(searchResultsMsg{seq: searchSeq(m), query: "precio", page: store.SearchPage{Hits: page, More: true}})
	m = press(t, next.(Model), "enter")
	for range 100 {
		if m = press(t, m, "n"); strings.Contains(flashText(m), "reading more matches") {
			return
		}
		if strings.Contains(flashText(m), "no more matches") {
			t.Fatalf("n said %q with more results on their way", flashText(m))
		}
	}
	t.Errorf("n never reached the end of the results read: %q", flashText(m))
}

// TestSearchCopiesKeepTheirBox: the browser is a value, as Bubble Tea's
// models are, though the search holds its query box by pointer: what one
// copy types, runs or clears leaves another's box as it was.
func TestSearchCopiesKeepTheirBox(t *testing.T) {
	st, _ := fillStore(t, 10)
	base := typeText(t, press(t, start(t, st, 100, 30), "3"), "hello")
	for _, keys := range [][]string{{"x"}, {"backspace"}, {"enter"}, {"esc"}} {
		press(t, base, keys...)
		if !base.search.typing() || base.search.input.Value() != "hello" || !strings.Contains(screen(base), "search: hello") {
			t.Fatalf("after %v on a copy, the browser it was copied from types %v, %q:\n%s",
				keys, base.search.typing(), base.search.input.Value(), screen(base))
		}
	}
}
