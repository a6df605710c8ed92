package list

import (
	"runtime"
	"slices"
	"sync"
	"unsafe"
)

// corpus is the searchable form of the items of one SetRows call. Nothing
// changes it after it is built but recent and notes, which have their own
// locks, so filter commands may read it from other goroutines while the
// model moves on.
//
// Texts live in one arena rather than 100k small slices: building it
// allocates once, at its size, and the garbage collector has no pointers to
// follow in it.
type corpus struct {
	// fold is every FilterText lower-cased, and with accents removed as fzf
	// normalizes them: what the substring pass and the fuzzy pass (which runs
	// with fzf's normalization) both search, with the item's suffix.
	fold []byte
	// foldAt[i] is where item i starts; one more entry marks the end.
	foldAt []int32
	// suffix[i] is the index in suffixes of item i's FilterSuffix (see
	// Suffixed), or -1; nil when no item has one. A suffix is folded once
	// for all the items that share it.
	suffix   []int32
	suffixes []suffix
	// pairs is a 256-bit Bloom filter per item of the byte pairs in its
	// fold text and suffix. A word whose pairs are not all there is not a substring:
	// one AND per item rules out most of them before any scan, which matters
	// because bytes.Index costs a call per occurrence of the word's first
	// byte, and letters like "m" occur five times in a lead.
	pairs []pairSet
	// sig has a bit per byte class in each fold text, the same idea for the
	// fuzzy pass: every byte of a fuzzy word must occur.
	sig []uint64
	// freq counts the bytes of a sample of the fold texts: how common each
	// is, so that the fuzzy pass starts from a word's rarest rune.
	freq [256]uint32
	// recent holds the last results over these items.
	recent recentResults
	// notes holds the notes of the last substring results.
	notes noteStore
	// scratch holds the parts of the last searches, for the next.
	scratch matchBufs
}

// release lets go of what serves typing on alone, the notes and the
// searches' scratch, and returns how many rows' notes it let go of.
func (c *corpus) release() int {
	c.scratch.release()
	return c.notes.release()
}

// recentResults remembers the last few results, so that erasing a letter,
// or typing a query again, is answered at once: the query was asked before,
// over the same items. Results are never changed, so they may be shared.
type recentResults struct {
	mu      sync.Mutex
	results []result // oldest first
}

// recentMax bounds what recentResults holds: results, and rows in all (in
// items of the corpus), so that a big list keeps a few broad results only.
const recentMax, recentRows = 16, 2

func (r *recentResults) get(words []string) (result, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, res := range r.results {
		if slices.Equal(res.words, words) {
			return res, true
		}
	}
	return result{}, false
}

func (r *recentResults) put(res result, items int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.results = append(r.results, res)
	held := 0
	for _, res := range r.results {
		held += len(res.rows) + len(res.near)
	}
	for len(r.results) > recentMax || held > recentRows*items && len(r.results) > 1 {
		held -= len(r.results[0].rows) + len(r.results[0].near)
		r.results = slices.Delete(r.results, 0, 1)
	}
}

type pairSet [4]uint64

// newCorpus builds the corpus of items. prev is the corpus of prevItems, the
// items shown so far: the tail of the list whose texts did not change is
// copied from it rather than folded again, so a reload that merges new leads
// in at the top costs little more than a copy.
//
// The arena is allocated once, at its size: the fresh texts are measured
// first, then folded into their places, each pass in parallel parts. A
// corpus built in parts and joined would allocate its texts twice.
func newCorpus(items []Item, prev *corpus, prevItems []Item) *corpus {
	same := 0
	var bufA, bufB []byte
	for same < len(items) && same < len(prevItems) &&
		sameText(items[len(items)-1-same], prevItems[len(prevItems)-1-same], &bufA, &bufB) {
		same++
	}
	fresh, n := len(items)-same, len(items)
	from := 0 // where the copied tail starts in prev
	if same > 0 {
		from = prev.len() - same
	}
	c := &corpus{foldAt: make([]int32, n+1), pairs: make([]pairSet, n), sig: make([]uint64, n)}
	c.indexSuffixes(items, fresh, prev, from)
	parallel(fresh, func(lo, hi int) struct{} {
		var buf []byte
		for i := lo; i < hi; i++ {
			c.foldAt[i+1] = int32(foldedLen(filterText(items[i], &buf)))
		}
		return struct{}{}
	})
	for k := range same {
		c.foldAt[fresh+k+1] = prev.foldAt[from+k+1] - prev.foldAt[from+k]
	}
	for i := range n {
		c.foldAt[i+1] += c.foldAt[i]
	}
	c.fold = make([]byte, c.foldAt[n])
	parallel(fresh, func(lo, hi int) struct{} {
		var buf []byte
		for i := lo; i < hi; i++ {
			// Capped at its place: a text folded longer than measured could
			// only reallocate, never spill into the next.
			at, end := c.foldAt[i], c.foldAt[i+1]
			fold := appendFolded(c.fold[at:at:end], filterText(items[i], &buf))
			c.pairs[i], c.sig[i] = pairsAndSignature(fold)
			if k := c.suffixOf(i); k >= 0 {
				c.pairs[i], c.sig[i] = c.pairs[i].union(c.suffixes[k].pairs), c.sig[i]|c.suffixes[k].sig
				if len(fold) > 0 { // the pair across the space that joins them
					c.pairs[i].add(fold[len(fold)-1], ' ')
				}
			}
		}
		return struct{}{}
	})
	if same > 0 {
		copy(c.fold[c.foldAt[fresh]:], prev.fold[prev.foldAt[from]:prev.foldAt[prev.len()]])
		copy(c.pairs[fresh:], prev.pairs[from:])
		copy(c.sig[fresh:], prev.sig[from:])
	}
	c.countBytes()
	return c
}

