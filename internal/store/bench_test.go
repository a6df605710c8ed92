package store

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/neotui/neotui/api"
	"github.com/neotui/neotui/api/apitest"
	"github.com/neotui/neotui/internal/pgtest"
)

// The benchmark data set: 100k sessions of 10 messages of about 80 bytes, one
// session every 10 minutes (about 700 days), saved in 7-day windows as the
// syncer does.
const (
	benchBot         = "bench-bot"
	benchSessions    = 100_000
	benchMessages    = 10 // per session
	benchEvery       = 10 * time.Minute
	benchWindowDays  = 7
	benchCommonWord  = "prenotazione" // in about one message in ten
	benchVocabulary  = 1000
	benchMessageSize = 80
)

var benchStart = time.Date(2023, 1, 1, 0, 0, 0, 0, time.UTC)

type benchWindow struct {
	from, to api.Day
	sessions []api.Session
}

// benchWords is a deterministic vocabulary of pronounceable words, so each
// word is in about 1.2% of messages and search selectivity is predictable.
var benchWords = func() []string {
	syllables := strings.Fields("ba ce di fo gu la me ni po ru sa te vi zo ka pe ri to nu mo")
	words := make([]string, benchVocabulary)
	for i := range words {
		n := i
		var b strings.Builder
		for range 3 {
			b.WriteString(syllables[n%len(syllables)])
			n /= len(syllables)
		}
		words[i] = b.String()
	}
	return words
}()

// benchData generates the data set once per process.
var benchData = sync.OnceValue(func() []benchWindow {
	rng := rand.New(rand.NewPCG(1, 2))
	var windows []benchWindow
	for i := range benchSessions {
		created := benchStart.Add(time.Duration(i) * benchEvery)
		day := api.DayOf(created)
		if len(windows) == 0 || day > windows[len(windows)-1].to {
			from := api.DayOf(benchStart) + (day-api.DayOf(benchStart))/benchWindowDays*benchWindowDays
			windows = append(windows, benchWindow{from: from, to: from + benchWindowDays - 1})
		}
		s := api.Session{SessionID: int64(i + 1), CreateTime: created, URI: "https://example.com/contatti"}
		for j := range benchMessages {
			typ := api.RoleAI
			if j%2 == 1 {
				typ = api.RoleUser
			}
			s.Messages = append(s.Messages, api.Message{Type: typ, Content: benchText(rng)})
		}
		w := &windows[len(windows)-1]
		w.sessions = append(w.sessions, s)
	}
	return windows
})

func benchText(rng *rand.Rand) string {
	var b strings.Builder
	if rng.IntN(10) == 0 {
		b.WriteString(benchCommonWord)
	}
	for b.Len() < benchMessageSize {
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(benchWords[rng.IntN(len(benchWords))])
	}
	return b.String()
}

func ingest(b *testing.B, s *Store) {
	for _, w := range benchData() {
		if _, err := s.SaveHistory(context.Background(), benchBot, w.from, w.to, benchStart, w.sessions); err != nil {
			b.Fatal(err)
		}
	}
}

// benchStore is the store of the whole data set that read benchmarks
// share. On SQLite it is built on first use and removed by TestMain. On
// PostgreSQL (NEOTUI_TEST_STORE=postgres) it is a database of the test
// server kept between runs, named by the schema version it was built
// with, as ingesting 1M messages takes minutes: see pgBenchStore.
var (
	benchStoreOnce sync.Once
	benchStoreAt   string // the store's path or URL
	benchStoreDir  string // SQLite's, removed by TestMain
	benchStoreErr  error
)

func benchStore(b *testing.B) *Store {
	benchStoreOnce.Do(func() {
		if onPostgres() {
			benchStoreAt, benchStoreErr = pgBenchStore(b)
			return
		}
		benchStoreDir, benchStoreErr = os.MkdirTemp("", "neotui-store-bench-")
		if benchStoreErr != nil {
			return
		}
		benchStoreAt = filepath.Join(benchStoreDir, "neotui.db")
		s, err := Open(benchStoreAt)
		if err != nil {
			benchStoreErr = err
			return
		}
		ingest(b, s)
		// Searched as the store is once idle: every message indexed.
		if benchStoreErr = s.IndexSearch(context.Background(), nil); benchStoreErr != nil {
			return
		}
		benchStoreErr = s.Close()
	})
	if benchStoreErr != nil {
		b.Fatal(benchStoreErr)
	}
	s, err := Open(benchStoreAt)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Close() })
	return s
}

// pgBenchStore is the URL of the PostgreSQL benchmark store, kept
// between runs (pgtest.Kept) and analyzed once built, as autovacuum would
// soon analyze it.
func pgBenchStore(b *testing.B) (string, error) {
	return pgtest.Kept(b, "neotui_bench_v", fmt.Sprint(len(pgMigrations)), func(at string) error {
		s, err := Open(at)
		if err != nil {
			return err
		}
		defer s.Close()
		ingest(b, s)
		_, err = s.db.Exec(`VACUUM ANALYZE`)
		return err
	}), nil
}

func removeBenchStore() {
	if benchStoreDir != "" {
		os.RemoveAll(benchStoreDir)
	}
}

func BenchmarkIngest(b *testing.B) {
	benchData()
	b.ResetTimer()
	start := time.Now()
	runs := 0
	for b.Loop() {
		s, err := Open(newStoreAt(b))
		if err != nil {
			b.Fatal(err)
		}
		ingest(b, s)
		s.Close()
		runs++
	}
	secs := time.Since(start).Seconds()
	b.ReportMetric(float64(runs*benchSessions)/secs, "sessions/s")
	b.ReportMetric(float64(runs*benchSessions*benchMessages)/secs, "messages/s")
}

