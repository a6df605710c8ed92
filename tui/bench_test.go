package tui

import (
	"context"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/neotui/neotui/api/apitest"
	"github.com/neotui/neotui/internal/demo"
	"github.com/neotui/neotui/internal/store"
)

var (
	bigOnce  sync.Once
	bigPath  string
	bigError error
)

// bigStore is a store of 100k conversations and about 1M messages, built
// once per machine in the temporary directory, then reused: what
// `neotui demo --sessions 100000` builds (the same generator and filler, a
// bot of its own), its search index merged as an idle browser merges it.
func bigStore(b *testing.B) *store.Store {
	b.Helper()
	bigOnce.Do(func() {
		bigPath = filepath.Join(os.TempDir(), "neotui-bench-100k-v1.db")
		if _, err := os.Stat(bigPath + ".done"); err == nil {
			return
		}
		os.Remove(bigPath)
		st, err := store.Open(bigPath)
		if err != nil {
			bigError = err
			return
		}
		defer st.Close()
		bot := apitest.Generate(apitest.Spec{Serial: testSerial, Sessions: 100_000, Days: 365, End: testNow, Seed: 5})
		ctx := context.Background()
		if bigError = demo.Fill(ctx, st, testNow, nil, bot); bigError != nil {
			return
		}
		if _, bigError = st.TidySearch(ctx); bigError != nil {
			return
		}
		bigError = os.WriteFile(bigPath+".done", nil, 0o600)
	})
	if bigError != nil {
		b.Fatal(bigError)
	}
	st, err := store.Open(bigPath)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { st.Close() })
	return st
}

// BenchmarkFirstFrame: from New to the first frame with both lists filled,
// over a warm store of 100k conversations / 1M messages. Target ≤ 100 ms.
func BenchmarkFirstFrame(b *testing.B) {
	st := bigStore(b)
	opts := testOptions(st)
	for b.Loop() {
		m := New(opts)
		var model tea.Model = m
		model, _ = model.Update(tea.WindowSizeMsg{Width: 120, Height: 40})
		model, _ = model.Update(loadLeads(m.sh, 0, firstPage)())
		model, _ = model.Update(loadSessions(m.sh, 0, firstPage)())
		frame := model.View()
		if len(frame.Content) < 1000 {
			b.Fatalf("first frame is nearly empty: %q", frame.Content)
		}
		m.Close()
	}
}

// BenchmarkFullLoad: the load that follows the first frame, every one of
// the 100k conversations into the list (off the first frame's path).
func BenchmarkFullLoad(b *testing.B) {
	st := bigStore(b)
	m := New(testOptions(st))
	defer m.Close()
	var model tea.Model = m
	model, _ = model.Update(tea.WindowSizeMsg{Width: 120, Height: 40})
	for b.Loop() {
		start := time.Now()
		msg := loadSessions(m.sh, 0, 0)() // the query and the rows, off the UI goroutine
		loaded := time.Now()
		model, _ = model.Update(msg)
		b.ReportMetric(float64(loaded.Sub(start).Microseconds())/1000, "load-ms")
		b.ReportMetric(float64(time.Since(loaded).Microseconds())/1000, "update-ms")
	}
	if n := sessionList(model.(Model)).Len(); n != 100_000 {
		b.Fatalf("%d sessions loaded", n)
	}
}
