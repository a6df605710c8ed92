package list

import (
	"bytes"
	"cmp"
	"slices"
	"sync"
	"unicode/utf8"

	"github.com/junegunn/fzf/src/algo"
	"github.com/junegunn/fzf/src/util"
)

// The fuzzy pass: fzf's FuzzyMatchV2, case-insensitive and normalized (é
// matches e), run when no item holds the query words as substrings.

// fzf's scoring tables are globals filled by algo.Init; fzf's own main calls
// it, a library user must.
var initFzf = sync.OnceFunc(func() { algo.Init("default") })

// fzf's default slab sizes: FuzzyMatchV2 falls back to the greedy V1 when
// len(text)×len(word) exceeds the 16-bit slab.
const slab16Size, slab32Size = 100 * 1024, 2048

// fuzzyQuery is the query words prepared for the fuzzy pass.
type fuzzyQuery struct {
	words []fuzzyWord
	need  uint64 // signature bits a matching fold text must have
}

type fuzzyWord struct {
	runes []rune   // lower-cased and normalized, as FuzzyMatchV2 expects
	enc   [][]byte // each rune UTF-8 encoded, to find it in fold texts
}

func newFuzzyQuery(words []string) fuzzyQuery {
	initFzf()
	q := fuzzyQuery{words: make([]fuzzyWord, len(words))}
	for i, w := range words {
		fw := &q.words[i]
		fw.runes = algo.NormalizeRunes([]rune(w))
		for _, r := range fw.runes {
			e := utf8.AppendRune(nil, r)
			fw.enc = append(fw.enc, e)
			q.need |= signature(e) &^ nonASCII
		}
	}
	return q
}

// hit is an item the fuzzy pass matched, with its total score.
type hit struct{ row, score int }

// fuzzy returns the items of scope (all when nil) that fuzzy-match every
// word, best total score first, ties in list order.
func (c *corpus) fuzzy(words []string, scope []int) []int {
	q := newFuzzyQuery(words)
	hits := parallel(scopeLen(c, scope), func(lo, hi int) []hit {
		var s scorer
		var hits []hit
		for j := lo; j < hi; j++ {
			i := at(scope, j)
			if score, ok := c.score(i, q, &s); ok {
				hits = append(hits, hit{i, score})
			}
		}
		return hits
	})
	// A total order, so that searching prev's score-ordered rows gives the
	// same result as searching everything.
	slices.SortFunc(hits, func(a, b hit) int {
		if a.score != b.score {
			return cmp.Compare(b.score, a.score)
		}
		return cmp.Compare(a.row, b.row)
	})
	rows := make([]int, len(hits))
	for i, h := range hits {
		rows[i] = h.row
	}
	return rows
}

// scorer is one goroutine's scratch space for FuzzyMatchV2.
type scorer struct {
	slab  *util.Slab
	runes []rune
}

// score returns item i's total score over the words of q, or false if one of
// them does not match. Cheap checks come first: most items lack a byte of the
// query or its runes in order, and never reach fzf.
func (c *corpus) score(i int, q fuzzyQuery, s *scorer) (int, bool) {
	if c.sig[i]&q.need != q.need {
		return 0, false
	}
	if s.slab == nil {
		s.slab = util.MakeSlab(slab16Size, slab32Size)
	}
	text := c.foldText(i)
	total := 0
	for _, fw := range q.words {
		if !fw.fitsSpan(text) {
			return 0, false
		}
		from, to := fw.window(text)
		var chars util.Chars
		if c.sig[i]&nonASCII == 0 {
			chars = util.ToChars(text[from:to])
		} else {
			s.runes = appendRunes(s.runes[:0], text[from:to])
			chars = util.RunesToChars(s.runes)
		}
		// fold is lower-cased and normalized already, so fzf need not do
		// either again per rune.
		r, _ := algo.FuzzyMatchV2(true, false, true, &chars, fw.runes, false, s.slab)
		if r.Start < 0 || r.End-r.Start > maxSpan(len(fw.runes)) {
			return 0, false
		}
		total += r.Score
	}
	return total, true
}

// maxSpan is how far apart a fuzzy word's letters may lie: "jsm" finds
// "John Smith" and "mrtnz" Martínez, but "mallory" does not find an m, an
// a, two l's… strewn across a stranger's name, email and page.
func maxSpan(runes int) int { return 3*runes + 3 }

// window returns the span of text, which holds the word's runes in order,
// that fzf would score: from one rune before the first occurrence of its
// first rune (whose class decides that rune's word-boundary bonus) to the end
// of the last occurrence of its last rune. fzf narrows ASCII texts the same way;
// doing it for every text keeps long non-ASCII ones from costing the full
// O(text×word) table.
func (fw fuzzyWord) window(text []byte) (lo, hi int) {
	first := bytes.Index(text, fw.enc[0])
	last := fw.enc[len(fw.enc)-1]
	hi = bytes.LastIndex(text, last) + len(last)
	_, size := utf8.DecodeLastRune(text[:first])
	return first - size, hi
}

// fitsSpan reports whether the word's runes occur in order within
// maxSpan runes somewhere in text. fzf's match spans at least the shortest
// such stretch, so when there is none, fzf's match is too wide and need not
// be computed: most texts holding "j", "s" and "m" in order hold them far
// apart.
func (fw fuzzyWord) fitsSpan(text []byte) bool {
	limit := maxSpan(len(fw.enc))
	first := fw.enc[0]
	for p := 0; ; {
		i := bytes.Index(text[p:], first)
		if i < 0 {
			return false
		}
		p += i
		// The shortest match starting at p: each next rune at its first
		// occurrence, all within limit runes, which take at most
		// limit×utf8.UTFMax bytes.
		end := min(len(text), p+limit*utf8.UTFMax)
		pos := p + len(first)
		ok := true
		for _, e := range fw.enc[1:] {
			j := bytes.Index(text[pos:end], e)
			if j < 0 {
				ok = false
				break
			}
			pos += j + len(e)
		}
		if ok && (pos-p <= limit || utf8.RuneCount(text[p:pos]) <= limit) {
			return true
		}
		p += len(first)
	}
}

func appendRunes(dst []rune, b []byte) []rune {
	for len(b) > 0 {
		r, size := utf8.DecodeRune(b)
		dst = append(dst, r)
		b = b[size:]
	}
	return dst
}
