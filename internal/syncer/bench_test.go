package syncer_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/neotui/neotui/api"
	"github.com/neotui/neotui/api/apitest"
	"github.com/neotui/neotui/internal/store"
	"github.com/neotui/neotui/internal/syncer"
)

// BenchmarkFirstSync90Days is a big bot's first sync of 90 days as a user
// meets it: ~25k conversations and ~270k messages from the fake API over
// loopback into a new store, at the default 10 requests a minute spent
// through the store's budget, as the commands do. ns/op is the sync, the
// data stored and listed; index-s the indexing for search that follows.
func BenchmarkFirstSync90Days(b *testing.B) {
	bot := apitest.Generate(apitest.Spec{Serial: "big", Sessions: 100_000, Days: 365, End: now, Seed: 5})
	srv := apitest.Start(b, apitest.Options{Bots: []*apitest.Bot{bot}, Now: func() time.Time { return now }})
	today := api.DayOf(now)
	var index time.Duration
	for range b.N {
		b.StopTimer()
		st, err := store.Open(filepath.Join(b.TempDir(), "neotui.db"))
		if err != nil {
			b.Fatal(err)
		}
		c, err := api.New(api.Options{BaseURL: srv.URL, Key: srv.Key,
			Limiter: st.Budget("big", api.PerMinute(api.DefaultHistoryPerMinute))})
		if err != nil {
			b.Fatal(err)
		}
		s := &syncer.Syncer{Source: c, Store: st, Serial: "big", Now: func() time.Time { return now }}
		b.StartTimer()
		rep, err := s.Sync(context.Background(), today-89, today)
		if err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		b.ReportMetric(float64(rep.Requests), "requests/op")
		b.ReportMetric(float64(rep.Changes.NewMessages), "messages/op")
		// What neotui sync then does before it ends (the browser, once
		// idle): index the messages for search.
		start := time.Now()
		if err := st.IndexSearch(context.Background(), nil); err != nil {
			b.Fatal(err)
		}
		index += time.Since(start)
		st.Close()
		b.StartTimer()
	}
	b.ReportMetric(index.Seconds()/float64(b.N), "index-s")
}
