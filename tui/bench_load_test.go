package tui

import (
	"runtime"
	"testing"

	tea "charm.land/bubbletea/v2"

	"github.com/neotui/neotui/internal/store"
	"github.com/neotui/neotui/tui/list"
)

// BenchmarkSearch: a query as the user meets it over 100k conversations /
// 1.1M messages, from the search asked for to its first screen drawn (the
// read, the rows, the frame). Target ≤ 50 ms for the first screen, any
// query. Rare words and words in a few thousand messages (about 0.2%) are
// the hard ones: a page of them is not among the newest conversations.
func BenchmarkSearch(b *testing.B) {
	st := bigStore(b)
	m := New(testOptions(st))
	defer m.Close()
	var model tea.Model = m
	model, _ = model.Update(tea.WindowSizeMsg{Width: 120, Height: 40})
	model, _ = model.Update(keyMsg("3"))
	for _, bc := range []struct{ name, query string }{
		{"1 letter", "a"},
		{"1 letter rare", "="}, // in one message
		{"1 letter none", "ж"},
		{"2 letters", "ok"},
		{"2 letters some", "99"},     // in 0.2% of messages
		{"2 letters accented", "ló"}, // in 0.2%; the index holds it as "lo", in 20%
		{"2 letters 1%", "jp"},       // in 1% of conversations
		{"2 letters rare", "u5"},     // in 3 messages
		{"2 letters none", "qx"},
		{"3 letters", "ord"},
		{"3 letters none", "zqx"},
		{"word", "sardegna"},
		{"2 words", "ordine grande"},
		{"2 short words", "de el"},
		{"2 words none", "qx ordine"}, // a rare short word, a common long one
	} {
		b.Run(bc.name, func(b *testing.B) {
			var rows int
			for b.Loop() {
				msg := searchMessages(m.sh, searchSeq(model.(Model)), bc.query, store.Cursor{})()
				next, _ := model.Update(msg)
				next.View()
				rows = hitList(next.(Model)).Len()
			}
			b.ReportMetric(float64(rows), "rows")
		})
	}
}

// BenchmarkLiveHeap: the memory the browser holds (the live heap after a
// collection) with every lead and conversation of a store of 100k
// conversations / 25k leads loaded, then with a search's first page. The
// process's RSS is this, plus garbage not yet collected, plus the binary.
func BenchmarkLiveHeap(b *testing.B) {
	st := bigStore(b)
	for b.Loop() {
		base := liveMB()
		m := New(testOptions(st))
		var model tea.Model = m
		model, _ = model.Update(tea.WindowSizeMsg{Width: 120, Height: 40})
		model, _ = model.Update(m.leads.load(0, 0)())
		leads := liveMB()
		model, _ = model.Update(loadSessions(m.sh, 0, 0, sortNewest, list.Rows{})())
		lists := liveMB()
		model, _ = model.Update(keyMsg("3"))
		model, _ = model.Update(searchMessages(m.sh, searchSeq(model.(Model)), "ok", store.Cursor{})())
		search := liveMB()
		b.ReportMetric(leads-base, "leads-MB")
		b.ReportMetric(lists-leads, "sessions-MB")
		b.ReportMetric(search-base, "all-MB")
		runtime.KeepAlive(model)
		m.Close()
	}
}

// liveMB is the live heap, in MB, after a full collection.
func liveMB() float64 {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return float64(ms.HeapAlloc) / (1 << 20)
}
