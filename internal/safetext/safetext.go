// Package safetext makes untrusted text safe to print to a terminal.
//
// Names, emails and messages are typed by anonymous website visitors. Printed
// raw, an escape sequence in them could set the operator's clipboard (OSC 52),
// plant a hyperlink (OSC 8), retitle the window or redraw the screen; a bidi
// override could make text read differently from what it is. Every string on
// its way to the screen goes through Clean or Line.
//
// Only the absence of ESC, C0/C1 controls and bidi controls in the output makes
// it safe; how a malformed sequence is parsed only decides how much of the
// surrounding text survives.
package safetext

import (
	"strings"
	"unicode/utf8"
)

// Clean returns s without escape sequences (and their payloads), control
// characters other than newline and tab, and bidi controls; invalid UTF-8
// becomes U+FFFD. It returns s itself, without allocating, when s is clean.
func Clean(s string) string { return clean(s, false) }

// Line is Clean for a one-line context such as a table cell or status line:
// each newline and tab also becomes one space.
func Line(s string) string { return clean(s, true) }

// Introducers, as runes. The C1 ones are what a terminal decoding UTF-8 sees as
// the 8-bit forms of ESC [, ESC ], ESC P and so on.
const (
	esc  = 0x1b
	bel  = 0x07
	csi  = 0x9b
	osc  = 0x9d
	dcs  = 0x90
	sos  = 0x98
	pm   = 0x9e
	apc  = 0x9f
	c1lo = 0x80
	c1hi = 0x9f
)

// clean scans s once and returns it untouched when nothing must go, which is
// the common case: it runs on every visible string, every frame.
func clean(s string, oneLine bool) string {
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if keepASCII(c, oneLine) {
				i++
				continue
			}
			return rebuild(s, i, oneLine)
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && n == 1 || dropRune(r) {
			return rebuild(s, i, oneLine)
		}
		i += n
	}
	return s
}

// keepASCII reports whether the ASCII byte c passes through unchanged.
func keepASCII(c byte, oneLine bool) bool {
	if c >= 0x20 && c != 0x7f {
		return true
	}
	return !oneLine && (c == '\n' || c == '\t')
}

// dropRune reports whether a valid non-ASCII rune must not reach the terminal.
func dropRune(r rune) bool {
	switch {
	case r >= c1lo && r <= c1hi:
		return true
	case r >= 0x202a && r <= 0x202e, // LRE, RLE, PDF, LRO, RLO
		r >= 0x2066 && r <= 0x2069, // LRI, RLI, FSI, PDI
		r == 0x200e, r == 0x200f,   // LRM, RLM
		r == 0x061c: // ALM
		return true
	}
	return false
}

// rebuild copies the clean prefix s[:i] and cleans the rest of s. A
// sequence that moved the cursor or wrote elsewhere, removed from between two
// words, leaves one space: "one\x1b[2Atwo" read as two words on screen, and
// reads so here. A colour (SGR) only styled the text and leaves nothing.
func rebuild(s string, i int, oneLine bool) string {
	var b strings.Builder
	b.Grow(len(s))
	b.WriteString(s[:i])
	gap := false // a removed sequence wants a space before the next word
	for i < len(s) {
		c := s[i]
		start := i
		if c < utf8.RuneSelf {
			switch {
			case c == esc:
				i = skipEscape(s, i+1)
				gap = gap || separates(s, start, i)
				continue
			case keepASCII(c, oneLine):
				writeGap(&b, &gap, c)
				b.WriteByte(c)
			case oneLine && (c == '\n' || c == '\t' || c == '\r'):
				if c != '\r' || !strings.HasPrefix(s[i+1:], "\n") {
					b.WriteByte(' ')
					gap = false
				}
			case c == '\r' && !strings.HasPrefix(s[i+1:], "\n"):
				// A lone CR would make a terminal overwrite the line; as text
				// it separates, so it becomes a line break, not nothing.
				b.WriteByte('\n')
				gap = false
			}
			// Any other control, including the \r of a \r\n, is dropped.
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && n == 1:
			writeGap(&b, &gap, 'x')
			b.WriteRune(utf8.RuneError)
		case r == csi:
			i = skipCSI(s, i+n)
			gap = gap || separates(s, start, i)
			continue
		case r == osc, r == dcs, r == sos, r == pm, r == apc:
			i = skipString(s, i+n)
			gap = gap || separates(s, start, i)
			continue
		case dropRune(r):
			// dropped
		default:
			writeGap(&b, &gap, 'x')
			b.WriteString(s[i : i+n])
		}
		i += n
	}
	return b.String()
}

