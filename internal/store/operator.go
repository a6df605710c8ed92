package store

import (
	"errors"
	"slices"
	"sync"
)

// Operator is one program's side of triage writes: it remembers the
// versions the program wrote, so that its own quick actions on a lead do
// not refuse each other as conflicts while a teammate's change still
// refuses them. The zero value is ready to use; it is safe for concurrent
// use. Give each program (each SSH session) its own: what one remembers is
// "mine" only to it.
type Operator struct {
	actMu  sync.Mutex            // one triage write at a time, with its remembering
	mu     sync.Mutex            // guards writes and stars
	writes map[LeadRef][]int64   // the versions this program wrote, newest last
	stars  map[LeadRef]starWrite // this program's last star change
}

// rememberWrites is how many of its versions of one lead a program
// remembers: more than anyone presses keys on a lead between two reloads.
const rememberWrites = 16

// starWrite is a star this program set (or took off) at a version.
type starWrite struct {
	version int64
	starred bool
}

// Act runs one triage write, do, on the version the user saw. Callers may
// act concurrently (the browser acts in Cmds); Act runs the writes one at a
// time, each remembered before the next starts. A refusal over a change this program made itself (two
// quick keys on one lead, before the list reloaded) is no conflict: do goes
// again on that version, and the store still refuses over anyone else's
// change after it.
func (o *Operator) Act(expect int64, do func(expect int64) (Change, error)) (Change, error) {
	o.actMu.Lock()
	defer o.actMu.Unlock()
	for {
		ch, err := do(expect)
		var ce *ConflictError
		if errors.As(err, &ce) && o.ownClashes(ce) {
			expect = ce.Clashes[0].Version
			continue
		}
		if err == nil && ch.Changed() {
			o.remember(ch)
		}
		return ch, err
	}
}

// StarredSince reports the star this program last set on a lead after
// version v, if it did.
func (o *Operator) StarredSince(ref LeadRef, v int64) (starred, ok bool) {
	o.mu.Lock()
	defer o.mu.Unlock()
	w, ok := o.stars[ref]
	return w.starred, ok && w.version > v
}

// Wrote reports whether version v of a lead is this program's own write.
func (o *Operator) Wrote(ref LeadRef, v int64) bool {
	o.mu.Lock()
	defer o.mu.Unlock()
	return v != 0 && slices.Contains(o.writes[ref], v)
}

// remember notes a version this program wrote.
func (o *Operator) remember(c Change) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.writes == nil {
		o.writes = map[LeadRef][]int64{}
	}
	ref := LeadRef{Bot: c.Bot, Key: c.Key}
	vs := append(o.writes[ref], c.After.Version)
	o.writes[ref] = vs[max(len(vs)-rememberWrites, 0):]
	if c.Before.Starred != c.After.Starred {
		if o.stars == nil {
			o.stars = map[LeadRef]starWrite{}
		}
		o.stars[ref] = starWrite{c.After.Version, c.After.Starred}
	}
}

// ownClashes tells whether every change a conflict names is this
// program's; when not, it blames the newest that is someone else's, so the
// refusal names them and not "you".
func (o *Operator) ownClashes(ce *ConflictError) bool {
	ref := LeadRef{Bot: ce.Bot, Key: ce.Key}
	for _, c := range ce.Clashes {
		if !o.Wrote(ref, c.Version) {
			ce.Blame(c)
			return false
		}
	}
	return len(ce.Clashes) > 0
}
