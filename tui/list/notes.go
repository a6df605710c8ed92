package list

import "sync"

// noteBufs is how many results' notes a corpus keeps: those of the last
// keystrokes, and those typed on from lately, so that erasing letters and
// typing others still finds them.
const noteBufs = 4

// noteStore keeps the notes (see follow) of a corpus's latest substring
// results, in buffers it reuses. A result's notes are 20 bytes a row,
// written once: in fresh memory, each of their pages would cost a fault on
// first touch (~10 µs on a VM: 7 ms a keystroke at 1M items). Notes only
// spare reading the texts, so a result whose buffer went to newer notes
// is typed on by reading them.
type noteStore struct {
	mu   sync.Mutex
	last uint64 // the newest notes' generation and the last use
	bufs [noteBufs]struct {
		gen   uint64 // whose notes these are; 0: none
		used  uint64 // when they were kept or last read
		notes []follow
	}
}

// get returns the notes of generation gen, if still kept. The caller holds
// mu while it reads them.
func (s *noteStore) get(gen uint64) ([]follow, bool) {
	for k := range s.bufs {
		if b := &s.bufs[k]; gen != 0 && b.gen == gen {
			s.last++
			b.used = s.last
			return b.notes, true
		}
	}
	return nil, false
}

// put keeps the notes of parts, joined, in the buffer least lately used,
// and returns their generation; 0 for none. The caller holds mu.
func (s *noteStore) put(parts []*matches) uint64 {
	n := 0
	for _, p := range parts {
		n += len(p.next)
	}
	if n == 0 {
		return 0
	}
	b := &s.bufs[0]
	for k := range s.bufs {
		if s.bufs[k].used < b.used {
			b = &s.bufs[k]
		}
	}
	notes := b.notes[:0]
	if cap(notes) < n {
		notes = make([]follow, 0, n)
	}
	for _, p := range parts {
		notes = append(notes, p.next...)
	}
	s.last++
	b.gen, b.used, b.notes = s.last, s.last, notes
	return s.last
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
		rows += len(b.notes)
	}
	clear(s.bufs[:])
	return rows
}