// suffix is a FilterSuffix, folded once for every item that has it.
type suffix struct {
	text  string // as given
	fold  []byte // " " and the text folded: what follows an item's own
	pairs pairSet
	sig   uint64
}

func newSuffix(text string) suffix {
	s := suffix{text: text, fold: appendFolded([]byte{' '}, text)}
	s.pairs, s.sig = pairsAndSignature(s.fold)
	return s
}

// indexSuffixes finds the suffix of each fresh item (the first fresh of
// items), folding each new one once. The tail copied from prev, from its
// item from on, keeps its indices: prev's suffixes come first.
func (c *corpus) indexSuffixes(items []Item, fresh int, prev *corpus, from int) {
	none := func() { // no suffix yet: every entry -1
		c.suffix = make([]int32, len(items))
		for j := range c.suffix {
			c.suffix[j] = -1
		}
	}
	if fresh < len(items) && prev.suffix != nil {
		c.suffixes = slices.Clone(prev.suffixes) // prev may be in use elsewhere
		none()
		copy(c.suffix[fresh:], prev.suffix[from:])
	}
	var index map[string]int32
	for i, it := range items[:fresh] {
		s, ok := it.(Suffixed)
		if !ok {
			continue
		}
		if c.suffix == nil {
			none()
		}
		if index == nil {
			index = make(map[string]int32, len(c.suffixes))
			for k, s := range c.suffixes {
				index[s.text] = int32(k)
			}
		}
		text := s.FilterSuffix()
		k, ok := index[text]
		if !ok {
			k = int32(len(c.suffixes))
			c.suffixes = append(c.suffixes, newSuffix(text))
			index[text] = k
		}
		c.suffix[i] = k
	}
}

// suffixOf is the index of item i's suffix, or -1.
func (c *corpus) suffixOf(i int) int {
	if c.suffix == nil {
		return -1
	}
	return int(c.suffix[i])
}

// sameText reports whether a and b are searched as the same text; bufA and
// bufB are the caller's scratch.
func sameText(a, b Item, bufA, bufB *[]byte) bool {
	as, aok := a.(Suffixed)
	bs, bok := b.(Suffixed)
	return filterText(a, bufA) == filterText(b, bufB) && aok == bok && (!aok || as.FilterSuffix() == bs.FilterSuffix())
}

// filterText is the item's FilterText. An Appender's is written into *buf, the
// caller's scratch, and read in place: the string is valid only until *buf
// is written again, so it must not be kept (foldedLen, appendFolded and a
// comparison do not keep it). No copy per item per index is the point.
func filterText(it Item, buf *[]byte) string {
	a, ok := it.(Appender)
	if !ok {
		return it.FilterText()
	}
	*buf = a.AppendFilterText((*buf)[:0])
	return unsafe.String(unsafe.SliceData(*buf), len(*buf))
}

// freqSample is how many texts countBytes reads: enough to rank letters,
// few enough to cost nothing beside the rest of a load.
const freqSample = 4096

func (c *corpus) countBytes() {
	c.freq = [256]uint32{}
	step := max(c.len()/freqSample, 1)
	var buf []byte
	for i := 0; i < c.len(); i += step {
		for _, b := range c.text(i, &buf) {
			c.freq[b]++
		}
	}
}

func (c *corpus) len() int { return len(c.sig) }

// text is item i's folded text, its suffix included: its own text in the
// arena, or, for an item with a suffix, the two joined in *buf (scratch of
// the caller's, reused).
func (c *corpus) text(i int, buf *[]byte) []byte {
	own := c.fold[c.foldAt[i]:c.foldAt[i+1]]
	k := c.suffixOf(i)
	if k < 0 {
		return own
	}
	*buf = append(append((*buf)[:0], own...), c.suffixes[k].fold...)
	return *buf
}

// parallelMin is the number of items below which a search stays on one
// goroutine: starting more costs more than it saves.
const parallelMin = 8192

// parallel searches n items split into one contiguous part per CPU and
// returns the parts' results in order. The filter runs in a tea.Cmd, off the
// update loop; this is how it meets its budget at 100k items, as fzf does.
func parallel[T any](n int, search func(lo, hi int) T) []T {
	if n < parallelMin {
		return []T{search(0, n)}
	}
	parts := runtime.GOMAXPROCS(0)
	found := make([]T, parts)
	var wg sync.WaitGroup
	for p := range parts {
		wg.Go(func() { found[p] = search(n*p/parts, n*(p+1)/parts) })
	}
	wg.Wait()
	return found
}
