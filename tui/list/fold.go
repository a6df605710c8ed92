package list

import (
	"sync/atomic"
	"unicode"
	"unicode/utf8"

	"github.com/junegunn/fzf/src/algo"
)

// Folding: the texts and the queries compared lower-cased and without
// accents, and the per-text filters (byte pairs, signature) that rule most
// texts out before any scan.

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
// mapping only for slices, so it is taken into a table, a block of runes at
// a time as texts first need one: the whole range at once took 2 ms, in the
// first page's rows, on the way to the first frame.
func normalize(r rune) rune {
	if r < normFirst || r > normLast {
		return r
	}
	i := r - normFirst
	b := normBlocks[i/normBlock].Load()
	if b == nil {
		b = makeNormBlock(i / normBlock)
	}
	return b[i%normBlock]
}

// The range fzf normalizes, and its blocks.
const (
	normFirst, normLast = 0x00C0, 0xFF61
	normBlock           = 256
)

var normBlocks [(normLast-normFirst)/normBlock + 1]atomic.Pointer[[normBlock]rune]

// makeNormBlock fills block k of the table. Goroutines folding at once may
// each make it: they make the same.
func makeNormBlock(k rune) *[normBlock]rune {
	var b [normBlock]rune
	for j := range b {
		b[j] = normFirst + k*normBlock + rune(j)
	}
	copy(b[:], algo.NormalizeRunes(b[:]))
	normBlocks[k].Store(&b)
	return &b
}

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

// add adds the pair a, b.
func (s *pairSet) add(a, b byte) {
	h := pairHash(a, b)
	s[h>>6] |= 1 << (h & 63)
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
