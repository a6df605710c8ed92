package list

import (
	"runtime"
	"slices"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/junegunn/fzf/src/algo"
)

// corpus is the searchable form of the items of one SetItems call. Nothing
// changes it after it is built but recent, which has its own lock, so filter
// commands may read it from other goroutines while the model moves on.
//
// Texts live in two arenas rather than 100k small slices: building them
// allocates a handful of times, and the garbage collector has no pointers to
// follow in them.
type corpus struct {
	// lower is every FilterText lower-cased, for the substring pass.
	lower []byte
	// fold is lower with accents removed as fzf normalizes them, for the
	// fuzzy pass, which runs with fzf's normalization.
	fold []byte
	// lowerAt[i] and foldAt[i] are where item i starts; one more entry marks
	// the end.
	lowerAt, foldAt []int32
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
// copied from it rather than lowered again, so a reload that merges new leads
// in at the top costs little more than a copy.
func newCorpus(items []Item, prev *corpus, prevItems []Item) *corpus {
	same := 0
	for same < len(items) && same < len(prevItems) &&
		items[len(items)-1-same].FilterText() == prevItems[len(prevItems)-1-same].FilterText() {
		same++
	}
	fresh := items[:len(items)-same]
	parts := parallel(len(fresh), func(lo, hi int) *corpus {
		return buildCorpus(fresh[lo:hi])
	})
	if same > 0 {
		parts = append(parts, prev.tail(prev.len()-same))
	}
	c := joinCorpora(parts)
	c.countBytes()
	return c
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

func buildCorpus(items []Item) *corpus {
	texts := make([]string, len(items))
	size := 0
	for i, it := range items {
		texts[i] = it.FilterText()
		size += len(texts[i])
	}
	c := &corpus{
		lower:   make([]byte, 0, size),
		fold:    make([]byte, 0, size),
		lowerAt: make([]int32, 0, len(items)+1),
		foldAt:  make([]int32, 0, len(items)+1),
		pairs:   make([]pairSet, len(items)),
		sig:     make([]uint64, len(items)),
	}
	for i, t := range texts {
		c.lowerAt = append(c.lowerAt, int32(len(c.lower)))
		c.foldAt = append(c.foldAt, int32(len(c.fold)))
		c.lower, c.fold = appendFolded(c.lower, c.fold, t)
		c.pairs[i] = pairsOf(c.fold[c.foldAt[i]:])
		c.sig[i] = signature(c.fold[c.foldAt[i]:])
	}
	c.lowerAt = append(c.lowerAt, int32(len(c.lower)))
	c.foldAt = append(c.foldAt, int32(len(c.fold)))
	return c
}

// tail is c from item i on, sharing c's memory; its offsets still point
// into c's arenas.
func (c *corpus) tail(i int) *corpus {
	return &corpus{
		lower: c.lower, fold: c.fold,
		lowerAt: c.lowerAt[i:], foldAt: c.foldAt[i:],
		pairs: c.pairs[i:], sig: c.sig[i:],
	}
}

// joinCorpora concatenates parts into one corpus, in order.
func joinCorpora(parts []*corpus) *corpus {
	if len(parts) == 1 && parts[0].lowerAt[0] == 0 {
		return parts[0] // a whole corpus: nothing to move
	}
	c := &corpus{}
	for _, p := range parts {
		n := p.len()
		c.lowerAt = appendShifted(c.lowerAt, p.lowerAt[:n], int32(len(c.lower))-p.lowerAt[0])
		c.foldAt = appendShifted(c.foldAt, p.foldAt[:n], int32(len(c.fold))-p.foldAt[0])
		c.lower = append(c.lower, p.lower[p.lowerAt[0]:p.lowerAt[n]]...)
		c.fold = append(c.fold, p.fold[p.foldAt[0]:p.foldAt[n]]...)
		c.pairs = append(c.pairs, p.pairs...)
		c.sig = append(c.sig, p.sig...)
	}
	c.lowerAt = append(c.lowerAt, int32(len(c.lower)))
	c.foldAt = append(c.foldAt, int32(len(c.fold)))
	return c
}

func appendShifted(dst, offsets []int32, by int32) []int32 {
	for _, o := range offsets {
		dst = append(dst, o+by)
	}
	return dst
}

func (c *corpus) len() int { return len(c.sig) }

func (c *corpus) lowerText(i int) []byte { return c.lower[c.lowerAt[i]:c.lowerAt[i+1]] }
func (c *corpus) foldText(i int) []byte  { return c.fold[c.foldAt[i]:c.foldAt[i+1]] }

// appendFolded appends s lower-cased to lower and, accents removed too, to
// fold. It lower-cases rune by rune as strings.ToLower does, so queries
// lower-cased with that match; ASCII, most of a lead, takes a short cut.
func appendFolded(lower, fold []byte, s string) ([]byte, []byte) {
	for i := 0; i < len(s); {
		if b := s[i]; b < utf8.RuneSelf {
			if 'A' <= b && b <= 'Z' {
				b += 'a' - 'A'
			}
			lower, fold = append(lower, b), append(fold, b)
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		r = unicode.ToLower(r)
		lower = utf8.AppendRune(lower, r)
		fold = utf8.AppendRune(fold, normalize(r))
	}
	return lower, fold
}

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
