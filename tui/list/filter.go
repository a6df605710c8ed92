package list

import (
	"bytes"
	"cmp"
	"slices"
	"strings"
	"sync"
	"unicode/utf8"
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
	rows  []int32
	fuzzy bool
	// notes is, for a substring result whose last word is longer than a
	// byte, the generation in corpus.notes of what follows that word in
	// each row's fold text: a keystroke typing on at the end of the word
	// looks there first (see typedOn). 0: none.
	notes uint64
	// near is, for a fuzzy result, every item that the query can match
	// with its last word typed on up to nearTo runes (see nearSpan); 0: no
	// near computed.
	near   []int32
	nearTo int
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
// prev's rows, so only those are searched. Otherwise (a letter erased) the
// query may be one asked lately, and c.recent answers it.
func (c *corpus) filter(words []string, prev result) result {
	if len(prev.words) == 0 || !narrows(prev.words, words) {
		if r, ok := c.recent.get(words); ok {
			return r
		}
	}
	r := c.search(words, prev)
	c.recent.put(r, c.len())
	return r
}

// search is filter without the recent results.
func (c *corpus) search(words []string, prev result) result {
	var scope []int32 // nil: all items
	if len(prev.words) > 0 && narrows(prev.words, words) {
		added := runesTyped(prev.words, words)
		switch {
		case prev.fuzzy && added > 0 && utf8.RuneCountInString(words[len(words)-1]) <= prev.nearTo:
			// prev had no substring hit anywhere, so words have none either;
			// its last word typed on matches only items near prev's.
			return c.fuzzyFallback(words, prev.near, prev.nearTo)
		case prev.fuzzy:
			// The fuzzy pass searches everything: a longer word may lie
			// wider apart (maxSpan), so "jsmith" finds what "js" did not.
			return c.fuzzyFallback(words, nil, 0)
		case len(prev.rows) == 0:
			return result{words: words} // exact words alone, matching nothing
		case added > 0:
			if r, ok := c.typedOn(words, prev); ok {
				if len(r.rows) > 0 {
					return r
				}
				return c.fuzzyFallback(words, nil, 0)
			}
		}
		scope = prev.rows
	}
	if r := c.substring(words, scope, true); len(r.rows) > 0 {
		return r
	}
	// The fuzzy fallback searches everything: fuzzy hits need not be among
	// prev's substring hits.
	return c.fuzzyFallback(words, nil, 0)
}

// runesTyped returns how many runes next adds at the end of prev's last
// word, the words being otherwise the same: how a query grows as it is
// typed. 0 for any other change.
func runesTyped(prev, next []string) int {
	n := len(next)
	if n == 0 || len(prev) != n || !slices.Equal(prev[:n-1], next[:n-1]) {
		return 0
	}
	tail, ok := strings.CutPrefix(next[n-1], prev[n-1])
	if !ok {
		return 0
	}
	return utf8.RuneCountInString(tail)
}

// fuzzyFallback fuzzy-matches words over scope (all when nil). Words with a
// colon (status:won, is:starred) are exact: an item must hold them as
// typed, and the fallback loosens only the others. A query of exact words
// alone that matched nothing matches nothing. The result's near reaches
// nearTo runes: scope's, when scope is a near; else nearAhead runes past
// the last word.
func (c *corpus) fuzzyFallback(words []string, scope []int32, nearTo int) result {
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
		if scope = c.substring(exact, scope, false).rows; len(scope) == 0 {
			return result{words: words, fuzzy: true}
		}
	}
	// near holds for the last loose word, which is what typing on extends
	// unless the query ends with an exact word.
	if strings.Contains(words[len(words)-1], ":") {
		nearTo = 0
	} else if nearTo == 0 {
		nearTo = utf8.RuneCountInString(loose[len(loose)-1]) + nearAhead
	}
	rows, near := c.fuzzy(loose, scope, nearTo)
	return result{words: words, rows: rows, fuzzy: true, near: near, nearTo: nearTo}
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

// matches are one part's substring hits: item indices, and what follows
// the query's last word in each. Parts come from their corpus's matchBufs
// and go back once joined, so that a keystroke allocates its result and
// little else, however many items it searches.
type matches struct {
	rows []int32
	next []follow
	text []byte // scratch for corpus.text
	span int    // how many rows the part searches: the most it can match
}

// matchBufs keeps a corpus's parts from one search to the next while its
// filter is typed, and lets them go with the notes (see corpus.release).
// A sync.Pool would keep them past the collection that follows, as long
// as the notes themselves.
type matchBufs struct {
	mu   sync.Mutex
	free []*matches
}

// get returns an empty part for a search of span rows.
func (b *matchBufs) get(span int) *matches {
	b.mu.Lock()
	defer b.mu.Unlock()
	n := len(b.free)
	if n == 0 {
		return &matches{span: span}
	}
	m := b.free[n-1]
	b.free = b.free[:n-1]
	m.rows, m.next, m.span = m.rows[:0], m.next[:0], span
	return m
}

func (b *matchBufs) put(m *matches) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.free = append(b.free, m)
}

