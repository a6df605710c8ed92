package list

import (
	"slices"
	"strings"
	"unicode"

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
