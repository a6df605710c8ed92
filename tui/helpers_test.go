package tui

import (
	"bytes"
	"context"
	"io"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/teatest/v2"

	"github.com/neotui/neotui/api"
	"github.com/neotui/neotui/api/apitest"
	"github.com/neotui/neotui/internal/store"
)

// storePaths remembers where fillStore put each store.
var storePaths = map[*store.Store]string{}

// testNow is the fixed clock of the browser tests.
var testNow = time.Date(2026, 3, 10, 15, 0, 0, 0, time.UTC)

const testSerial = "tui-bot"

// fillStore saves a generated bot's last 20 days into a new store.
func fillStore(t testing.TB, sessions int) (*store.Store, *apitest.Bot) {
	t.Helper()
	return fillStoreAt(t, filepath.Join(t.TempDir(), "neotui.db"), sessions)
}

// fillStoreAt is fillStore with the store at path, a file or a postgres://
// URL.
func fillStoreAt(t testing.TB, path string, sessions int) (*store.Store, *apitest.Bot) {
	t.Helper()
	bot := apitest.Generate(apitest.Spec{Serial: testSerial, Name: "Test Shop", Sessions: sessions, Days: 20, End: testNow, Seed: 11, FirstID: 50001})
	st, err := store.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	storePaths[st] = path
	t.Cleanup(func() { st.Close() })
	ctx := context.Background()
	to := api.DayOf(testNow)
	from := to - 21
	if _, err := st.SaveHistory(ctx, testSerial, from, to, testNow, bot.Sessions(from, to)); err != nil {
		t.Fatal(err)
	}
	if _, err := st.SaveLeads(ctx, testSerial, from, to, testNow, bot.Leads(from, to)); err != nil {
		t.Fatal(err)
	}
	return st, bot
}

func testOptions(st *store.Store) Options {
	// No timers in tests but the ones a test sends itself.
	return Options{Store: st, BotName: "Test Shop", Serial: testSerial, Location: time.UTC,
		Now: func() time.Time { return testNow }, PollEvery: -1, RefreshEvery: -1, FlashFor: -1}
}

// start is a browser of w×h cells that has loaded the store.
func start(t testing.TB, st *store.Store, w, h int) Model {
	t.Helper()
	m := New(testOptions(st))
	t.Cleanup(m.Close)
	m = settle(t, m, func() tea.Msg { return tea.WindowSizeMsg{Width: w, Height: h} }, m.Init())
	return m
}

// settle runs cmds and feeds their messages to the model, and the commands
// those return, until nothing more arrives within a short wait. Commands
// that take longer (ticks) are dropped.
func settle(t testing.TB, m Model, cmds ...tea.Cmd) Model {
	t.Helper()
	for round := 0; round < 100; round++ {
		cmds = flatten(cmds)
		if len(cmds) == 0 {
			return m
		}
		results := make(chan tea.Msg, len(cmds))
		for _, c := range cmds {
			go func() { results <- c() }()
		}
		cmds = nil
		deadline := time.After(300 * time.Millisecond)
		waiting := cap(results)
	collect:
		for range cap(results) {
			select {
			case msg := <-results:
				waiting--
				if b, ok := msg.(tea.BatchMsg); ok {
					cmds = append(cmds, b...)
					continue
				}
				if msg == nil {
					continue
				}
				next, cmd := m.Update(msg)
				m = next.(Model)
				cmds = append(cmds, cmd)
			case <-deadline:
				late := lateMsgs(t)
				go func() {
					for range waiting {
						select {
						case late <- <-results:
						default: // nobody is waiting for it
						}
					}
				}()
				break collect
			}
		}
	}
	t.Fatal("the model never settled")
	return m
}

// late holds, per test, the messages of commands settle stopped waiting
// for: ticks mostly, but also work a loaded machine made slow (an export's
// fsync), which awaitModel picks up.
var late sync.Map // testing.TB → chan tea.Msg

func lateMsgs(t testing.TB) chan tea.Msg {
	c, _ := late.LoadOrStore(t, make(chan tea.Msg, 64))
	return c.(chan tea.Msg)
}