func BenchmarkNewestSessions(b *testing.B) {
	s := benchStore(b)
	ctx := context.Background()
	for b.Loop() {
		list, err := s.Sessions(ctx, SessionQuery{Bot: benchBot, Limit: 500})
		if err != nil || len(list) != 500 {
			b.Fatalf("%d sessions, %v", len(list), err)
		}
	}
}

func BenchmarkSearch(b *testing.B) {
	s := benchStore(b)
	ctx := context.Background()
	for _, bc := range []struct{ name, query string }{
		{"one word", benchWords[123]},                          // ~1.2% of messages
		{"two words", benchWords[123] + " " + benchWords[456]}, // both in one message: rare
		{"common word", benchCommonWord},                       // ~10% of messages
		{"short word", "zo"},                                   // LIKE, sessions newest first: stops early
		{"rare short word", "qx"},                              // LIKE over every message
		{"no match", "nothing-like-this"},
	} {
		b.Run(bc.name, func(b *testing.B) {
			for b.Loop() {
				if _, err := s.Search(ctx, benchBot, bc.query, 100); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// syncYearEnd ends the year that BenchmarkIngestSync saves.
var syncYearEnd = time.Date(2025, 3, 7, 12, 0, 0, 0, time.UTC)

// syncWindow is one window of a sync: its days and what the API answered.
type syncWindow struct {
	from, to api.Day
	sessions []api.Session
	leads    []api.Lead
}

// syncYear is a year of a big bot as apitest generates it, about 100k
// conversations, 1.1M messages and 25k leads, cut into windows of days
// days, newest first as a first sync fetches them; generated once per
// process and window size, so that the benchmark times the store alone.
var syncYear = func() func(days int) []syncWindow {
	var mu sync.Mutex
	years := map[int][]syncWindow{}
	return func(days int) []syncWindow {
		mu.Lock()
		defer mu.Unlock()
		if w, ok := years[days]; ok {
			return w
		}
		bot := apitest.Generate(apitest.Spec{Serial: benchBot, Sessions: benchSessions, Days: 365, End: syncYearEnd, Seed: 5})
		last := api.DayOf(syncYearEnd)
		for to := last; to > last-366; to -= api.Day(days) {
			from := to - api.Day(days) + 1
			years[days] = append(years[days], syncWindow{from, to, bot.Sessions(from, to), bot.Leads(from, to)})
		}
		return years[days]
	}
}()

// BenchmarkIngestSync saves that year into a new store as a first sync
// does, each window in its own transaction, in the weekly windows of
// neotui until now and in the 31-day windows the API allows. ns/op is
// the ingest alone (the data stored, listed and found by search), leads-s
// the part of it that saves the leads; index-s
// is the indexing for search and tidy-s the merging of the index that
// follow once the store is idle (or at the end of neotui sync);
// search-ms, indexed-search-ms and tidied-search-ms are a 3-letter search
// right after the ingest (reading every message unindexed), once indexed
// and once merged.
func BenchmarkIngestSync(b *testing.B) {
	for _, days := range []int{7, 31} {
		b.Run(fmt.Sprintf("window=%dd", days), func(b *testing.B) {
			windows := syncYear(days)
			messages := 0
			for _, w := range windows {
				for _, s := range w.sessions {
					messages += len(s.Messages)
				}
			}
			ctx := context.Background()
			var leads, index, tidy, search, indexed, tidied time.Duration
			for b.Loop() {
				s, err := Open(newStoreAt(b))
				if err != nil {
					b.Fatal(err)
				}
				for _, w := range windows {
					start := time.Now()
					if _, err := s.SaveLeads(ctx, benchBot, w.from, w.to, syncYearEnd, w.leads); err != nil {
						b.Fatal(err)
					}
					leads += time.Since(start)
					if _, err := s.SaveHistory(ctx, benchBot, w.from, w.to, syncYearEnd, w.sessions); err != nil {
						b.Fatal(err)
					}
				}
				b.StopTimer()
				search += timeSearch(b, s, "pre")
				start := time.Now()
				if err := s.IndexSearch(ctx, nil); err != nil {
					b.Fatal(err)
				}
				index += time.Since(start)
				indexed += timeSearch(b, s, "pre")
				start = time.Now()
				if _, err := s.TidySearch(ctx); err != nil {
					b.Fatal(err)
				}
				tidy += time.Since(start)
				tidied += timeSearch(b, s, "pre")
				s.Close()
				b.StartTimer()
			}
			n := float64(b.N)
			b.ReportMetric(float64(messages)*n/b.Elapsed().Seconds(), "messages/s")
			b.ReportMetric(leads.Seconds()/n, "leads-s")
			b.ReportMetric(index.Seconds()/n, "index-s")
			b.ReportMetric(tidy.Seconds()/n, "tidy-s")
			b.ReportMetric(float64(search.Microseconds())/1000/n, "search-ms")
			b.ReportMetric(float64(indexed.Microseconds())/1000/n, "indexed-search-ms")
			b.ReportMetric(float64(tidied.Microseconds())/1000/n, "tidied-search-ms")
		})
	}
}

// timeSearch is the median time of a few searches for the first 100 hits
// of query.
func timeSearch(b *testing.B, s *Store, query string) time.Duration {
	var times []time.Duration
	for range 5 {
		start := time.Now()
		if _, err := s.Search(context.Background(), benchBot, query, 100); err != nil {
			b.Fatal(err)
		}
		times = append(times, time.Since(start))
	}
	slices.Sort(times)
	return times[len(times)/2]
}
