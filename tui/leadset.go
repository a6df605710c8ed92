package tui

import (
	"iter"

	"github.com/neotui/neotui/internal/store"
)

// leadSet holds a load's leads in the blocks they were read into, never
// moved: the rows point into them, and one slice of them all would copy
// 7 MB more at 25k leads.
type leadSet struct {
	blocks [][]store.Lead
	n      int
}

// leadBlock is how many leads share one allocation.
const leadBlock = 1024

func newLeadSet(leads []store.Lead) leadSet {
	var s leadSet
	for _, l := range leads {
		s.add(l)
	}
	return s
}

func (s *leadSet) add(l store.Lead) {
	if n := len(s.blocks); n == 0 || len(s.blocks[n-1]) == cap(s.blocks[n-1]) {
		// The first block small: a first page, a bot with few leads.
		s.blocks = append(s.blocks, make([]store.Lead, 0, min(16<<n, leadBlock)))
	}
	last := &s.blocks[len(s.blocks)-1]
	*last = append(*last, l)
	s.n++
}

func (s leadSet) len() int { return s.n }

// all yields the leads in the order they were added.
func (s leadSet) all() iter.Seq[*store.Lead] {
	return func(yield func(*store.Lead) bool) {
		for _, b := range s.blocks {
			for i := range b {
				if !yield(&b[i]) {
					return
				}
			}
		}
	}
}
