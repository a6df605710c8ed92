package list

import "bytes"

// Typing on: a keystroke that adds letters at the end of the query's last
// word, the way a query is typed, searches the previous result's rows, and
// reads what the previous search noted about each (follow) before the text
// itself. At 1M items the texts fill 140 MB, and reading one at random costs
// a trip to memory: the notes, read in order, mostly spare it.

// noted is how many bytes a note keeps after an occurrence: letters that
// can be typed on before the text must be read again.
const noted = 6

// Bytes never in UTF-8, so never typed: in a note, the text's end and a
// byte not known.
const (
	textEnd byte = 0xFF
	unknown byte = 0xFE
)

// follow is what comes after the occurrences of a result's last word in a
// row's fold text. It notes two occurrences because a lead's name comes
// back in its email: "maria martinez maria.martinez@…".
type follow struct {
	// first and second are the bytes after the first two occurrences:
	// textEnd past the text's end, and throughout when there is no second.
	first, second [noted]byte
	// later[d] has the laterBits of each byte d after the word's third and
	// later occurrences; all bits when not known.
	later [2]uint32
}

// laterBits spreads bytes over 32 bits: letters have one each.
var laterBits = func() (bits [256]uint32) {
	for b, s := range sigBits {
		bits[b] = uint32(s) | uint32(s>>32)
	}
	return bits
}()

// followOf notes what follows word at from, its first occurrence in text,
// and its later occurrences.
func followOf(text []byte, from int, word []byte) follow {
	f := follow{first: noteAt(text, from+len(word))}
	for k := range f.second {
		f.second[k] = textEnd
	}
	p, n := from, 1
	for {
		k := bytes.Index(text[p+1:], word)
		if k < 0 {
			return f
		}
		p += 1 + k
		n++
		end := p + len(word)
		switch {
		case n == 2:
			f.second = noteAt(text, end)
		case end+1 < len(text):
			f.later[1] |= laterBits[text[end+1]]
			fallthrough
		case end < len(text):
			f.later[0] |= laterBits[text[end]]
		}
	}
}

// noteAt is the noted bytes of text from end.
func noteAt(text []byte, end int) (b [noted]byte) {
	n := copy(b[:], text[end:])
	for k := n; k < noted; k++ {
		b[k] = textEnd
	}
	return b
}

// typedOn searches prev's rows for words, whose last word is prev's last
// word with letters typed at its end. Each occurrence of the new word
// begins with an occurrence of the old, which prev noted with what follows
// it: most rows match, or fail, without their text being read. It reports
// false if prev's notes are no longer kept.
func (c *corpus) typedOn(words []string, prev result) (result, bool) {
	// Held while prev's notes are read: a filter running beside this one
	// may put its notes in their buffer.
	c.notes.mu.Lock()
	defer c.notes.mu.Unlock()
	notes, ok := c.notes.get(prev.notes)
	if !ok {
		return result{}, false
	}
	word := appendFolded(nil, words[len(words)-1])
	old := appendFolded(nil, prev.words[len(prev.words)-1])
	typed := word[len(old):]
	need := pairsOf(word)
	parts := parallel(len(prev.rows), func(lo, hi int) *matches {
		m := c.scratch.get(hi - lo)
		for j := lo; j < hi; j++ {
			i := int(prev.rows[j])
			switch g, v := notes[j].after(typed); v {
			case yes:
				m.add(i, g)
				continue
			case no:
				continue
			}
			if !c.pairs[i].contains(need) {
				continue
			}
			text := c.text(i, &m.text)
			if from := bytes.Index(text, word); from >= 0 {
				m.add(i, followOf(text, from, word))
			}
		}
		return m
	})
	return joinMatches(words, parts, &c.notes, &c.scratch), true
}

// verdict is what a note tells of a row.
type verdict uint8

const (
	maybe verdict = iota // the text must be read
	yes
	no
)

// after tells from f alone whether the word typed on matches: whether one
// of its occurrences goes on with typed. If so, g is the note of the
// longer word, whose occurrences are those of the shorter followed by
// typed; where f did not know enough, g knows less: unknown bytes, or
// later bits all set.
func (f *follow) after(typed []byte) (g follow, v verdict) {
	first, second := startsWith(&f.first, typed), startsWith(&f.second, typed)
	// Could one of the later occurrences go on with typed?
	later := f.later[0]&laterBits[typed[0]] != 0 &&
		(len(typed) == 1 || f.later[1]&laterBits[typed[1]] != 0)
	switch {
	case first == maybe || first == no && second == maybe:
		return g, maybe
	case first == no && second == no && later:
		return g, maybe
	case first == no && second == no:
		return g, no
	}
	// What is not known below: the second, when it is among the later
	// occurrences, or after one not known; anything after the later ones.
	g = follow{second: unknownCtx, later: unknownLater}
	switch {
	case first == yes && second == yes:
		g.first, g.second = shorten(&f.first, len(typed)), shorten(&f.second, len(typed))
		if !later {
			g.later = [2]uint32{}
		} else if len(typed) == 1 {
			// The later ones that go on are among f's: the byte after
			// theirs is the one f noted 1 after.
			g.later[0] = f.later[1]
		}
	case first == yes:
		g.first = shorten(&f.first, len(typed))
		if second == no && !later {
			g.second, g.later = noneCtx, [2]uint32{}
		}
	default: // second == yes
		g.first = shorten(&f.second, len(typed))
		if !later {
			g.second, g.later = noneCtx, [2]uint32{}
		}
	}
	return g, yes
}

var (
	noneCtx      = [noted]byte{textEnd, textEnd, textEnd, textEnd, textEnd, textEnd}
	unknownCtx   = [noted]byte{unknown, unknown, unknown, unknown, unknown, unknown}
	unknownLater = [2]uint32{^uint32(0), ^uint32(0)}
)

// startsWith tells whether ctx begins with typed: maybe where ctx does not
// know a byte before a difference.
func startsWith(ctx *[noted]byte, typed []byte) verdict {
	if len(typed) > noted {
		return maybe
	}
	for k, b := range typed {
		switch ctx[k] {
		case b:
		case unknown:
			return maybe
		default:
			return no
		}
	}
	return yes
}

// shorten drops n bytes from ctx's start; the bytes it lacks at its end
// are unknown.
func shorten(ctx *[noted]byte, n int) (s [noted]byte) {
	k := copy(s[:], ctx[n:])
	for ; k < noted; k++ {
		s[k] = unknown
	}
	return s
}
