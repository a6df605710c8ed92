package list

import (
	"bytes"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"charm.land/lipgloss/v2"
	"github.com/junegunn/fzf/src/algo"
)

// Highlight styles the filter terms in s with match and the rest with base,
// for RenderFuncs. A term is found case-insensitively as a substring (every
// occurrence); where it is not a substring but its runes occur in order, that
// subsequence is highlighted instead, accents ignored, as the fuzzy filter
// matched it. s must be plain text; base and match should set only colours
// and attributes, so the width stays that of s.
func Highlight(s string, terms []string, base, match lipgloss.Style) string {
	if len(terms) == 0 || s == "" {
		return base.Render(s)
	}
	if isASCII(s) && allASCII(terms) {
		return highlightASCII(s, terms, base, match)
	}
	return highlightRunes(s, terms, base, match)
}

func highlightRunes(s string, terms []string, base, match lipgloss.Style) string {
	// Fold rune by rune, not with strings.ToLower, so that positions in the
	// folded text are positions in s.
	text := []rune(s)
	folded := lowerRunes(text)
	marked := make([]bool, len(text))
	for _, t := range terms {
		term := lowerRunes([]rune(t))
		if len(term) > 0 && !markSubstrings(folded, term, marked) {
			markSubsequence(algo.NormalizeRunes(folded), algo.NormalizeRunes(term), marked)
		}
	}

	var b strings.Builder
	for start := 0; start < len(text); {
		end := start + 1
		for end < len(text) && marked[end] == marked[start] {
			end++
		}
		style := base
		if marked[start] {
			style = match
		}
		b.WriteString(style.Render(string(text[start:end])))
		start = end
	}
	return b.String()
}

// highlightASCII is Highlight for ASCII text and terms, which most cells
// are: bytes are runes and lower-case in place, so it needs no conversions,
// and a cell without a match is one write.
func highlightASCII(s string, terms []string, base, match lipgloss.Style) string {
	var lowerBuf [256]byte
	var markBuf [256]bool
	lower, marked := lowerBuf[:0], markBuf[:0]
	if len(s) > len(markBuf) {
		marked = make([]bool, 0, len(s))
	}
	lower = appendLowerASCII(lower, s)
	marked = marked[:len(s)]
	hit := false
	for _, t := range terms {
		if t == "" {
			continue
		}
		var tb [64]byte
		term := appendLowerASCII(tb[:0], t)
		found := markSubstringsASCII(lower, term, marked)
		if !found {
			found = markSubsequenceASCII(lower, term, marked)
		}
		hit = hit || found
	}
	if !hit {
		return base.Render(s)
	}
	var b strings.Builder
	b.Grow(len(s) + 64)
	for start := 0; start < len(s); {
		end := start + 1
		for end < len(s) && marked[end] == marked[start] {
			end++
		}
		style := base
		if marked[start] {
			style = match
		}
		b.WriteString(style.Render(s[start:end]))
		start = end
	}
	return b.String()
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

func allASCII(ss []string) bool {
	for _, s := range ss {
		if !isASCII(s) {
			return false
		}
	}
	return true
}

func appendLowerASCII(dst []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		dst = append(dst, c)
	}
	return dst
}

// markSubstringsASCII is markSubstrings over bytes.
func markSubstringsASCII(text, term []byte, marked []bool) bool {
	found := false
	for i := 0; ; {
		j := bytes.Index(text[i:], term)
		if j < 0 {
			return found
		}
		i += j
		for k := range term {
			marked[i+k] = true
		}
		found = true
		i += len(term)
	}
}

// markSubsequenceASCII is markSubsequence over bytes; it reports whether
// it marked anything.
func markSubsequenceASCII(text, term []byte, marked []bool) bool {
	var atBuf [64]int
	at := atBuf[:0]
	for i := 0; i < len(text) && len(at) < len(term); i++ {
		if text[i] == term[len(at)] {
			at = append(at, i)
		}
	}
	if len(at) < len(term) {
		return false
	}
	for _, i := range at {
		marked[i] = true
	}
	return true
}

func lowerRunes(rs []rune) []rune {
	out := make([]rune, len(rs))
	for i, r := range rs {
		out[i] = unicode.ToLower(r)
	}
	return out
}

// markSubstrings marks every occurrence of term in text and reports whether
// there was one.
func markSubstrings(text, term []rune, marked []bool) bool {
	found := false
	for i := 0; i+len(term) <= len(text); {
		if !slices.Equal(text[i:i+len(term)], term) {
			i++
			continue
		}
		for j := range term {
			marked[i+j] = true
		}
		found = true
		i += len(term)
	}
	return found
}

// markSubsequence marks the first in-order occurrence of term's runes in
// text, if all of them occur.
func markSubsequence(text, term []rune, marked []bool) {
	at := make([]int, 0, len(term))
	for i := 0; i < len(text) && len(at) < len(term); i++ {
		if text[i] == term[len(at)] {
			at = append(at, i)
		}
	}
	if len(at) < len(term) {
		return
	}
	for _, i := range at {
		marked[i] = true
	}
}
