package list

import "bytes"

// Typing on: a keystroke that adds letters at the end of the query's last
// word, the way a query is typed, searches the previous result's rows, and
// reads what the previous search noted about each (follow) before the text
// itself. At 1M items the texts fill 140 MB, and reading one at random costs
// a trip to memory: the notes, read in order, mostly spare it.

// follow is what comes after the occurrences of a result's last word in a
// row's fold text.
type follow struct {
	// later has the signature bit (see sigBits) of each byte that follows
	// an occurrence after the first; all bits when not known. A row whose
	// later occurrences are not followed by the letter typed can match the
	// longer word only at its first.
	later uint64
	b     [6]byte // the bytes after the first occurrence; 0xFF (never in UTF-8) past the text's end
	n     uint8   // how many of b are known
}

// unknownLater is follow.later when the later occurrences are not known.
const unknownLater = ^uint64(0)

// followOf notes what follows word at from, its first occurrence in text,
// and its later occurrences.
func followOf(text []byte, from int, word []byte) follow {
	f := follow{n: uint8(len(follow{}.b))}
	rest := text[from+len(word):]
	for k := range f.b {
		f.b[k] = 0xFF
		if k < len(rest) {
			f.b[k] = rest[k]
		}
	}
	if len(word) == 1 {
		// A letter occurs a dozen times in a row: finding them all would
		// cost a single-letter query more than typing on saves.
		f.later = unknownLater
		return f
	}
	for p := from + 1; ; p++ {
		k := bytes.Index(text[p:], word)
		if k < 0 {
			return f
		}
		p += k
		if end := p + len(word); end < len(text) {
			f.later |= sigBits[text[end]]
		}
	}
}

// typedOn searches prev's rows for words, whose last word is prev's last
// word with letters typed at its end. Each occurrence of the new word
// begins with an occurrence of the old, which prev noted with what follows
// it: most rows match, or fail, without their text being read. The others
// are searched from the first occurrence on.
func (c *corpus) typedOn(words []string, prev result) result {
	word := appendFolded(nil, words[len(words)-1])
	old := appendFolded(nil, prev.words[len(prev.words)-1])
	typed := word[len(old):]
	bit := sigBits[typed[0]]
	need := pairsOf(word)
	parts := parallel(len(prev.rows), func(lo, hi int) *matches {
		m := newMatches()
		for j := lo; j < hi; j++ {
			i, from, f := int(prev.rows[j]), int(prev.at[j]), prev.next[j]
			switch {
			case len(typed) > int(f.n):
				// Past what was noted: read the text.
				if text := c.text(i, &m.text); bytes.HasPrefix(text[from:], word) {
					m.add(i, from, followOf(text, from, word))
					continue
				}
			case bytes.Equal(f.b[:len(typed)], typed):
				m.add(i, from, f.after(typed))
				continue
			}
			if f.later&bit == 0 {
				continue // nothing but the first occurrence could match, and it does not
			}
			if !c.pairs[i].contains(need) {
				continue
			}
			text := c.text(i, &m.text)
			k := bytes.Index(text[from+1:], word)
			if k < 0 {
				continue
			}
			from += 1 + k
			m.add(i, from, followOf(text, from, word))
		}
		return m
	})
	return joinMatches(words, parts)
}

// after is what follows the same occurrence once typed, which it begins
// with, belongs to the word. The longer word's later occurrences are those
// of the shorter followed by typed: none if no later one was, and not known
// otherwise.
func (f follow) after(typed []byte) follow {
	g := follow{n: f.n - uint8(len(typed)), later: unknownLater}
	if f.later&sigBits[typed[0]] == 0 {
		g.later = 0
	}
	copy(g.b[:], f.b[len(typed):f.n])
	return g
}
