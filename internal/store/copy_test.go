package store

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/neotui/neotui/api"
	"github.com/neotui/neotui/api/apitest"
	"github.com/neotui/neotui/internal/pgtest"
)

// copyVia is where TestCopy's round trip goes through: a PostgreSQL
// database when the tests have a server, else another file.
func copyVia(t *testing.T) string {
	if os.Getenv(pgtest.URLEnv) != "" {
		return pgtest.Database(t)
	}
	return filepath.Join(t.TempDir(), "via.db")
}

// fillForCopy fills s with two bots' conversations and leads, a message
// holding NUL, triage, notes (one deleted: its id is never to come back),
// a visit and a remembered window.
func fillForCopy(t *testing.T, s *Store) (bot string, deletedNote int64) {
	t.Helper()
	ctx := context.Background()
	for i, serial := range []string{"bot-a", "bot-b"} {
		b := apitest.Generate(apitest.Spec{Serial: serial, Sessions: 150, Days: 20, End: fetchedAt, Seed: int64(7 + i)})
		first, last := b.Days()
		if _, err := s.SaveLeads(ctx, serial, first, last, fetchedAt, b.Leads(first, last)); err != nil {
			t.Fatal(err)
		}
		sessions := b.Sessions(first, last)
		sessions = append(sessions, api.Session{SessionID: 99_000 + int64(i), CreateTime: fetchedAt.Add(-time.Hour), URI: "https://x.example/",
			Messages: []api.Message{{Type: api.RoleUser, Content: "Zqxjì nul\x00byte and \uFFFF and \x1b]0;title\x07"}}})
		if _, err := s.SaveHistory(ctx, serial, first, last, fetchedAt, sessions); err != nil {
			t.Fatal(err)
		}
	}
	leads, err := s.Leads(ctx, LeadQuery{Bot: "bot-a"})
	if err != nil || len(leads) < 3 {
		t.Fatalf("%d leads, %v", len(leads), err)
	}
	at := fetchedAt.Add(time.Minute)
	k0, k1 := leads[0].Key, leads[1].Key
	c, err := s.SetStatus(ctx, "bot-a", k0, StatusContacted, 0, at, "ana")
	if err == nil {
		_, err = s.ToggleStar(ctx, "bot-a", k0, c.After.Version, at, "bo")
	}
	if err == nil {
		_, err = s.Snooze(ctx, "bot-a", k1, at.Add(48*time.Hour), 0, at, "ana")
	}
	if err == nil {
		_, err = s.SetSeen(ctx, "bot-a", leads[2].Key, true, -1, at, "ana")
	}
	if err != nil {
		t.Fatal(err)
	}
	n1, err := s.AddNote(ctx, "bot-a", k0, "ana", "called, no answer", at)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.EditNote(ctx, n1, "called twice, no answer", at.Add(time.Minute), "bo"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.AddNote(ctx, "bot-a", leads[2].Key, "bo", "a note only", at); err != nil {
		t.Fatal(err)
	}
	n3, err := s.AddNote(ctx, "bot-a", k1, "ana", "to delete", at)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.DeleteNote(ctx, n3, "ana"); err != nil {
		t.Fatal(err)
	}
	if err := s.RecordVisit(ctx, "bot-a", "ana", at); err != nil {
		t.Fatal(err)
	}
	if err := s.SetHistoryWindow(ctx, "bot-b", 7); err != nil {
		t.Fatal(err)
	}
	return "bot-a", n3.ID
}

// dumpCopied prints every row of every table Copy copies, with what the
// store derives (has_lead, a lead's count of notes), to compare stores of
// one kind.
func dumpCopied(t *testing.T, s *Store) string {
	t.Helper()
	var b strings.Builder
	for _, table := range copyTables {
		dumpRows(t, s, &b, table.name, "SELECT * FROM "+table.name+" ORDER BY "+table.order)
	}
	return b.String()
}

func mustOpen(t *testing.T, where string) *Store {
	t.Helper()
	s, err := Open(where)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// TestCopy: a store copied (into PostgreSQL, when the tests have one) and
// back holds every row it held, with what the store derives made again,
// searches alike, and never hands out a deleted note's id.
func TestCopy(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	src := mustOpen(t, filepath.Join(dir, "src.db"))
	bot, deleted := fillForCopy(t, src)

	via := mustOpen(t, copyVia(t))
	var last CopyProgress
	copied, err := Copy(ctx, via, src, func(p CopyProgress) { last = p })
	if err != nil {
		t.Fatal(err)
	}
	if last.Doing != "merging the search index" {
		t.Errorf("the last progress was %+v", last)
	}
	checkIntegrity(t, via)
	back := mustOpen(t, filepath.Join(dir, "back.db"))
	if _, err := Copy(ctx, back, via, nil); err != nil {
		t.Fatal(err)
	}
	// The copy opens with every message indexed (checkIntegrity would
	// index what waits: it is asked first).
	if n, err := back.Unindexed(ctx); err != nil || n != 0 {
		t.Errorf("the copy has %d messages waiting for the search index (%v), want none", n, err)
	}
	checkIntegrity(t, back)
	if got, want := dumpCopied(t, back), dumpCopied(t, src); got != want {
		t.Errorf("the store copied and back differs:\n%s", firstDiff(got, want))
	}
	byNoun := map[string]int{}
	for _, c := range copied {
		byNoun[c.Noun] = c.Rows
	}
	if byNoun["conversation"] != 302 || byNoun["note"] != 2 || byNoun["history window"] != 1 || byNoun["visit"] != 1 {
		t.Errorf("copied %v", copied)
	}

	for _, s := range []*Store{via, back} {
		for _, q := range []string{"zqxji", "ZQXJÌ NUL", "jì"} { // folded, as the store's own search folds
			hits, err := s.Search(ctx, bot, q, 10)
			if err != nil || len(hits) != 1 {
				t.Errorf("%q on the copy: %d hits, %v", q, len(hits), err)
			}
		}
		if hits, err := s.Search(ctx, bot, "ж", 10); err != nil || len(hits) != 0 {
			t.Errorf("a letter in no message found %d hits on the copy, %v", len(hits), err)
		}
		leads, err := s.Leads(ctx, LeadQuery{Bot: bot})
		if err != nil {
			t.Fatal(err)
		}
		n, err := s.AddNote(ctx, bot, leads[0].Key, "ana", "after the copy", fetchedAt)
		if err != nil {
			t.Fatal(err)
		}
		if n.ID <= deleted {
			t.Errorf("a note added to the copy took id %d; the deleted note had %d", n.ID, deleted)
		}
	}
}

// firstDiff is the first line where two dumps differ.
func firstDiff(got, want string) string {
	g, w := strings.Split(got, "\n"), strings.Split(want, "\n")
	for i := range min(len(g), len(w)) {
		if g[i] != w[i] {
			return fmt.Sprintf("line %d:\n got  %.300s\n want %.300s", i, g[i], w[i])
		}
	}
	return fmt.Sprintf("%d lines, want %d", len(g), len(w))
}

// TestCopyRefusesNotEmpty: a destination holding data is left as it is.
func TestCopyRefusesNotEmpty(t *testing.T) {
	ctx := context.Background()
	src := mustOpen(t, filepath.Join(t.TempDir(), "src.db"))
	fillForCopy(t, src)
	dst := mustOpen(t, copyVia(t))
	if err := dst.SetHistoryWindow(ctx, "bot-x", 3); err != nil {
		t.Fatal(err)
	}
	before := dumpCopied(t, dst)
	if _, err := Copy(ctx, dst, src, nil); !errors.Is(err, ErrNotEmpty) {
		t.Fatalf("Copy into a store holding a window: %v, want ErrNotEmpty", err)
	}
	if after := dumpCopied(t, dst); after != before {
		t.Errorf("the refused destination changed:\n%s", firstDiff(after, before))
	}
}

// TestCopyFailsWhole: a Copy stopped half way leaves the destination
// empty, and a second Copy into it then succeeds.
func TestCopyFailsWhole(t *testing.T) {
	src := mustOpen(t, filepath.Join(t.TempDir(), "src.db"))
	fillForCopy(t, src)
	dst := mustOpen(t, copyVia(t))
	ctx, cancel := context.WithCancel(context.Background())
	_, err := Copy(ctx, dst, src, func(p CopyProgress) {
		if p.Doing == "copying leads" {
			cancel() // once the conversations and messages are written
		}
	})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("Copy cancelled half way: %v", err)
	}
	if got := dumpCopied(t, dst); got != "" {
		t.Fatalf("a failed copy left rows behind:\n%.500s", got)
	}
	if _, err := Copy(context.Background(), dst, src, nil); err != nil {
		t.Fatalf("Copy after a failed one: %v", err)
	}
}

// BenchmarkCopy copies the benchmarks' store (1M messages) into a new file
// and, when the tests have a server, into a new PostgreSQL database.
func BenchmarkCopy(b *testing.B) {
	src := benchStore(b)
	dests := map[string]func(b *testing.B) string{
		"file": func(b *testing.B) string { return filepath.Join(b.TempDir(), "copy.db") },
	}
	if os.Getenv(pgtest.URLEnv) != "" {
		dests["postgres"] = func(b *testing.B) string { return pgtest.Database(b) }
	}
	for name, dest := range dests {
		b.Run(name, func(b *testing.B) {
			var elapsed time.Duration
			for b.Loop() {
				b.StopTimer()
				dst, err := Open(dest(b))
				if err != nil {
					b.Fatal(err)
				}
				b.StartTimer()
				start := time.Now()
				if _, err := Copy(context.Background(), dst, src, nil); err != nil {
					b.Fatal(err)
				}
				elapsed += time.Since(start)
				b.StopTimer()
				dst.Close()
				b.StartTimer()
			}
			b.ReportMetric(float64(b.N*benchSessions*benchMessages)/elapsed.Seconds(), "messages/s")
		})
	}
}
