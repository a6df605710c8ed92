package list

import (
	"testing"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"
)

var widthSeeds = []string{
	"", "plain ascii", "María García · 佐藤陽菜 …", "▌● ★ Lead", "e\u0301", "1\ufe0f\u20e3", "#\ufe0f",
	"a\u200db", "🇪🇸 flag", "👩‍💻 coder", "x\u0e33", "\x1b[1;38;2;1;2;3mbold\x1b[m text", "\x1b]8;;http://x\x07link\x1b]8;;\x07",
	"tab\there", "new\nline", "\x1b[", "\x1b[12", "\x1b[1;2", "é\x1b[m\u0301", "\u0600a", "ｆｕｌｌ", "한국어",
	"\x7f", "\x00", "\xff\xfe", "\x1b[ 0A", "\x1b[?25h", "ひらがな\u3099", "a\U0001f3fb",
}

// TestWidthIsStringWidth: Width answers as ansi.StringWidth does, on styled
// rows and on the corner cases of grapheme clusters.
func TestWidthIsStringWidth(t *testing.T) {
	styled := lipgloss.NewStyle().Bold(true).Foreground(lipgloss.Color("#ff8800")).Underline(true)
	for _, s := range append(widthSeeds, styled.Render("Marta Sánchez"), Highlight("martinez 佐藤 x", []string{"mart", "佐"}, lipgloss.NewStyle(), styled)) {
		if got, want := Width(s), ansi.StringWidth(s); got != want {
			t.Errorf("Width(%q) = %d, ansi.StringWidth says %d", s, got, want)
		}
	}
}

func FuzzWidth(f *testing.F) {
	for _, s := range widthSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := Width(s), ansi.StringWidth(s); got != want {
			t.Errorf("Width(%q) = %d, ansi.StringWidth says %d", s, got, want)
		}
	})
}
