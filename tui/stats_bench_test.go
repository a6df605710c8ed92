package tui

import (
	"context"
	"testing"

	"github.com/neotui/neotui/api"
	"github.com/neotui/neotui/internal/store"
)

// BenchmarkReport: the Stats tab's figures (and neotui report's) over the
// store of 100k conversations / 1M messages, for the ranges the tab offers.
// Target ≤ 100 ms.
func BenchmarkReport(b *testing.B) {
	st := bigStore(b)
	today := api.DayOf(testNow)
	for _, bc := range []struct {
		name string
		days api.Day
	}{{"7d", 7}, {"30d", 30}, {"90d", 90}} {
		b.Run(bc.name, func(b *testing.B) {
			q := store.ReportQuery{Bot: testSerial, From: today - bc.days + 1, To: today}
			for b.Loop() {
				rep, err := st.Report(context.Background(), q)
				if err != nil {
					b.Fatal(err)
				}
				if rep.Conversations == 0 {
					b.Fatal("no conversations in the period")
				}
			}
		})
	}
}

// BenchmarkStatsView: a frame of the Stats tab, drawn on every key and
// spinner tick while it shows.
func BenchmarkStatsView(b *testing.B) {
	st, _ := fillStore(b, 60)
	m := press(b, start(b, st, 120, 36), "4")
	for b.Loop() {
		if len(m.View().Content) < 1000 {
			b.Fatal("an empty frame")
		}
	}
}
