package tui

import (
	"strings"
	"testing"

	"charm.land/lipgloss/v2"
)

// place draws what lipgloss's Width, Height, MaxWidth and MaxHeight draw,
// byte for byte: short and long blocks, styled and wide text, lines too
// wide (which lipgloss wraps), tabs.
func TestPlaceIsLipgloss(t *testing.T) {
	bold := lipgloss.NewStyle().Bold(true).Foreground(lipgloss.Color("#A98BFF"))
	blocks := []string{
		"",
		"one line",
		"two\nlines",
		bold.Render("styled") + " and plain\n" + bold.Render("佐藤花子") + " wide",
		"a line far too wide for the block it is placed in, which lipgloss wraps",
		"tab\there",
		"crlf\r\nline",
		strings.Repeat("line\n", 12) + "last",
		"trailing newline\n",
	}
	for _, s := range blocks {
		for _, size := range [][2]int{{20, 0}, {20, 3}, {20, 15}, {8, 2}, {1, 1}} {
			w, h := size[0], size[1]
			want := lipgloss.NewStyle().Width(w).MaxWidth(w)
			if h > 0 {
				want = want.Height(h).MaxHeight(h)
			}
			if got := place(s, w, h); got != want.Render(s) {
				t.Errorf("place(%q, %d, %d) =\n%q\nlipgloss draws\n%q", s, w, h, got, want.Render(s))
			}
		}
	}
}
