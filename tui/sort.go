package tui

import (
	"cmp"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/neotui/neotui/internal/store"
	"github.com/neotui/neotui/tui/list"
)

// listSort is the order a list's rows are drawn in: o cycles through its
// orders, the header shows the current one.
type listSort struct {
	orders []string // names, the first the store's own order (newest first)
	i      int
}

// The orders of the lists: the first is the order rows are read in.
const (
	sortNewest       = "newest"
	sortOldest       = "oldest"
	sortName         = "name"
	sortStatus       = "status"
	sortUnseen       = "unseen first"
	sortMostMessages = "most messages"
	sortWithLead     = "leads first"
)

func newLeadSort() *listSort {
	return &listSort{orders: []string{sortNewest, sortOldest, sortName, sortStatus, sortUnseen}}
}

func newSessionSort() *listSort {
	return &listSort{orders: []string{sortNewest, sortOldest, sortMostMessages, sortWithLead}}
}

// order is the current order's name.
func (s *listSort) order() string { return s.orders[s.i] }

// next moves to the next order.
func (s *listSort) next() { s.i = (s.i + 1) % len(s.orders) }

// label is the order as the header shows it.
func (s *listSort) label() string {
	arrow := "↓ "
	if s.order() == sortOldest {
		arrow = "↑ "
	}
	return arrow + s.order()
}

// statusRank orders statuses as they usually follow each other, new first.
func statusRank(st store.Status) int {
	if st == "" {
		return 0
	}
	if i := slices.Index(store.Statuses, st); i >= 0 {
		return i
	}
	return len(store.Statuses)
}

// sortLeads orders lead rows, built newest first, by order; ties stay
// newest first. Names compare as shown: made safe, case folded.
func sortLeads(items []list.Item, order string) {
	lead := func(it list.Item) *leadItem { return it.(*leadItem) }
	switch order {
	case sortOldest:
		slices.Reverse(items)
	case sortName:
		slices.SortStableFunc(items, func(a, b list.Item) int {
			// The nameless last (their rows say "(no name)").
			if an, bn := strings.TrimSpace(lead(a).lead.Name) == "", strings.TrimSpace(lead(b).lead.Name) == ""; an != bn {
				return boolRank(an) - boolRank(bn)
			}
			return compareFold(lead(a).name, lead(b).name)
		})
	case sortStatus:
		sortByRank(items, func(it list.Item) int { return statusRank(lead(it).lead.Triage().Status) })
	case sortUnseen:
		sortByRank(items, func(it list.Item) int { return boolRank(!lead(it).lead.Triage().SeenAt.IsZero()) })
	}
}

// sortByRank sorts items stably by rank, worked out once an item: a lead's
// Triage is a copy, and a sort compares each item some 30 times.
func sortByRank(items []list.Item, rank func(list.Item) int) {
	type ranked struct {
		rank int
		item list.Item
	}
	rs := make([]ranked, len(items))
	for i, it := range items {
		rs[i] = ranked{rank(it), it}
	}
	slices.SortStableFunc(rs, func(a, b ranked) int { return cmp.Compare(a.rank, b.rank) })
	for i, r := range rs {
		items[i] = r.item
	}
}

// compareFold compares a and b as strings.EqualFold would see them, without
// allocating.
func compareFold(a, b string) int {
	for a != "" && b != "" {
		ra, na := utf8.DecodeRuneInString(a)
		rb, nb := utf8.DecodeRuneInString(b)
		if c := cmp.Compare(unicode.ToLower(ra), unicode.ToLower(rb)); c != 0 {
			return c
		}
		a, b = a[na:], b[nb:]
	}
	return cmp.Compare(len(a), len(b))
}

func boolRank(b bool) int {
	if b {
		return 1
	}
	return 0
}