// separates reports whether the sequence s[start:end], removed, stood
// between two words on screen: it moved the cursor or erased (CSI A–H, J, K,
// X, `, a, d, e, f; ESC D, E, M, 8), and text that is no space comes before
// it — the text after it is checked by writeGap. Colours, titles, links and
// the like drew nothing between the words and leave nothing.
func separates(s string, start, end int) bool {
	if start == 0 || end <= start || !moves(s[start:end]) {
		return false
	}
	prev := s[start-1]
	return prev != ' ' && prev != '\n' && prev != '\t' && prev != '\r' && prev >= 0x20 && prev != 0x7f
}

// moves reports whether the escape sequence seq moves the cursor or erases.
func moves(seq string) bool {
	final := seq[len(seq)-1]
	switch {
	case strings.HasPrefix(seq, "\x1b[") || strings.HasPrefix(seq, "\u009b"):
		return len(seq) > 2 && strings.IndexByte("ABCDEFGHJKX`adef", final) >= 0
	case len(seq) == 2 && seq[0] == esc:
		return strings.IndexByte("DEM8", final) >= 0
	}
	return false
}

// writeGap writes the space a removed sequence left, when c, the next byte
// kept, starts a word.
func writeGap(b *strings.Builder, gap *bool, c byte) {
	if *gap && c != ' ' && c != '\n' && c != '\t' && b.Len() > 0 {
		b.WriteByte(' ')
	}
	*gap = false
}

// skipEscape returns the index just past the escape sequence whose ESC ends
// right before s[i].
func skipEscape(s string, i int) int {
	if i >= len(s) {
		return i
	}
	switch s[i] {
	case '[':
		return skipCSI(s, i+1)
	case ']', 'P', 'X', '^', '_': // OSC, DCS, SOS, PM, APC
		return skipString(s, i+1)
	}
	// ESC, intermediates, one final byte: ESC 7, ESC ( B, ESC # 8…
	for i < len(s) && s[i] >= 0x20 && s[i] <= 0x2f {
		i++
	}
	if i < len(s) && s[i] >= 0x30 && s[i] <= 0x7e {
		i++
	}
	return i
}

// skipCSI returns the index just past a control sequence's parameters,
// intermediates and final byte, starting right after its introducer. A
// sequence broken by any other byte ends there; that byte is then cleaned on
// its own.
func skipCSI(s string, i int) int {
	for i < len(s) && s[i] >= 0x20 && s[i] <= 0x3f {
		i++
	}
	if i < len(s) && s[i] >= 0x40 && s[i] <= 0x7e {
		i++
	}
	return i
}

// skipString returns the index just past a control string (OSC, DCS, SOS, PM,
// APC) starting right after its introducer: past BEL, ESC \ or U+009C, or the
// end of s when unterminated. Any other ESC also ends the string, as it does in
// terminals, and is left to start the next sequence, so one unterminated OSC
// does not swallow all the text after a later, complete sequence.
func skipString(s string, i int) int {
	for ; i < len(s); i++ {
		switch s[i] {
		case bel:
			return i + 1
		case esc:
			if i+1 < len(s) && s[i+1] == '\\' {
				return i + 2
			}
			return i
		case 0xc2: // lead byte of U+009C (ST), which is C2 9C in UTF-8
			if i+1 < len(s) && s[i+1] == 0x9c {
				return i + 2
			}
		}
	}
	return i
}
