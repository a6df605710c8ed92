package transcript

import (
	"strings"

	"github.com/neotui/neotui/internal/safetext"
)

// keepSGR returns s with every escape sequence removed but SGR (ESC [ params
// m: colours and text attributes), and every control character but newline
// and tab. glamour wraps each link in an OSC 8 hyperlink and would pass on
// whatever the sanitizer let through; the link's target stays visible as
// text, so dropping the hyperlink loses nothing. The text between SGR
// sequences goes through safetext.Clean, the one sanitizer, which drops any
// other sequence with its payload.
func keepSGR(s string) string {
	if strings.IndexByte(s, 0x1b) < 0 {
		return safetext.Clean(s)
	}
	var b strings.Builder
	b.Grow(len(s))
	start := 0 // start of the text not yet written
	for i := 0; i < len(s); {
		j := strings.IndexByte(s[i:], 0x1b)
		if j < 0 {
			break
		}
		i += j
		n := sgrLen(s[i:])
		if n == 0 {
			i++
			continue
		}
		b.WriteString(safetext.Clean(s[start:i]))
		b.WriteString(s[i : i+n])
		i += n
		start = i
	}
	b.WriteString(safetext.Clean(s[start:]))
	return b.String()
}

// sgrLen returns the length of the SGR sequence s starts with, or 0.
func sgrLen(s string) int {
	if len(s) < 3 || s[0] != 0x1b || s[1] != '[' {
		return 0
	}
	for i := 2; i < len(s); i++ {
		switch c := s[i]; {
		case c == 'm':
			return i + 1
		case '0' <= c && c <= '9', c == ';', c == ':':
		default:
			return 0
		}
	}
	return 0
}

// Reverse video marks a match: it reads on any background and in any
// colour, and turning it off leaves the text's own colours alone.
const (
	markOn  = "\x1b[7m"
	markOff = "\x1b[27m"
)

// highlight marks every case-insensitive occurrence of term in line, whose
// only escape sequences are SGR.
func highlight(line, term string) string {
	var vis strings.Builder // the visible text
	for i := 0; i < len(line); {
		if n := sgrLen(line[i:]); n > 0 {
			i += n
			continue
		}
		vis.WriteByte(line[i])
		i++
	}
	matches := safetext.IndexFoldAll(vis.String(), term)
	if len(matches) == 0 {
		return line
	}
	var b strings.Builder
	b.Grow(len(line) + len(matches)*(len(markOn)+len(markOff)))
	pos, in := 0, false // position in the visible text; inside a match
	for i := 0; i < len(line); {
		if n := sgrLen(line[i:]); n > 0 {
			b.WriteString(line[i : i+n])
			if in {
				b.WriteString(markOn) // the text's own SGR may have reset it
			}
			i += n
			continue
		}
		if !in && len(matches) > 0 && pos == matches[0][0] {
			b.WriteString(markOn)
			in = true
		}
		b.WriteByte(line[i])
		i++
		pos++
		if in && pos == matches[0][1] {
			b.WriteString(markOff)
			in = false
			matches = matches[1:]
		}
	}
	return b.String()
}
