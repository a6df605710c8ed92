package store

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/neotui/neotui/api"
)

// segments is how many FTS5 segments the search index has, read from its
// structure record (fts5_index.c: a 4-byte cookie, an optional 4-byte
// version, then the number of levels and of segments as SQLite varints).
func ftsSegments(t testing.TB, s *Store) int {
	t.Helper()
	var rec []byte
	if err := s.db.QueryRow(`SELECT block FROM messages_fts_data WHERE id = 10`).Scan(&rec); err != nil {
		t.Fatal(err)
	}
	rec = rec[4:]
	if v2 := []byte{0xff, 0, 0, 1}; bytes.HasPrefix(rec, v2) {
		rec = rec[len(v2):]
	}
	_, n := sqliteVarint(rec)
	segs, _ := sqliteVarint(rec[n:])
	return segs
}

// sqliteVarint decodes a varint of up to 4 bytes, enough for counts.
func sqliteVarint(b []byte) (v, n int) {
	for n < 4 {
		v = v<<7 | int(b[n]&0x7f)
		n++
		if b[n-1] < 0x80 {
			break
		}
	}
	return v, n
}

// saveWeeks saves n weekly windows, a week a save as a sync does, each
// indexed for search after its save (as the idle store does between a
// sync's windows; in a step of its own: a segment). Each week has a
// conversation whose message holds a word of its own ("weekNN") and one
// word all share, among others of random words: enough text that FTS5's
// automerge, which works per 64 pages written, would merge.
func saveWeeks(t *testing.T, s *Store, n int) {
	t.Helper()
	saveWeeksUnindexed(t, s, n, func() {
		if err := s.IndexSearch(context.Background(), nil); err != nil {
			t.Fatal(err)
		}
	})
}

// saveWeeksUnindexed is saveWeeks that calls after after each save.
func saveWeeksUnindexed(t *testing.T, s *Store, n int, after func()) {
	t.Helper()
	rng := rand.New(rand.NewPCG(3, 4))
	first := mustDay(t, "2024-01-01")
	for w := range n {
		from := first + api.Day(7*w)
		sessions := []api.Session{{SessionID: int64(100 + w), CreateTime: from.Time().Add(time.Hour), URI: "u",
			Messages: []api.Message{msg(api.RoleUser, fmt.Sprintf("week%02d ciao", w)), msg(api.RoleAI, "grazie")}}}
		for i := range 40 {
			sess := api.Session{SessionID: int64(10_000*(w+1) + i), CreateTime: from.Time().Add(2 * time.Hour), URI: "u"}
			for range 5 {
				sess.Messages = append(sess.Messages, msg(api.RoleUser, benchText(rng)))
			}
			sessions = append(sessions, sess)
		}
		if _, err := s.SaveHistory(context.Background(), testBot, from, from+6, fetchedAt, sessions); err != nil {
			t.Fatal(err)
		}
		after()
	}
}

// wantWeeksFound checks that every week's word finds its conversation alone,
// and the shared word (three letters: trigram's shortest) finds them all.
func wantWeeksFound(t *testing.T, s *Store, n int) {
	t.Helper()
	ctx := context.Background()
	for w := range n {
		hits, err := s.Search(ctx, testBot, fmt.Sprintf("week%02d", w), 0)
		if err != nil {
			t.Fatal(err)
		}
		if len(hits) != 1 || hits[0].SessionID != int64(100+w) {
			t.Errorf("week%02d found %+v", w, hits)
		}
	}
	hits, err := s.Search(ctx, testBot, "iao", 0)
	if err != nil {
		t.Fatal(err)
	}
	var ids []int64
	for _, h := range hits {
		if h.SessionID < 10_000 {
			ids = append(ids, h.SessionID)
		}
	}
	slices.Sort(ids)
	if len(ids) != n || ids[0] != 100 || ids[n-1] != int64(100+n-1) {
		t.Errorf(`"iao" found sessions %v, want 100…%d`, ids, 100+n-1)
	}
}

// TestSavesLeaveTheirMessagesUnindexedAndSearchRight: a save adds nothing
// to the index (that is the store's work once idle), and search finds
// what it saved all the same.
func TestSavesLeaveTheirMessagesUnindexedAndSearchRight(t *testing.T) {
	sqliteOnly(t, "FTS5's segments; PostgreSQL keeps its trigram index up to date itself")
	s := openStore(t)
	const weeks = 12
	saveWeeksUnindexed(t, s, weeks, func() {})
	if got := ftsSegments(t, s); got != 0 {
		t.Errorf("%d segments after %d saves, want none: the saves indexed their messages", got, weeks)
	}
	if n, err := s.Unindexed(context.Background()); err != nil || n != weeks*(2+40*5) {
		t.Errorf("Unindexed = %d, %v; want every message saved, %d", n, err, weeks*(2+40*5))
	}
	wantWeeksFound(t, s, weeks)
	checkIntegrity(t, s) // indexes them
	wantWeeksFound(t, s, weeks)
}

