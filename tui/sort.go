package tui

import (
	"cmp"
	"slices"
	"strings"

	"github.com/neotui/neotui/internal/store"
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

// sortLeads orders leads, read newest first, by order; ties stay newest
// first.
func sortLeads(leads []*store.Lead, order string) {
	switch order {
	case sortOldest:
		slices.Reverse(leads)
	case sortName:
		slices.SortStableFunc(leads, func(a, b *store.Lead) int {
			an, bn := strings.TrimSpace(a.Name), strings.TrimSpace(b.Name)
			if (an == "") != (bn == "") { // the nameless last
				return cmp.Compare(len(bn), len(an))
			}
			return strings.Compare(strings.ToLower(an), strings.ToLower(bn))
		})
	case sortStatus:
		slices.SortStableFunc(leads, func(a, b *store.Lead) int {
			return cmp.Compare(statusRank(a.Triage.Status), statusRank(b.Triage.Status))
		})
	case sortUnseen:
		slices.SortStableFunc(leads, func(a, b *store.Lead) int {
			return boolRank(!a.Triage.SeenAt.IsZero()) - boolRank(!b.Triage.SeenAt.IsZero())
		})
	}
}

func boolRank(b bool) int {
	if b {
		return 1
	}
	return 0
}
