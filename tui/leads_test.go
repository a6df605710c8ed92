package tui

import (
	"strings"
	"testing"
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