// TestIndexingLeavesTheIndexUnmergedAndSearchRight: each step of indexing
// writes a segment and none is merged (FTS5's automerge would have merged
// every four).
func TestIndexingLeavesTheIndexUnmergedAndSearchRight(t *testing.T) {
	sqliteOnly(t, "FTS5's segments; PostgreSQL keeps its trigram index tidy itself")
	s := openStore(t)
	const weeks = 12
	saveWeeks(t, s, weeks)
	if got := ftsSegments(t, s); got != weeks {
		t.Errorf("%d segments after %d saves each indexed, want one a save", got, weeks)
	}
	wantWeeksFound(t, s, weeks)
	checkIntegrity(t, s)
}

func TestTidySearchMergesAndSearchStaysRight(t *testing.T) {
	sqliteOnly(t, "FTS5's segments; PostgreSQL keeps its trigram index tidy itself")
	s := openStore(t)
	const weeks = 12
	saveWeeks(t, s, weeks)
	ctx := context.Background()
	merged, err := s.TidySearch(ctx)
	if err != nil || !merged {
		t.Fatalf("TidySearch = %v, %v; want it to merge", merged, err)
	}
	if got := ftsSegments(t, s); got >= 4 {
		t.Errorf("%d segments after TidySearch, want fewer than 4", got)
	}
	wantWeeksFound(t, s, weeks)
	checkIntegrity(t, s)
	if merged, err := s.TidySearch(ctx); err != nil || merged {
		t.Errorf("a second TidySearch = %v, %v; want nothing to merge", merged, err)
	}
}

func TestTheStoreTidiesWhenIdle(t *testing.T) {
	sqliteOnly(t, "FTS5's segments; PostgreSQL keeps its trigram index tidy itself")
	defer func(d time.Duration) { tidyIdle = d }(tidyIdle)
	tidyIdle = 10 * time.Millisecond
	s := openStore(t)
	saveWeeksUnindexed(t, s, 12, func() {})
	waitTidied(t, s, "the last save")
	wantWeeksFound(t, s, 12)
}

// waitTidied waits until the idle store has indexed every message and
// merged the index's segments.
func waitTidied(t *testing.T, s *Store, since string) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		n, err := s.Unindexed(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		segs := ftsSegments(t, s)
		if n == 0 && segs > 0 && segs < 4 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("10 s after %s, %d messages unindexed and %d segments: the idle store did not index and merge them", since, n, segs)
		}
	}
}

// TestTheStoreTidiesOnceIdleAfterOpening: messages left unindexed and an
// index left unmerged (here by a process that closed before it was idle;
// also by an upgrade that made the index anew) are indexed and merged once
// the store that opens them is idle.
func TestTheStoreTidiesOnceIdleAfterOpening(t *testing.T) {
	defer func(d time.Duration) { tidyIdle = d }(tidyIdle)
	tidyIdle = time.Hour
	path := filepath.Join(t.TempDir(), "neotui.db")
	s, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	saveWeeksUnindexed(t, s, 12, func() {})
	s.Close()
	tidyIdle = 10 * time.Millisecond
	if s, err = Open(path); err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	waitTidied(t, s, "opening")
	wantWeeksFound(t, s, 12)
}

// TestIndexSearchSaysHowFar: indexing in steps tells the share done, which
// only grows and ends at 1, though rewritten conversations left gaps in
// the ids; and the search finds what it found before.
func TestIndexSearchSaysHowFar(t *testing.T) {
	sqliteOnly(t, "SQLite's index is filled in steps; PostgreSQL's keeps itself up to date")
	defer func(n int) { indexStep = n }(indexStep)
	indexStep = 100
	s := openStore(t)
	const weeks = 6
	saveWeeksUnindexed(t, s, weeks, func() {})
	// A conversation rewritten from its first message: a gap in the ids.
	ctx := context.Background()
	if _, err := s.SaveHistory(ctx, testBot, 0, 0, fetchedAt, []api.Session{{SessionID: 10_001,
		CreateTime: mustDay(t, "2024-01-01").Time().Add(2 * time.Hour), URI: "u",
		Messages: []api.Message{msg(api.RoleUser, "rewritten")}}}); err != nil {
		t.Fatal(err)
	}
	var shares []float64
	if err := s.IndexSearch(ctx, func(share float64) { shares = append(shares, share) }); err != nil {
		t.Fatal(err)
	}
	if len(shares) < 10 || shares[len(shares)-1] != 1 || !slices.IsSorted(shares) || shares[0] <= 0 {
		t.Errorf("progress %v: want many steps, growing, ending at 1", shares)
	}
	wantWeeksFound(t, s, weeks)
	checkIntegrity(t, s)
}
