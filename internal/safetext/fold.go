package safetext

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// IndexFold returns the byte index in s of the first occurrence of sub
// under Unicode simple case folding (the equality of strings.EqualFold), or
// -1. An empty sub is at 0, as with strings.Index.
func IndexFold(s, sub string) int {
	start, _ := indexFold(s, sub)
	return start
}

// IndexFoldAll returns the byte ranges [start, end) in s of the
// non-overlapping occurrences of sub under simple case folding, first to
// last; none for an empty sub. A range may be longer or shorter than sub:
// runes that fold together need not have the same length in UTF-8 (the
// Kelvin sign K is 3 bytes, k is 1).
func IndexFoldAll(s, sub string) [][2]int {
	if sub == "" {
		return nil
	}
	var out [][2]int
	for off := 0; off < len(s); {
		start, end := indexFold(s[off:], sub)
		if start < 0 {
			break
		}
		out = append(out, [2]int{off + start, off + end})
		off += end
	}
	return out
}

// indexFold is IndexFold with where the match ends, or -1, -1. It compares
// rune by rune in s itself: searching case-mapped copies would give offsets
// that do not line up with s.
func indexFold(s, sub string) (start, end int) {
	if sub == "" {
		return 0, 0
	}
	for i := 0; i < len(s); {
		if n, ok := hasPrefixFold(s[i:], sub); ok {
			return i, i + n
		}
		_, n := utf8.DecodeRuneInString(s[i:])
		i += n
	}
	return -1, -1
}

// hasPrefixFold reports whether s starts with prefix under simple case
// folding, and how many bytes of s that prefix takes.
func hasPrefixFold(s, prefix string) (int, bool) {
	n := 0
	for _, p := range prefix {
		r, size := utf8.DecodeRuneInString(s[n:])
		if size == 0 || !equalFold(r, p) {
			return 0, false
		}
		n += size
	}
	return n, true
}

// equalFold reports whether a and b are in one simple case folding orbit
// (k, K and the Kelvin sign K; σ, ς and Σ). Unlike comparing ToLower or
// ToUpper, it does not make İ or ı equal to i.
func equalFold(a, b rune) bool {
	if a == b {
		return true
	}
	for f := unicode.SimpleFold(a); f != a; f = unicode.SimpleFold(f) {
		if f == b {
			return true
		}
	}
	return false
}

// Snippet is text from a little before the first word of query on (at most
// before bytes, starting at a word), "…" in front when it is cut, so that a
// match shows even in a narrow column; text itself when the word is near
// its start or absent.
func Snippet(text, query string, before int) string {
	words := strings.Fields(query)
	if len(words) == 0 {
		return text
	}
	i := IndexFold(text, words[0])
	if i <= before {
		return text
	}
	start := i - before
	for start < i && !utf8.RuneStart(text[start]) {
		start++
	}
	if sp := strings.IndexByte(text[start:i], ' '); sp >= 0 {
		start += sp + 1
	}
	return "…" + text[start:]
}
