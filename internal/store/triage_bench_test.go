package store

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/neotui/neotui/api"
)

const benchTriageLeads = 25_000

// triageBenchStore holds 25k leads of benchBot, one every 30 minutes, each
// with a triage row (statuses in turn, a seventh starred, two thirds seen, a
// tenth snoozed), a tenth of them with notes, and a few hundred leads of
// another bot.
func triageBenchStore(b *testing.B) *Store {
	s, err := Open(filepath.Join(b.TempDir(), "neotui.db"))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Close() })
	ctx := context.Background()
	leads := make([]api.Lead, benchTriageLeads)
	for i := range leads {
		leads[i] = api.Lead{Type: api.TypeLead, Name: fmt.Sprintf("Visitor %d", i),
			Email:       fmt.Sprintf("visitor%d@example.com", i%20_000), // some return
			PhoneNumber: fmt.Sprintf("+39 338 %07d", i%15_000),
			CreateTime:  benchStart.Add(time.Duration(i) * 30 * time.Minute), SessionID: int64(i + 1),
			Content: "Vorrei un preventivo per la prossima settimana", URI: "https://example.com/contatti", Count: 1}
	}
	if _, err := s.SaveLeads(ctx, benchBot, 0, 0, benchStart, leads); err != nil {
		b.Fatal(err)
	}
	if _, err := s.SaveLeads(ctx, "other-bot", 0, 0, benchStart, leads[:300]); err != nil {
		b.Fatal(err)
	}
	// Written directly, in one transaction: 25k actions one by one would
	// take the benchmark's setup seconds and measure nothing more.
	tx, err := s.db.Begin()
	if err != nil {
		b.Fatal(err)
	}
	now := benchStart.Add(benchTriageLeads * 30 * time.Minute)
	for i, l := range leads {
		key := LeadKey(benchBot, l)
		var seen, snoozed any
		if i%3 != 0 {
			seen = unixNano(l.CreateTime.Add(time.Hour))
		}
		if i%10 == 0 {
			snoozed = unixNano(now.Add(time.Duration(i%7-3) * 24 * time.Hour))
		}
		if _, err := tx.Exec(`
			INSERT INTO triage (bot, lead_key, status, starred, snoozed_until, seen_at, updated_at, updated_by, version)
			VALUES (?, ?, ?, ?, ?, ?, ?, 'ana', ?)`,
			benchBot, key, string(Statuses[i%len(Statuses)]), i%7 == 0, snoozed, seen, unixNano(now), 1+i%4); err != nil {
			b.Fatal(err)
		}
		notes := 0
		if i%10 == 5 {
			notes = 1 + i%3
		}
		for j := range notes {
			if _, err := tx.Exec(`
				INSERT INTO notes (bot, lead_key, author, body, created_at, updated_at) VALUES (?, ?, 'ana', ?, ?, ?)`,
				benchBot, key, fmt.Sprintf("called, note %d", j), unixNano(now), unixNano(now)); err != nil {
				b.Fatal(err)
			}
		}
	}
	if err := tx.Commit(); err != nil {
		b.Fatal(err)
	}
	return s
}

func BenchmarkLeadsWithTriage(b *testing.B) {
	s := triageBenchStore(b)
	ctx := context.Background()
	now := benchStart.Add(benchTriageLeads * 30 * time.Minute)
	for _, bc := range []struct {
		name string
		q    LeadQuery
		want int
	}{
		{"newest 500", LeadQuery{Bot: benchBot, Limit: 500}, 500},
		{"all", LeadQuery{Bot: benchBot}, benchTriageLeads},
		{"inbox: new, unseen, awake, 500", LeadQuery{Bot: benchBot, Status: StatusNew, Unseen: true, HideSnoozedAt: now, Limit: 500}, 500},
		{"starred, all", LeadQuery{Bot: benchBot, Starred: true}, (benchTriageLeads + 6) / 7},
		{"all bots, newest 500", LeadQuery{AllBots: true, Limit: 500}, 500},
	} {
		b.Run(bc.name, func(b *testing.B) {
			for b.Loop() {
				leads, err := s.Leads(ctx, bc.q)
				if err != nil || len(leads) < bc.want*9/10 || len(leads) > bc.want {
					b.Fatalf("%d leads, want about %d: %v", len(leads), bc.want, err)
				}
			}
		})
	}

	newest, err := s.Leads(ctx, LeadQuery{Bot: benchBot, Limit: 1})
	if err != nil {
		b.Fatal(err)
	}
	b.Run("related", func(b *testing.B) {
		for b.Loop() {
			if r, err := s.Related(ctx, newest[0]); err != nil || len(r) == 0 {
				b.Fatalf("%d related, %v", len(r), err)
			}
		}
	})
	b.Run("triage seq", func(b *testing.B) {
		for b.Loop() {
			if _, err := s.TriageSeq(ctx); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("set status", func(b *testing.B) {
		i := 0
		for b.Loop() {
			if _, err := s.SetStatus(ctx, benchBot, newest[0].Key, Statuses[i%len(Statuses)], -1, now, "ana"); err != nil {
				b.Fatal(err)
			}
			i++
		}
	})
	// A status set on a lead a teammate starred meanwhile: the action reads
	// the log rows in between to see that they do not clash.
	b.Run("set status past a teammate's star", func(b *testing.B) {
		key, i := newest[0].Key, 0
		for b.Loop() {
			read, err := s.Triage(ctx, benchBot, key)
			if err != nil {
				b.Fatal(err)
			}
			if _, err := s.ToggleStar(ctx, benchBot, key, -1, now, "bob"); err != nil {
				b.Fatal(err)
			}
			if _, err := s.SetStatus(ctx, benchBot, key, Statuses[i%len(Statuses)], read.Version, now, "ana"); err != nil {
				b.Fatal(err)
			}
			i++
		}
	})
}
