package tui

import (
	"fmt"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"

	"github.com/neotui/neotui/tui/list"
)

// TestFirstPageSaysMoreIsLoading: a store of more conversations than the
// first page shows that page at once, its counts saying that more are
// loading, until the rest has come.
func TestFirstPageSaysMoreIsLoading(t *testing.T) {
	st, _ := fillStore(t, firstPage+30)
	m := New(testOptions(st))
	t.Cleanup(m.Close)
	var model tea.Model = m
	model, _ = model.Update(tea.WindowSizeMsg{Width: 120, Height: 40})
	model, rest := model.Update(loadSessions(m.sh, 0, firstPage, sortNewest, list.Rows{})())
	m = press(t, model.(Model), "2", "/")
	page := fmt.Sprint(firstPage)
	if s := screen(m); !strings.Contains(s, "Conversations "+page+"…") || !strings.Contains(s, page+"/"+page+"…") {
		t.Fatalf("the first page does not say more is loading:\n%s", s)
	}
	m = settle(t, m, rest)
	all := fmt.Sprint(firstPage + 30)
	if s := screen(m); !strings.Contains(s, "Conversations "+all+" ") || !strings.Contains(s, all+"/"+all+" ") {
		t.Errorf("the whole list still says more is loading:\n%s", s)
	}
}
