package list

import (
	"runtime"
	"slices"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/junegunn/fzf/src/algo"
)

// corpus is the searchable form of the items of one SetRows call. Nothing
// changes it after it is built but recent, which has its own lock, so filter
// commands may read it from other goroutines while the model moves on.
//
// Texts live in one arena rather than 100k small slices: building it
// allocates once, at its size, and the garbage collector has no pointers to
// follow in it.
type corpus struct {
	// fold is every FilterText lower-cased, and with accents removed as fzf
	// normalizes them: what the substring pass and the fuzzy pass (which runs
	// with fzf's normalization) both search.
	fold []byte
	// foldAt[i] is where item i starts; one more entry marks the end.
	foldAt []int32
	// pairs is a 256-bit Bloom filter per item of the byte pairs in its
	// fold text. A word whose pairs are not all there is not a substring:
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
	for same < len(items) && same < len(prevItems) &&
		sameText(items[len(items)-1-same], prevItems[len(prevItems)-1-same]) {
		same++
	}
	fresh, n := len(items)-same, len(items)
	c := &corpus{foldAt: make([]int32, n+1), pairs: make([]pairSet, n), sig: make([]uint64, n)}
	parallel(fresh, func(lo, hi int) struct{} {
		for i := lo; i < hi; i++ {
			text, suffix, ok := filterText(items[i])
			n := foldedLen(text)
			if ok {
				n += 1 + foldedLen(suffix)
			}
			c.foldAt[i+1] = int32(n)
		}
		return struct{}{}
	})
	from := 0 // where the copied tail starts in prev
	if same > 0 {
		from = prev.len() - same
		for k := range same {
			c.foldAt[fresh+k+1] = prev.foldAt[from+k+1] - prev.foldAt[from+k]
		}
	}
	for i := range n {
		c.foldAt[i+1] += c.foldAt[i]
	}
	c.fold = make([]byte, c.foldAt[n])
	parallel(fresh, func(lo, hi int) struct{} {
		for i := lo; i < hi; i++ {
			// Capped at its place: a text folded longer than measured could
			// only reallocate, never spill into the next.
			at, end := c.foldAt[i], c.foldAt[i+1]
			text, suffix, ok := filterText(items[i])
			fold := appendFolded(c.fold[at:at:end], text)
			if ok {
				fold = appendFolded(append(fold, ' '), suffix)
			}
			c.pairs[i], c.sig[i] = pairsAndSignature(fold)
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

// filterText is what the filter searches of it: its FilterText, and its
// FilterSuffix after a space when ok.
func filterText(it Item) (text, suffix string, ok bool) {
	if s, ok := it.(Suffixed); ok {
		return s.FilterText(), s.FilterSuffix(), true
	}
	return it.FilterText(), "", false
}

// sameText reports whether a and b are searched as the same text.
func sameText(a, b Item) bool {
	at, as, aok := filterText(a)
	bt, bs, bok := filterText(b)
	return at == bt && as == bs && aok == bok
}

// freqSample is how many texts countBytes reads: enough to rank letters,
// few enough to cost nothing beside the rest of a load.
const freqSample = 4096

func (c *corpus) countBytes() {
	c.freq = [256]uint32{}
	step := max(c.len()/freqSample, 1)
	for i := 0; i < c.len(); i += step {
		for _, b := range c.foldText(i) {
			c.freq[b]++
		}
	}
}

func (c *corpus) len() int { return len(c.sig) }

func (c *corpus) foldText(i int) []byte { return c.fold[c.foldAt[i]:c.foldAt[i+1]] }

// appendFolded appends s folded: lower-cased rune by rune as strings.ToLower
// does, so queries lower-cased with that match, and accents removed (see
// normalize). Runs of ASCII, most of a text, are copied and lowered whole.
func appendFolded(fold []byte, s string) []byte {
	for i := 0; i < len(s); {
		if n := asciiRun(s[i:]); n > 0 {
			at := len(fold)
			fold = append(fold, s[i:i+n]...)
			for k, b := range fold[at:] {
				fold[at+k] = asciiLower[b]
			}
			i += n
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		fold = utf8.AppendRune(fold, foldRune(r))
	}
	return fold
}

// foldedLen is the length of s folded, as appendFolded folds it.
func foldedLen(s string) int {
	n := 0
	for i := 0; i < len(s); {
		if a := asciiRun(s[i:]); a > 0 {
			n += a
			i += a
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		n += utf8.RuneLen(foldRune(r))
	}
	return n
}

func foldRune(r rune) rune { return normalize(unicode.ToLower(r)) }

// asciiRun is how many bytes at the start of s are ASCII, read eight at a
// time.
func asciiRun(s string) int {
	i := 0
	for ; i+8 <= len(s); i += 8 {
		w := uint64(s[i]) | uint64(s[i+1])<<8 | uint64(s[i+2])<<16 | uint64(s[i+3])<<24 |
			uint64(s[i+4])<<32 | uint64(s[i+5])<<40 | uint64(s[i+6])<<48 | uint64(s[i+7])<<56
		if w&0x8080808080808080 != 0 {
			break
		}
	}
	for i < len(s) && s[i] < utf8.RuneSelf {
		i++
	}
	return i
}

// asciiLower lowers an ASCII byte.
var asciiLower = func() (t [utf8.RuneSelf]byte) {
	for b := range t {
		t[b] = byte(b)
		if 'A' <= b && b <= 'Z' {
			t[b] += 'a' - 'A'
		}
	}
	return t
}()

// normalize removes an accent as fzf does (é → e, ñ → n). fzf exports the
// mapping only for slices, so it is taken once into a table.
func normalize(r rune) rune {
	if r < normFirst || r > normLast {
		return r
	}
	return normTable()[r-normFirst]
}

// The range fzf normalizes.
const normFirst, normLast = 0x00C0, 0xFF61

var normTable = sync.OnceValue(func() []rune {
	all := make([]rune, normLast-normFirst+1)
	for i := range all {
		all[i] = normFirst + rune(i)
	}
	return algo.NormalizeRunes(all)
})

func pairsOf(b []byte) pairSet {
	var s pairSet
	for i := 1; i < len(b); i++ {
		h := pairHash(b[i-1], b[i])
		s[h>>6] |= 1 << (h & 63)
	}
	return s
}

// pairsAndSignature is pairsOf and signature of b, in one pass.
func pairsAndSignature(b []byte) (pairSet, uint64) {
	var s pairSet
	var sig uint64
	prev := byte(0)
	for i, c := range b {
		sig |= sigBits[c]
		if i > 0 {
			h := pairHash(prev, c)
			s[h>>6] |= 1 << (h & 63)
		}
		prev = c
	}
	return s, sig
}

// pairHash spreads a byte pair over 0..255: the top byte of a
// multiplicative hash.
func pairHash(a, b byte) uint32 {
	return (uint32(a)<<8 | uint32(b)) * 0x9E3779B1 >> 24
}

func (s pairSet) contains(t pairSet) bool {
	return s[0]&t[0] == t[0] && s[1]&t[1] == t[1] && s[2]&t[2] == t[2] && s[3]&t[3] == t[3]
}

func (s pairSet) union(t pairSet) pairSet {
	return pairSet{s[0] | t[0], s[1] | t[1], s[2] | t[2], s[3] | t[3]}
}

// signature sets a bit per byte class present in b: see sigBits.
func signature(b []byte) uint64 {
	var s uint64
	for _, c := range b {
		s |= sigBits[c]
	}
	return s
}

const nonASCII = 1 << 63

// sigBits maps a byte to its signature bit: b-'a' for letters, 26+b-'0'
// for digits, so distinct letters and digits never share one, and 36+b%27
// for any other byte; bytes of multi-byte runes also set bit 63.
var sigBits = func() (bits [256]uint64) {
	for c := range 256 {
		switch {
		case 'a' <= c && c <= 'z':
			bits[c] = 1 << (c - 'a')
		case '0' <= c && c <= '9':
			bits[c] = 1 << (26 + c - '0')
		default:
			bits[c] = 1 << (36 + c%27)
		}
		if c >= utf8.RuneSelf {
			bits[c] |= nonASCII
		}
	}
	return bits
}()

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
