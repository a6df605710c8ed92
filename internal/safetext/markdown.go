package safetext

import "strings"

// Markdown is Clean for text that a Markdown renderer such as glamour will
// read: it also removes the HTML character references that would decode to
// something Clean removes.
//
// glamour passes text, code spans and HTML through Go's html.UnescapeString,
// so a visitor's "&#27;" becomes a live ESC and "&#x202e;" a bidi override
// after Clean has looked. Removed are numeric references (decimal or hex, with
// or without the closing ';') whose value is a C0 control other than newline
// and tab, DEL, a C1 control or a bidi control, and the named references &lrm;
// and &rlm; — the only entries of the HTML5 entity table (html and goldmark
// alike) that decode to something Clean removes. The value is computed as
// html.UnescapeString does, in 32 bits that wrap, so "&#4294967323;" is ESC
// too. Everything else is kept byte for byte: "&amp;", "&lt;" and "&#233;"
// still read as &, < and é.
func Markdown(s string) string {
	s = Clean(s)
	if !strings.Contains(s, "&#") && !strings.Contains(s, "&lrm;") && !strings.Contains(s, "&rlm;") {
		return s // nothing to remove, and no removal to join text into a new reference
	}
	g := refGuard{
		out:  make([]byte, 0, len(s)),
		from: make([]int32, 0, len(s)),
		val:  make([]int32, 0, len(s)),
	}
	for i := 0; i < len(s); i++ {
		g.write(s[i])
	}
	g.finish()
	if !g.dropped {
		return s
	}
	return string(g.out)
}

// refGuard removes dangerous character references from text written to it one
// byte at a time. Removing a reference joins the text on either side, which
// can spell a new one ("&#&#27;27;"), so it judges what it has written, not
// what it was given. For each byte written it remembers where the reference
// candidate ending there starts and its value so far, so that after a removal
// the candidate it uncovers is known without rescanning: the whole pass is
// linear however the references nest.
type refGuard struct {
	out     []byte
	from    []int32 // from[i]: index in out of the '&' starting the candidate out[:i+1] ends in, or -1
	val     []int32 // val[i]: that candidate's numeric value so far
	dropped bool
}

// write appends c, first removing the candidate that c ends if it is dangerous.
func (g *refGuard) write(c byte) {
	for {
		a, ok := g.tail()
		if !ok || extends(g.out[a:], c) || !g.dangerous(c == ';') {
			break
		}
		g.truncate(a)
		if c == ';' {
			return // the reference's own terminator goes with it
		}
	}
	from, val := int32(-1), int32(0)
	if c == '&' {
		from = int32(len(g.out))
	} else if a, ok := g.tail(); ok && extends(g.out[a:], c) {
		from, val = int32(a), next(g.out[a:], g.val[len(g.val)-1], c)
	}
	g.out = append(g.out, c)
	g.from = append(g.from, from)
	g.val = append(g.val, val)
}

// finish removes a dangerous candidate left open at the end of the text.
func (g *refGuard) finish() {
	for {
		a, ok := g.tail()
		if !ok || !g.dangerous(false) {
			return
		}
		g.truncate(a)
	}
}

// tail returns the start of the candidate the written text ends in.
func (g *refGuard) tail() (int, bool) {
	if len(g.from) == 0 || g.from[len(g.from)-1] < 0 {
		return 0, false
	}
	return int(g.from[len(g.from)-1]), true
}

func (g *refGuard) truncate(a int) {
	g.out, g.from, g.val = g.out[:a], g.from[:a], g.val[:a]
	g.dropped = true
}

// dangerous reports whether the candidate the written text ends in, closed
// now (by ';' if semicolon), decodes to something Clean removes.
func (g *refGuard) dangerous(semicolon bool) bool {
	a, _ := g.tail()
	ref := g.out[a:]
	v := g.val[len(g.val)-1]
	switch {
	case len(ref) < 3: // "&", "&#", or a one-letter name
		return false
	case ref[1] != '#':
		name := string(ref[1:])
		return semicolon && (name == "lrm" || name == "rlm")
	case ref[2] == 'x' || ref[2] == 'X':
		return len(ref) > 3 && dropValue(v)
	}
	return dropValue(v)
}

// extends reports whether c continues the reference candidate ref ("&",
// "&#", "&#x", "&#" digits, "&#x" hex digits, or "&" and a name), following
// how html.UnescapeString reads one.
func extends(ref []byte, c byte) bool {
	switch {
	case len(ref) == 1:
		return c == '#' || isAlnum(c)
	case ref[1] != '#':
		return isAlnum(c)
	case len(ref) == 2:
		return c == 'x' || c == 'X' || isDigit(c)
	case ref[2] == 'x' || ref[2] == 'X':
		return isHex(c)
	}
	return isDigit(c)
}

// next returns the value of candidate ref once extended by c. Like
// html.UnescapeString it accumulates in an int32 and lets it wrap.
func next(ref []byte, v int32, c byte) int32 {
	switch {
	case len(ref) < 2 || ref[1] != '#' || len(ref) == 2 && !isDigit(c):
		return 0 // a name, "&#", or the x of "&#x"
	case len(ref) > 2 && (ref[2] == 'x' || ref[2] == 'X'):
		return 16*v + hexValue(c)
	}
	return 10*v + int32(c-'0')
}

// dropValue reports whether the character a reference to v decodes to is one
// that Clean removes. html.UnescapeString turns 0 and out-of-range values into
// U+FFFD and most of 0x80–0x9F into Windows-1252 letters; those are removed
// anyway, as another decoder would not be so kind.
func dropValue(v int32) bool {
	switch {
	case v <= 0 || v > 0x10ffff:
		return false
	case v < 0x80:
		return !keepASCII(byte(v), false)
	}
	return dropRune(v)
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

func isHex(c byte) bool { return isDigit(c) || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F' }

func isAlnum(c byte) bool { return isDigit(c) || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' }

func hexValue(c byte) int32 {
	switch {
	case isDigit(c):
		return int32(c - '0')
	case 'a' <= c && c <= 'f':
		return int32(c-'a') + 10
	}
	return int32(c-'A') + 10
}