func (b *matchBufs) release() {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.free = nil
}

// add adds a row and its note.
func (m *matches) add(row int, next follow) {
	m.addRow(row)
	m.next = grow(m.next, m.span)
	m.next = append(m.next, next)
}

// addRow adds a row without a note.
func (m *matches) addRow(row int) {
	m.rows = grow(m.rows, m.span)
	m.rows = append(m.rows, int32(row))
}

// grow makes room in a full s for as many again, at least matchChunk, but
// no more than span, the most a part can match. append grows a big slice
// by a quarter at a time: a part's 50k matches then cost five times their
// size in allocations (13 MB for a second letter over 100k conversations),
// which the heap, and RSS, keep. Doubling alone left a part that matched
// most of its 50k rows room for 65k, kept from one search to the next.
func grow[T any](s []T, span int) []T {
	if len(s) < cap(s) {
		return s
	}
	t := make([]T, len(s), min(len(s)+max(len(s), matchChunk), max(span, len(s)+1)))
	copy(t, s)
	return t
}

// matchChunk is the least a part's matches grow by.
const matchChunk = 1024

// joinMatches puts the parts together into a result of words, keeps their
// notes in notes unless it is nil (the caller holds its lock), and returns
// the parts to bufs. Each part's rows are copied by a goroutine of its
// own: they are fresh memory, whose pages the kernel maps on first touch,
// and so the cores share the faults.
func joinMatches(words []string, parts []*matches, notes *noteStore, bufs *matchBufs) result {
	n := 0
	for _, p := range parts {
		n += len(p.rows)
	}
	r := result{words: words, rows: make([]int32, n)}
	if notes != nil {
		r.notes = notes.put(parts)
	}
	var wg sync.WaitGroup
	at := 0
	for k, p := range parts {
		if k == len(parts)-1 || n < parallelMin {
			copy(r.rows[at:], p.rows) // the last part, or all of them, here
		} else {
			to := at
			wg.Go(func() { copy(r.rows[to:], p.rows) })
		}
		at += len(p.rows)
	}
	wg.Wait()
	for _, p := range parts {
		bufs.put(p)
	}
	return r
}

// substring returns, in list order, the items of scope (all when nil) that
// contain every word, with notes on the last word's occurrences if noting
// (see typedOn). Both sides are compared without accents, so "garcia"
// finds García and "garcía" Garcia: visitors and operators type both.
func (c *corpus) substring(words []string, scope []int32, noting bool) result {
	needles := make([][]byte, len(words))
	var need pairSet
	for i, w := range words {
		needles[i] = appendFolded(nil, w)
		need = need.union(pairsOf(needles[i]))
	}
	// The last word is searched last, for where it occurs; the others
	// longest first: the likeliest to rule an item out.
	others, last := needles[:len(needles)-1], needles[len(needles)-1]
	slices.SortStableFunc(others, func(a, b []byte) int { return cmp.Compare(len(b), len(a)) })
	// A letter occurs a dozen times in a row: noting its occurrences would
	// cost a one-letter query more than typing on saves, and the next
	// letter's search notes what follows two.
	noting = noting && len(last) > 1
	sig, bySig := exactSignature(needles)
	parts := parallel(scopeLen(c, scope), func(lo, hi int) *matches {
		m := c.scratch.get(hi - lo)
		if bySig { // the texts need not be read, nor their notes taken
			for j := lo; j < hi; j++ {
				if i := at(scope, j); c.sig[i]&sig == sig {
					m.addRow(i)
				}
			}
			return m
		}
	items:
		for j := lo; j < hi; j++ {
			i := at(scope, j)
			if !c.pairs[i].contains(need) {
				continue
			}
			text := c.text(i, &m.text)
			for _, n := range others {
				if !bytes.Contains(text, n) {
					continue items
				}
			}
			from := bytes.Index(text, last)
			if from < 0 {
				continue
			}
			if noting {
				m.add(i, followOf(text, from, last))
			} else {
				m.addRow(i)
			}
		}
		return m
	})
	if !noting {
		return joinMatches(words, parts, nil, &c.scratch)
	}
	c.notes.mu.Lock()
	defer c.notes.mu.Unlock()
	return joinMatches(words, parts, &c.notes, &c.scratch)
}

// exactSignature returns the signature of words if each is one letter or
// digit: sigBits gives each of those a bit of its own, so a text holds
// them all exactly when its signature has theirs. The first letter typed
// at 1M items is then answered without reading 140 MB of texts.
func exactSignature(words [][]byte) (sig uint64, ok bool) {
	for _, w := range words {
		if len(w) != 1 || sigBits[w[0]] >= 1<<36 { // bits 0-35: letters and digits
			return 0, false
		}
		sig |= sigBits[w[0]]
	}
	return sig, true
}

// scopeLen and at address scope, or all items when it is nil.
func scopeLen(c *corpus, scope []int32) int {
	if scope == nil {
		return c.len()
	}
	return len(scope)
}

func at(scope []int32, j int) int {
	if scope == nil {
		return j
	}
	return int(scope[j])
}
