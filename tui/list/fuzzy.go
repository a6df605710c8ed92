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
	// near is how wide the last word's shortest span may be in an item
	// near a match (see nearSpan); 0: no near asked.
	near int
}

type fuzzyWord struct {
	runes []rune   // lower-cased and normalized, as FuzzyMatchV2 expects
	enc   [][]byte // each rune UTF-8 encoded, to find it in fold texts
	// anchor is the index of the word's rarest rune in the corpus: fitsSpan
	// looks for the word around each of its occurrences.
	anchor int
}

// fuzzyQuery prepares words for the fuzzy pass over c, with the near of
// the last word typed on up to nearTo runes (none when 0).
func (c *corpus) fuzzyQuery(words []string, nearTo int) fuzzyQuery {
	initFzf()
	q := fuzzyQuery{words: make([]fuzzyWord, len(words))}
	for i, w := range words {
		fw := &q.words[i]
		fw.runes = algo.NormalizeRunes([]rune(w))
		for k, r := range fw.runes {
			e := utf8.AppendRune(nil, r)
			fw.enc = append(fw.enc, e)
			q.need |= signature(e) &^ nonASCII
			if c.freq[e[0]] < c.freq[fw.enc[fw.anchor][0]] {
				fw.anchor = k
			}
		}
		// Searching back from the anchor costs more than forward from the
		// first rune: worth it only for a rune much rarer than the first.
		if 3*c.freq[fw.enc[fw.anchor][0]] > c.freq[fw.enc[0][0]] {
			fw.anchor = 0
		}
	}
	if last := len(q.words[len(q.words)-1].runes); nearTo > last {
		q.near = nearSpan(last, nearTo)
	}
	return q
}

// hit is an item the fuzzy pass matched, with its total score.
type hit struct{ row, score int }

// fuzzyPart is what one part of the fuzzy pass found. Parts are reused,
// as matches are.
type fuzzyPart struct {
	hits []hit
	near []int32
}

var fuzzyBufs = sync.Pool{New: func() any { return new(fuzzyPart) }}

// fuzzy returns the items of scope (all when nil) that fuzzy-match every
// word, best total score first, ties in list order; and those near a match
// with the last word typed on up to nearTo runes (see score), in list order.
func (c *corpus) fuzzy(words []string, scope []int32, nearTo int) (rows, near []int32) {
	q := c.fuzzyQuery(words, nearTo)
	parts := parallel(scopeLen(c, scope), func(lo, hi int) *fuzzyPart {
		s := scorers.Get().(*scorer)
		defer scorers.Put(s)
		p := fuzzyBufs.Get().(*fuzzyPart)
		p.hits, p.near = p.hits[:0], p.near[:0]
		for j := lo; j < hi; j++ {
			i := at(scope, j)
			score, isHit, isNear := c.score(i, q, s)
			if isNear {
				p.near = append(p.near, int32(i))
			}
			if isHit {
				p.hits = append(p.hits, hit{i, score})
			}
		}
		return p
	})
	var nh, nn int
	for _, p := range parts {
		nh, nn = nh+len(p.hits), nn+len(p.near)
	}
	hits, near := make([]hit, 0, nh), make([]int32, 0, nn)
	for _, p := range parts {
		hits = append(hits, p.hits...)
		near = append(near, p.near...)
		fuzzyBufs.Put(p)
	}
	// A total order, so that searching prev's score-ordered rows gives the
	// same result as searching everything.
	slices.SortFunc(hits, func(a, b hit) int {
		if a.score != b.score {
			return cmp.Compare(b.score, a.score)
		}
		return cmp.Compare(a.row, b.row)
	})
	rows = make([]int32, len(hits))
	for i, h := range hits {
		rows[i] = int32(h.row)
	}
	return rows, near
}

// scorer is one goroutine's scratch space for FuzzyMatchV2, kept in
// scorers between keystrokes: its slab alone is 200 KB.
type scorer struct {
	slab  *util.Slab
	runes []rune
	text  []byte // scratch for corpus.text
}

var scorers = sync.Pool{New: func() any { return new(scorer) }}