// awaitModel feeds m the messages that arrive late until ok(m) holds, for
// at most 10 seconds.
func awaitModel(t testing.TB, m Model, ok func(Model) bool) Model {
	t.Helper()
	timeout := time.After(10 * time.Second)
	for !ok(m) {
		select {
		case msg := <-lateMsgs(t):
			next, cmd := m.Update(msg)
			m = settle(t, next.(Model), cmd)
		case <-timeout:
			t.Fatal("waited 10 s for the model in vain")
		}
	}
	return m
}

func flatten(cmds []tea.Cmd) []tea.Cmd {
	var out []tea.Cmd
	for _, c := range cmds {
		if c != nil {
			out = append(out, c)
		}
	}
	return out
}

// press sends keys ("j", "enter", "ctrl+c", or text to type) and settles.
func press(t testing.TB, m Model, keys ...string) Model {
	t.Helper()
	for _, k := range keys {
		next, cmd := m.Update(keyMsg(k))
		m = settle(t, next.(Model), cmd)
	}
	return m
}

func keyMsg(k string) tea.KeyPressMsg {
	special := map[string]rune{
		"enter": tea.KeyEnter, "esc": tea.KeyEscape, "tab": tea.KeyTab, "up": tea.KeyUp, "down": tea.KeyDown,
		"pgdown": tea.KeyPgDown, "pgup": tea.KeyPgUp, "home": tea.KeyHome, "end": tea.KeyEnd, "backspace": tea.KeyBackspace,
	}
	switch {
	case k == "shift+tab":
		return tea.KeyPressMsg{Code: tea.KeyTab, Mod: tea.ModShift}
	case strings.HasPrefix(k, "ctrl+"):
		return tea.KeyPressMsg{Code: rune(k[5]), Mod: tea.ModCtrl}
	case special[k] != 0:
		return tea.KeyPressMsg{Code: special[k]}
	}
	r := []rune(k)[0]
	return tea.KeyPressMsg{Code: r, Text: k}
}

// typeText types s one key at a time.
func typeText(t testing.TB, m Model, s string) Model {
	t.Helper()
	for _, r := range s {
		m = press(t, m, string(r))
	}
	return m
}

// screen is the frame as plain text.
func screen(m Model) string { return ansi.Strip(m.View().Content) }

// checkFrame: exactly h lines, none wider than w.
func checkFrame(t testing.TB, m Model, w, h int) {
	t.Helper()
	lines := strings.Split(m.View().Content, "\n")
	if len(lines) != h {
		t.Errorf("frame has %d lines, want %d", len(lines), h)
	}
	for i, l := range lines {
		if got := ansi.StringWidth(l); got > w {
			t.Errorf("line %d is %d cells wide, want ≤ %d: %q", i, got, w, ansi.Strip(l))
		}
	}
}

func timeout() <-chan time.Time { return time.After(200 * time.Millisecond) }

func sizeCmd(w, h int) tea.Cmd {
	return func() tea.Msg { return tea.WindowSizeMsg{Width: w, Height: h} }
}

// runProgram runs m as a real program at 120×40, types keys once the first
// frame is up, quits, and returns everything written to the terminal.
func runProgram(t *testing.T, m Model, keys ...string) string {
	t.Helper()
	tm := teatest.NewTestModel(t, m, teatest.WithInitialTermSize(120, 40))
	teatest.WaitFor(t, tm.Output(), func(b []byte) bool { return bytes.Contains(b, []byte("Conversation ")) },
		teatest.WithDuration(10*time.Second))
	for _, k := range keys {
		tm.Send(keyMsg(k))
	}
	time.Sleep(300 * time.Millisecond)
	tm.Send(keyMsg("ctrl+c"))
	out, err := io.ReadAll(tm.FinalOutput(t, teatest.WithFinalTimeout(5*time.Second)))
	if err != nil {
		t.Fatal(err)
	}
	return string(out)
}

// paste sends s as one paste, as a terminal does: typing key by key would
// wait out a cursor blink per key.
func paste(t testing.TB, m Model, s string) Model {
	t.Helper()
	next, cmd := m.Update(tea.PasteMsg{Content: s})
	return settle(t, next.(Model), cmd)
}
