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

// saveWeeks saves n weekly windows, a week a save as a sync does. Each week
// has a conversation whose message holds a word of its own ("weekNN") and
// one word all share, among others of random words: enough text that
// FTS5's automerge, which works per 64 pages written, would merge.
func saveWeeks(t *testing.T, s *Store, n int) {
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

func TestSavesLeaveTheIndexUnmergedAndSearchRight(t *testing.T) {
	sqliteOnly(t, "FTS5's segments; PostgreSQL keeps its trigram index tidy itself")
	s := openStore(t)
	const weeks = 12
	saveWeeks(t, s, weeks)
	// Each save wrote a segment and none was merged: FTS5's automerge would
	// have merged every four.
	if got := ftsSegments(t, s); got != weeks {
		t.Errorf("%d segments after %d saves, want one a save", got, weeks)
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
	saveWeeks(t, s, 12)
	for deadline := time.Now().Add(10 * time.Second); ftsSegments(t, s) >= 4; time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("%d segments 10 s after the last save: the idle store did not merge them", ftsSegments(t, s))
		}
	}
	wantWeeksFound(t, s, 12)
}

// TestTheStoreTidiesOnceIdleAfterOpening: an index left unmerged (here by
// a process that closed before it was idle; also by an upgrade that made
// the index anew) is merged once the store that opens it is idle.
func TestTheStoreTidiesOnceIdleAfterOpening(t *testing.T) {
	defer func(d time.Duration) { tidyIdle = d }(tidyIdle)
	tidyIdle = time.Hour
	path := filepath.Join(t.TempDir(), "neotui.db")
	s, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	saveWeeks(t, s, 12)
	s.Close()
	tidyIdle = 10 * time.Millisecond
	if s, err = Open(path); err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for deadline := time.Now().Add(10 * time.Second); ftsSegments(t, s) >= 4; time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("%d segments 10 s after opening: the idle store did not merge them", ftsSegments(t, s))
		}
	}
	wantWeeksFound(t, s, 12)
}
