package list

import "sync"

// noteBufs is how many results' notes a corpus keeps: those of the last
// keystrokes, and those typed on from lately, so that erasing letters and
// typing others still finds them.
const noteBufs = 4

// noteStore keeps the notes (see follow) of a corpus's latest substring
// results: the parts of the searches that took them, kept as they are
// rather than joined (a second copy, 2 MB of a filter's 6 at 100k rows),
// and given back to the corpus's matchBufs, for reuse, once newer notes
// take their place. A result's notes are 20 bytes a row, written once: in
// fresh memory, each of their pages would cost a fault on first touch (~10
// µs on a VM: 7 ms a keystroke at 1M items). Notes only spare reading the
// texts, so a result whose notes went is typed on by reading them.
type noteStore struct {
	mu   sync.Mutex
	last uint64 // the newest notes' generation and the last use
	bufs [noteBufs]struct {
		gen   uint64 // whose notes these are; 0: none
		used  uint64 // when they were kept or last read
		parts []*matches
	}
}

// get returns the parts holding the notes of generation gen, if still
// kept: their notes, one part's after another's, are the result's rows'.
// The caller holds mu while it reads them.
func (s *noteStore) get(gen uint64) ([]*matches, bool) {
	for k := range s.bufs {
		if b := &s.bufs[k]; gen != 0 && b.gen == gen {
			s.last++
			b.used = s.last
			return b.parts, true
		}
	}
	return nil, false
}

// put keeps parts, with their notes, in place of the notes least lately
// used, whose parts it gives to bufs, and returns their generation; 0 for
// none, when it gives parts to bufs at once. The caller holds mu.
func (s *noteStore) put(parts []*matches, bufs *matchBufs) uint64 {
	n := 0
	for _, p := range parts {
		n += len(p.next)
	}
	if n == 0 {
		bufs.put(parts...)
		return 0
	}
	b := &s.bufs[0]
	for k := range s.bufs {
		if s.bufs[k].used < b.used {
			b = &s.bufs[k]
		}
	}
	bufs.put(b.parts...)
	s.last++
	b.gen, b.used, b.parts = s.last, s.last, parts
	return s.last
}

// noteCursor reads a result's notes in order, from its parts.
type noteCursor struct {
	parts []*matches
	k, i  int // the next note is parts[k].next[i]
}

// notesFrom is a cursor on the note of the result's row j.
func notesFrom(parts []*matches, j int) noteCursor {
	c := noteCursor{parts: parts}
	for c.k < len(parts) && j >= len(parts[c.k].next) {
		j -= len(parts[c.k].next)
		c.k++
	}
	c.i = j
	return c
}

// next is the note of the next row.
func (c *noteCursor) next() *follow {
	for c.i == len(c.parts[c.k].next) {
		c.k, c.i = c.k+1, 0
	}
	c.i++
	return &c.parts[c.k].next[c.i-1]
}

// release lets go of every buffer. Notes only spare reading texts while a
// query is typed on; once the filter is kept or cleared, the next query may
// be long in coming, and they hold 20 bytes a row of the last results (2 MB
// at 100k conversations, up to 80 MB at 1M rows). Typing on a kept
// filter then reads the texts, as after any result whose notes are gone.
// It returns how many rows' notes it let go of. A search typing on holds
// the buffers while it runs (tens of ms at 1M rows): rather than wait for
// it on the update loop, release lets go of nothing, and the search's
// result, arriving later, asks again (Model.Update).
func (s *noteStore) release() (rows int) {
	if !s.mu.TryLock() {
		return 0
	}
	defer s.mu.Unlock()
	for _, b := range s.bufs {
		for _, p := range b.parts {
			rows += len(p.next)
		}
	}
	clear(s.bufs[:])
	return rows
}