// score returns item i's total score over the words of q, and whether all
// of them match. near reports that the item matches every word but the last,
// and the last within q.near: a query whose last word is typed on (as far
// as q.near reaches) can match no other item, so its search looks at these
// alone. Cheap checks come first: most items lack a byte of the query or
// its runes in order, and never reach fzf.
func (c *corpus) score(i int, q fuzzyQuery, s *scorer) (score int, hit, near bool) {
	if c.sig[i]&q.need != q.need {
		return 0, false, false
	}
	if s.slab == nil {
		s.slab = util.MakeSlab(slab16Size, slab32Size)
	}
	text := c.text(i, &s.text)
	last := len(q.words) - 1
	for k, fw := range q.words {
		limit, loose := maxSpan(len(fw.runes)), maxSpan(len(fw.runes))
		if k == last {
			loose = max(loose, q.near)
		}
		span := fw.shortestSpan(text, limit, loose)
		if span < 0 {
			return 0, false, false
		}
		if span > limit {
			return 0, false, true // k is last: only near
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
		if r.Start < 0 || r.End-r.Start > limit {
			return 0, false, k == last
		}
		score += r.Score
	}
	return score, true, true
}

// maxSpan is how far apart a fuzzy word's letters may lie: "jsm" finds
// "John Smith" and "mrtnz" Martínez, but "mallory" does not find an m, an
// a, two l's… strewn across a stranger's name, email and page.
func maxSpan(runes int) int { return 3*runes + 3 }

// nearAhead is how many runes past a word typed its near reaches when the
// fuzzy pass searches everything: the letters of a word typed on after its
// first fuzzy one are searched among the near items until it is longer.
const nearAhead = 4

// nearSpan is how wide the shortest span of a word of n runes may be in an
// item that the word typed on up to `to` runes can match: a word of m runes
// spans at most maxSpan(m), its first n at least m-n fewer. The widest is
// for m = to, since maxSpan grows faster than a rune a rune. It is what
// makes near monotone: what is near for a word one rune longer, reaching as
// far, spans at least a rune fewer without it, so it is near for the word:
// typing on within nearTo finds, among prev's near, all that everything
// holds. A near for one rune ahead only (maxSpan(n+1)-1) is not: the
// letters of "abcd" fit in "axxxxxxxxxxxbcd", those of "ab" too wide apart
// to be near.
func nearSpan(n, to int) int { return maxSpan(to) - (to - n) }

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

// shortestSpan returns the width in runes of the shortest stretch of text
// holding the word's runes in order, if it is at most loose runes, else -1;
// it stops at the first stretch of at most limit runes. fzf's match spans at
// least the shortest such stretch, so when it is wider than maxSpan, fzf's
// match is too wide and need not be computed: most texts holding "j", "s"
// and "m" in order hold them far apart.
//
// Every such stretch holds the anchor rune, so the search starts from each
// occurrence of it: the runes before it at their last occurrences before
// it, those after at their first after it, make the shortest stretch around
// that occurrence. A rare anchor ("z" of "mrtnz") makes a few searches per
// text where the first rune ("m") would make dozens.
func (fw fuzzyWord) shortestSpan(text []byte, limit, loose int) int {
	reach := loose * utf8.UTFMax // bytes that loose runes may take
	anchor := fw.enc[fw.anchor]
	best := -1
	for p := 0; ; {
		i := bytes.Index(text[p:], anchor)
		if i < 0 {
			return best
		}
		at := p + i
		p = at + len(anchor)
		start, ok := at, true
		lo := max(0, at-reach)
		for k := fw.anchor - 1; k >= 0 && ok; k-- {
			j := bytes.LastIndex(text[lo:start], fw.enc[k])
			start, ok = lo+j, j >= 0
		}
		if !ok {
			continue
		}
		end := at + len(anchor)
		for _, e := range fw.enc[fw.anchor+1:] {
			j := bytes.Index(text[end:], e)
			if j < 0 {
				return best // none after this occurrence, so none after a later one
			}
			end += j + len(e)
		}
		if end-start > reach {
			continue
		}
		span := end - start
		if span > limit {
			span = runeCount(text[start:end])
		}
		if span <= loose && (best < 0 || span < best) {
			best = span
			if best <= limit {
				return best
			}
		}
	}
}

// runeCount is utf8.RuneCount, which in Go 1.26 copies what follows a
// non-ASCII byte into a string: an allocation per item whose letters lie
// far apart past an accent.
func runeCount(b []byte) (n int) {
	for ; len(b) > 0; n++ {
		_, size := utf8.DecodeRune(b)
		b = b[size:]
	}
	return n
}

func appendRunes(dst []rune, b []byte) []rune {
	for len(b) > 0 {
		r, size := utf8.DecodeRune(b)
		dst = append(dst, r)
		b = b[size:]
	}
	return dst
}
