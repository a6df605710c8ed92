// Package demo fills a store with generated bots as a first sync fills it,
// at any size: `neotui demo` browses such a store, and the browser's
// benchmarks measure one. Saving directly, without the fake API's HTTP and
// JSON, a year of a big bot takes seconds, not a minute.
package demo

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/neotui/neotui/api"
	"github.com/neotui/neotui/api/apitest"
	"github.com/neotui/neotui/internal/store"
)

// WindowDays is how many days Fill saves in one transaction: the widest
// window the API serves.
const WindowDays = 31

// Fill saves what the bots generated up to fetched into st, as a sync at
// fetched would: for each bot, newest window first, its leads and then its
// conversations, each window one transaction that marks its days fetched.
// progress, if not nil, is told after each window how many conversations
// are saved, of how many.
func Fill(ctx context.Context, st *store.Store, fetched time.Time, progress func(done, total int), bots ...*apitest.Bot) error {
	total := 0
	for _, b := range bots {
		total += b.Len()
	}
	done := 0
	for _, b := range bots {
		first, last := b.Days()
		if b.Len() == 0 {
			continue
		}
		last = min(last, api.DayOf(fetched))
		for to := last; to >= first; to -= WindowDays {
			from := max(to-WindowDays+1, first)
			sessions := slices.DeleteFunc(b.Sessions(from, to), func(s api.Session) bool { return s.CreateTime.After(fetched) })
			leads := slices.DeleteFunc(b.Leads(from, to), func(l api.Lead) bool { return l.CreateTime.After(fetched) })
			if _, err := st.SaveLeads(ctx, b.Serial(), from, to, fetched, leads); err != nil {
				return fmt.Errorf("fill the demo store: %w", err)
			}
			if _, err := st.SaveHistory(ctx, b.Serial(), from, to, fetched, sessions); err != nil {
				return fmt.Errorf("fill the demo store: %w", err)
			}
			done += len(sessions)
			if progress != nil {
				progress(done, total)
			}
		}
	}
	return nil
}
