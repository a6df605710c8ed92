package tui

import (
	"bytes"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/exp/golden"
	"github.com/charmbracelet/x/exp/teatest/v2"
)

// TestFlow drives the real program end to end: start, list, open, filter,
// search, quit.
func TestFlow(t *testing.T) {
	st, _ := fillStore(t, 120)
	m := New(testOptions(st))
	t.Cleanup(m.Close)
	tm := teatest.NewTestModel(t, m, teatest.WithInitialTermSize(120, 40),
		teatest.WithProgramOptions(tea.WithColorProfile(colorprofile.TrueColor)))
	waitFor := func(want ...string) {
		t.Helper()
		teatest.WaitFor(t, tm.Output(), func(b []byte) bool {
			for _, w := range want {
				if !bytes.Contains(b, []byte(w)) {
					return false
				}
			}
			return true
		}, teatest.WithDuration(10*time.Second))
	}
	waitFor("Leads", "Conversation ")
	tm.Send(keyMsg("j"))
	tm.Send(keyMsg("enter"))
	tm.Send(keyMsg("esc"))
	tm.Send(keyMsg("2"))
	tm.Send(keyMsg("/"))
	tm.Type("zzzqqq")
	waitFor("no matches")
	tm.Send(keyMsg("esc"))
	tm.Send(keyMsg("3"))
	// One paste, as a terminal sends it: typed letter by letter, the
	// renderer redraws only the changed cells, and the line saying
	// `for "precio"` never reaches the output in one piece.
	tm.Send(tea.PasteMsg{Content: "precio"})
	waitFor(`for "precio"`)
	tm.Send(keyMsg("enter"))
	tm.Send(keyMsg("enter"))
	waitFor("Visitor")
	tm.Send(keyMsg("q"))
	final := tm.FinalModel(t, teatest.WithFinalTimeout(5*time.Second)).(Model)
	if activeTab(final) != tabSearch || !detailFocused(final) || detailOf(final).highlight != "precio" {
		t.Errorf("final state: tab %d, detail open %v, highlight %q", activeTab(final), detailFocused(final), detailOf(final).highlight)
	}
}

// TestGolden pins whole frames, as plain text, at the two sizes that
// matter: 80×24 (one pane) and 120×40 (list and detail); the Stats tab at
// 80×24 (top and bottom of its page) and 120×36.
func TestGolden(t *testing.T) {
	for _, tt := range []struct {
		name string
		w, h int
		keys []string
	}{
		{"leads_80x24", 80, 24, nil},
		{"lead_open_80x24", 80, 24, []string{"enter"}},
		{"leads_120x40", 120, 40, nil},
		{"conversations_120x40", 120, 40, []string{"2", "j"}},
		{"filter_120x40", 120, 40, []string{"/", "l", "u", "c", "enter"}},
		{"help_80x24", 80, 24, []string{"?"}},
		{"stats_80x24", 80, 24, []string{"4"}},
		{"stats_end_80x24", 80, 24, []string{"4", "G"}},
		{"stats_120x36", 120, 36, []string{"4"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			st, _ := fillStore(t, 60)
			m := start(t, st, tt.w, tt.h)
			// What ? shows first, as a user's installation would have it.
			m.sh.ConfigFile, m.sh.StorePath, m.sh.Version = "/home/ana/.config/neotui/config.yml", "/home/ana/.local/share/neotui/neotui.db", "v1.2.0"
			m = press(t, m, tt.keys...)
			checkFrame(t, m, tt.w, tt.h)
			golden.RequireEqual(t, strings.TrimRight(screen(m), " \n"))
		})
	}
}
