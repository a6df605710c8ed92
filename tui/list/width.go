package list

import (
	"unicode/utf8"

	"github.com/charmbracelet/x/ansi"
)

// Width is ansi.StringWidth(s), the cells s takes on screen, without its
// cost on what rows are made of. StringWidth segments every character into
// grapheme clusters (tens of nanoseconds each), and a frame measures each of
// its lines a few times over; Width counts printable ASCII and skips SGR
// sequences itself, and leaves clusters to ansi: non-ASCII ones, and any
// string it does not fully understand, which it measures as StringWidth does.
func Width(s string) int {
	w := 0
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c >= 0x20 && c < 0x7f:
			// A following combining mark or variation selector may make
			// the letter wider (a keycap emoji): ansi decides those.
			if i+1 < len(s) && s[i+1] >= utf8.RuneSelf && extends(s[i+1:]) {
				return ansi.StringWidth(s)
			}
			w++
			i++
		case c >= utf8.RuneSelf:
			if r, size := utf8.DecodeRuneInString(s[i:]); r == utf8.RuneError && size == 1 {
				return ansi.StringWidth(s) // not UTF-8: the parser has its own view of it
			}
			cluster, cw := ansi.FirstGraphemeCluster(s[i:], ansi.GraphemeWidth)
			w += cw
			i += len(cluster)
		case c == 0x1b && i+1 < len(s) && s[i+1] == '[':
			// A CSI sequence: parameter and intermediate bytes, then a final
			// byte; SGR is all rows use.
			j := i + 2
			for j < len(s) && s[j] >= 0x30 && s[j] < 0x40 {
				j++
			}
			for j < len(s) && s[j] >= 0x20 && s[j] < 0x30 {
				j++
			}
			if j == len(s) || s[j] < 0x40 || s[j] > 0x7e {
				return ansi.StringWidth(s)
			}
			i = j + 1
		default:
			return ansi.StringWidth(s)
		}
	}
	return w
}

// extends reports whether the rune s starts with might join the cluster
// before it (a mark, a joiner, a variation selector, a spacing mark): any
// rune outside a few ranges known to hold none of those.
func extends(s string) bool {
	r, _ := utf8.DecodeRuneInString(s)
	switch {
	case r < 0x300: // Latin-1, Latin Extended, IPA, modifier letters
	case 0x2010 <= r && r <= 0x2027: // dashes, quotes, bullets, ellipsis
	case 0x2030 <= r && r <= 0x205e: // per mille, primes, more punctuation
	case 0x2100 <= r && r <= 0x27bf: // symbols, arrows, box drawing, shapes, dingbats
	case 0x4e00 <= r && r <= 0x9fff: // CJK ideographs
	case 0xac00 <= r && r <= 0xd7a3: // Hangul syllables
	case 0xff01 <= r && r <= 0xff60: // full-width forms
	default:
		return true
	}
	return false
}
