package tui

import (
	"image/color"
	"math"
	"strings"
	"testing"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/ansi"
)

// luminance is a colour's relative luminance, as WCAG 2 defines it.
func luminance(c color.Color) float64 {
	r, g, b, _ := c.RGBA()
	lin := func(v uint32) float64 {
		s := float64(v) / 0xffff
		if s <= 0.04045 {
			return s / 12.92
		}
		return math.Pow((s+0.055)/1.055, 2.4)
	}
	return 0.2126*lin(r) + 0.7152*lin(g) + 0.0722*lin(b)
}

// contrast is the WCAG 2 contrast ratio of two colours, 1 to 21.
func contrast(a, b color.Color) float64 {
	la, lb := luminance(a), luminance(b)
	return (max(la, lb) + 0.05) / (min(la, lb) + 0.05)
}

func TestContrastOfKnownColours(t *testing.T) {
	for _, tt := range []struct {
		a, b string
		want float64
	}{{"#000000", "#FFFFFF", 21}, {"#767676", "#FFFFFF", 4.54}, {"#4A4A4A", "#000000", 2.37}} {
		if got := contrast(lipgloss.Color(tt.a), lipgloss.Color(tt.b)); math.Abs(got-tt.want) > 0.01 {
			t.Errorf("contrast(%s, %s) = %.2f, want %.2f", tt.a, tt.b, got, tt.want)
		}
	}
}

// TestFooterContrast: the footer's keys and descriptions read at WCAG AA
// (4.5:1) and its separators at 3:1, on common dark and light terminal
// backgrounds, in true colour and in the 256 colours of many SSH sessions.
func TestFooterContrast(t *testing.T) {
	backgrounds := map[bool][]string{
		true:  {"#000000", "#1E1E1E", "#282828", "#002B36", "#300A24"}, // black, VS Code, gruvbox, solarized, Ubuntu
		false: {"#FFFFFF", "#F0F0F0", "#FDF6E3"},                       // white, grey, solarized light
	}
	for isDark, bgs := range backgrounds {
		h := newStyles(isDark).Help
		for _, part := range []struct {
			name  string
			style lipgloss.Style
			min   float64
		}{{"keys", h.ShortKey, 4.5}, {"descriptions", h.ShortDesc, 4.5}, {"separators", h.ShortSeparator, 3}, {"? keys", h.FullKey, 4.5}, {"? text", h.FullDesc, 4.5}} {
			for _, bg := range bgs {
				for _, p := range []colorprofile.Profile{colorprofile.TrueColor, colorprofile.ANSI256} {
					fg, back := p.Convert(part.style.GetForeground()), p.Convert(lipgloss.Color(bg))
					if r := contrast(fg, back); r < part.min {
						t.Errorf("dark %v: the footer's %s on %s (%s) have %.2f:1, want ≥ %.1f:1", isDark, part.name, bg, p, r, part.min)
					}
				}
			}
		}
	}
}

// TestFooterDropsTheLeastUsefulFirst: a footer too wide for the screen
// loses the movement and quit hints first, then others from the right,
// never ? help, and is never cut mid-word.
func TestFooterDropsTheLeastUsefulFirst(t *testing.T) {
	st, _ := fillStore(t, 60)
	m := start(t, st, 120, 40)
	footer := func(m Model) string {
		lines := strings.Split(screen(m), "\n")
		return strings.TrimRight(lines[len(lines)-1], " ")
	}
	all := "↑↓/jk move • enter open • / filter • s set status • n notes • y copy… • ? help • q/ctrl+c quit"
	if got := footer(m); got != all {
		t.Fatalf("at 120 columns the footer is %q, want all of %q", got, all)
	}
	for _, tt := range []struct {
		w    int
		want string
	}{
		{80, "enter open • / filter • s set status • n notes • y copy… • ? help"},
		{60, "enter open • / filter • s set status • n notes • ? help"},
		{40, "enter open • / filter • ? help"},
	} {
		m = settle(t, m, sizeCmd(tt.w, 24))
		if got := footer(m); got != tt.want {
			t.Errorf("at %d columns the footer is %q, want %q", tt.w, got, tt.want)
		}
	}
	// Every footer at 40 columns: whole hints only, ? help kept where ? is
	// a key (in a text box it is a letter).
	for _, tt := range []struct {
		keys []string
		help bool
	}{{[]string{"2"}, true}, {[]string{"4"}, true}, {[]string{"1", "enter"}, true}, {[]string{"esc", "/"}, false}, {[]string{"3"}, false}} {
		m = press(t, m, tt.keys...)
		got := footer(m)
		if ansi.StringWidth(got) > 40 || strings.HasSuffix(got, "…") || strings.Contains(got, "? help") != tt.help {
			t.Errorf("after %v the footer at 40 columns is %q", tt.keys, got)
		}
	}
}
