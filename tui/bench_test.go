package tui

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/neotui/neotui/api/apitest"
	"github.com/neotui/neotui/internal/demo"
	"github.com/neotui/neotui/internal/pgtest"
	"github.com/neotui/neotui/internal/store"
	"github.com/neotui/neotui/tui/list"
)

var (
	bigOnce  sync.Once
	bigPath  string
	bigError error
)

// bigStore is a store of 100k conversations and about 1M messages, built
// once per machine in the temporary directory, then reused: what
// `neotui demo --sessions 100000` builds (the same generator and filler, a
// bot of its own), indexed for search and the index merged as an idle
// browser does. With NEOTUI_TEST_STORE=postgres it is a database of the
// test server (pgtest.Kept), kept between runs too.
func bigStore(b *testing.B) *store.Store {
	b.Helper()
	bigOnce.Do(func() {
		if os.Getenv("NEOTUI_TEST_STORE") == "postgres" {
			bigPath = pgtest.Kept(b, "neotui_tuibench_v", fmt.Sprint(store.PostgresSchema()), fillBig)
			return
		}
		// Named by the schema it was built with: a newer neotui would
		// upgrade a store an older one could then no longer open.
		bigPath = filepath.Join(os.TempDir(), fmt.Sprintf("neotui-bench-100k-v2-schema%d.db", store.Schema()))
		if _, err := os.Stat(bigPath + ".done"); err == nil {
			return
		}
		os.Remove(bigPath)
		if bigError = fillBig(bigPath); bigError != nil {
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

// fillBig fills the new store at (a file or a postgres:// URL) as bigStore
// says, indexed and merged for search (analyzed, on PostgreSQL).
func fillBig(at string) error {
	st, err := store.Open(at)
	if err != nil {
		return err
	}
	defer st.Close()
	bot := apitest.Generate(apitest.Spec{Serial: testSerial, Sessions: 100_000, Days: 365, End: testNow, Seed: 5})
	ctx := context.Background()
	if err := demo.Fill(ctx, st, testNow, nil, bot); err != nil {
		return err
	}
	if err := st.IndexSearch(ctx, nil); err != nil {
		return err
	}
	_, err = st.TidySearch(ctx)
	return err
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
		model, _ = model.Update(m.leads.load(0, firstPage)())
		model, _ = model.Update(loadSessions(m.sh, 0, firstPage, sortNewest, list.Rows{})())
		frame := model.View()
		if len(frame.Content) < 1000 {
			b.Fatalf("first frame is nearly empty: %q", frame.Content)
		}
		m.Close()
	}
}

// BenchmarkFullLoad: the load that follows the first frame, as after start
// over a store of 100k conversations / 25k leads: every row of the tab read
// and indexed for the filter over the first page, and the frame that shows
// them all. load-ms is the command (off the update loop), load-cpu-ms the
// CPU time the process spent in it, all threads (what a machine shared
// with other work disturbs least), update-ms Update with its result and
// the frame (on it); B/op is what the load allocates.
// Target ≤ 100 ms and ≤ 30 MB for the conversations.
func BenchmarkFullLoad(b *testing.B) {
	st := bigStore(b)
	b.Run("conversations", func(b *testing.B) {
		fullLoad(b, st, func(m *Model) tea.Cmd { return m.sessions.reload() }, func(m Model) int { return m.sessions.list.Len() })
	})
	b.Run("leads", func(b *testing.B) {
		fullLoad(b, st, func(m *Model) tea.Cmd { return m.leads.reload() }, func(m Model) int { return m.leads.list.Len() })
	})
}

// fullLoad times the load reload makes of a browser showing its first
// pages, each time a new browser, after a collection.
func fullLoad(b *testing.B, st *store.Store, reload func(*Model) tea.Cmd, rows func(Model) int) {
	var load, loadCPU, update time.Duration
	b.ReportAllocs()
	for b.Loop() {
		b.StopTimer()
		m := New(testOptions(st))
		var model tea.Model = m
		model, _ = model.Update(tea.WindowSizeMsg{Width: 120, Height: 40})
		model, _ = model.Update(m.leads.load(0, firstPage)())
		model, _ = model.Update(loadSessions(m.sh, 0, firstPage, sortNewest, list.Rows{})())
		_ = model.View()
		first := model.(Model)
		cmd := reload(&first)
		runtime.GC()
		b.StartTimer()

		start, startCPU := time.Now(), cpuTime()
		msg := cmd()
		loaded := time.Now()
		loadCPU += cpuTime() - startCPU
		next, _ := first.Update(msg)
		_ = next.View()
		load += loaded.Sub(start)
		update += time.Since(loaded)

		b.StopTimer()
		if n := rows(next.(Model)); n <= firstPage {
			b.Fatalf("%d rows after the full load", n)
		}
		m.Close()
		b.StartTimer()
	}
	b.ReportMetric(float64(load.Microseconds())/1000/float64(b.N), "load-ms")
	b.ReportMetric(float64(loadCPU.Microseconds())/1000/float64(b.N), "load-cpu-ms")
	b.ReportMetric(float64(update.Microseconds())/1000/float64(b.N), "update-ms")
}

// cpuTime is the CPU time this process has used, all threads.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkKeystroke is a key of the live filter as the user meets it in
// the browser over the big store (25k leads, 100k conversations) at 120×40,
// the detail beside the list: Update with the key and the frame that shows
// it in the box, the filter command, Update with its result and the frame
// that shows the rows. The detail following the new first row (a store
// read and a render, off the update loop) is not counted. narrow types a
// letter that narrows the last query, widen erases one (everything is
// searched), fuzzy types a letter of a word no row holds as written.
func BenchmarkKeystroke(b *testing.B) {
	st := bigStore(b)
	opts := testOptions(st)
	m := New(opts)
	b.Cleanup(m.Close)
	m = settle(b, m, sizeCmd(120, 40))
	// Loaded here, not in settle: 100k rows take longer than it waits.
	for _, load := range []tea.Cmd{m.leads.load(0, 0), loadSessions(m.sh, 0, 0, sortNewest, list.Rows{})} {
		next, cmd := m.Update(load())
		m = settle(b, next.(Model), cmd)
	}
	for _, c := range []struct {
		name, tab, typed, key string
		fuzzy                 bool
	}{
		{"leads/narrow", "1", "mar", "t", false},
		{"leads/widen", "1", "mart", "backspace", false},
		{"leads/fuzzy", "1", "mrtn", "z", true},
		{"conversations/narrow", "2", "hor", "a", false},
		{"conversations/widen", "2", "hora", "backspace", false},
		{"conversations/fuzzy", "2", "prc", "s", true},
	} {
		b.Run(c.name, func(b *testing.B) {
			base := typeText(b, press(b, m, c.tab, "/"), c.typed)
			after := keystroke(b, base, keyMsg(c.key))
			l := after.activeList()
			// The filter bar marks near matches with ≈.
			if fuzzy := strings.Contains(l.View(), "≈ "); l.VisibleLen() == 0 || fuzzy != c.fuzzy {
				b.Fatalf("%q shows %d rows, fuzzy %v; want some, fuzzy %v", l.FilterValue(), l.VisibleLen(), fuzzy, c.fuzzy)
			}
			b.ReportAllocs()
			for b.Loop() {
				keystroke(b, base, keyMsg(c.key))
			}
		})
	}
}

// keystroke runs a key as the program does, the commands it returns at
// once: Update and a frame, then Update and a frame per message of the
// key's commands (the filter's result). Commands those return are not run.
func keystroke(b *testing.B, m Model, k tea.KeyPressMsg) Model {
	next, cmd := m.Update(k)
	_ = next.View()
	for _, msg := range cmdMessages(cmd) {
		next, _ = next.Update(msg)
		_ = next.View()
	}
	return next.(Model)
}

// cmdMessages runs cmd and the commands of its batches, in order.
func cmdMessages(cmd tea.Cmd) []tea.Msg {
	if cmd == nil {
		return nil
	}
	msg := cmd()
	batch, ok := msg.(tea.BatchMsg)
	if !ok {
		if msg == nil {
			return nil
		}
		return []tea.Msg{msg}
	}
	var msgs []tea.Msg
	for _, c := range batch {
		msgs = append(msgs, cmdMessages(c)...)
	}
	return msgs
}
