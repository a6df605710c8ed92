package list

import (
	"bytes"
	"cmp"
	"slices"
	"strings"
)

// parseQuery splits what was typed into the lower-cased words that must all
// match. An empty result means no filter.
func parseQuery(s string) []string {
	return strings.Fields(strings.ToLower(s))
}

// result is one filter outcome. rows are item indices in display order: list
// order for substring hits, best score first for fuzzy ones.
type result struct {
	words []string
	rows  []int
	fuzzy bool
}

// filteredMsg carries a result computed in a tea.Cmd. seq ties it to the
// request; the model drops it unless it is the newest one.
type filteredMsg struct {
	list int // the Model's id: an app has several lists
	seq  int
	result
}

// filter returns the items matching every word. prev is the result shown
// before this keystroke: when words only narrow it, every match is among
// prev's rows, so only those are searched.
func (c *corpus) filter(words []string, prev result) result {
	var scope []int // nil: all items
	if len(prev.words) > 0 && narrows(prev.words, words) {
		switch {
		case prev.fuzzy:
			// prev had no substring hit anywhere, so words have none either.
			// The fuzzy pass searches everything: a longer word may lie
			// wider apart (maxSpan), so "jsmith" finds what "js" did not.
			return c.fuzzyFallback(words, nil)
		case len(prev.rows) == 0:
			return result{words: words} // exact words alone, matching nothing
		}
		scope = prev.rows
	}
	if rows := c.substring(words, scope); len(rows) > 0 {
		return result{words: words, rows: rows}
	}
	// The fuzzy fallback searches everything: fuzzy hits need not be among
	// prev's substring hits.
	return c.fuzzyFallback(words, nil)
}

// fuzzyFallback fuzzy-matches words over scope (all when nil). Words with a
// colon (status:won, is:starred) are exact: an item must hold them as
// typed, and the fallback loosens only the others. A query of exact words
// alone that matched nothing matches nothing.
func (c *corpus) fuzzyFallback(words []string, scope []int) result {
	var exact, loose []string
	for _, w := range words {
		if strings.Contains(w, ":") {
			exact = append(exact, w)
		} else {
			loose = append(loose, w)
		}
	}
	if len(loose) == 0 {
		return result{words: words}
	}
	if len(exact) > 0 {
		if scope = c.substring(exact, scope); len(scope) == 0 {
			return result{words: words, fuzzy: true}
		}
	}
	return result{words: words, rows: c.fuzzy(loose, scope), fuzzy: true}
}

// narrows reports whether every item matching next also matches prev: it
// does when each word of prev is a substring of some word of next ("mar" →
// "mari", "mar" → "mar ana"). That holds for the fuzzy pass too, since a
// substring is also a subsequence.
func narrows(prev, next []string) bool {
	for _, p := range prev {
		if !slices.ContainsFunc(next, func(n string) bool { return strings.Contains(n, p) }) {
			return false
		}
	}
	return true
}

// substring returns, in list order, the items of scope (all when nil) that
// contain every word. Both sides are compared without accents, so "garcia"
// finds García and "garcía" Garcia: visitors and operators type both.
func (c *corpus) substring(words []string, scope []int) []int {
	needles := make([][]byte, len(words))
	var need pairSet
	for i, w := range words {
		_, needles[i] = appendFolded(nil, nil, w)
		need = need.union(pairsOf(needles[i]))
	}
	// Longest first: it is the likeliest to rule an item out.
	slices.SortFunc(needles, func(a, b []byte) int { return cmp.Compare(len(b), len(a)) })
	return parallel(scopeLen(c, scope), func(lo, hi int) []int {
		var rows []int
	items:
		for j := lo; j < hi; j++ {
			i := at(scope, j)
			if !c.pairs[i].contains(need) {
				continue
			}
			for _, n := range needles {
				if !bytes.Contains(c.foldText(i), n) {
					continue items
				}
			}
			rows = append(rows, i)
		}
		return rows
	})
}

// scopeLen and at address scope, or all items when it is nil.
func scopeLen(c *corpus, scope []int) int {
	if scope == nil {
		return c.len()
	}
	return len(scope)
}

func at(scope []int, j int) int {
	if scope == nil {
		return j
	}
	return scope[j]
}
