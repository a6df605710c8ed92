package cli

import (
	"errors"
	"io"
	"path/filepath"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/neotui/neotui/internal/store"
	"github.com/neotui/neotui/tui"
)

// newOpening is the browser's start over an empty store, the browser made
// as runBrowser makes it once the store is open.
func newOpening(t *testing.T) (opening, *browserStart) {
	t.Helper()
	st, err := store.Open(filepath.Join(t.TempDir(), "neotui.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	b := newBrowserStart(io.Discard)
	b.newBrowser = func([]*session) tui.Model {
		return tui.New(tui.Options{Store: st, BotName: "Test Shop", Serial: "s1", Location: time.UTC,
			PollEvery: -1, RefreshEvery: -1, FlashFor: -1})
	}
	return opening{b: b}, b
}

func press(s string) tea.KeyPressMsg {
	if s == "ctrl+c" {
		return tea.KeyPressMsg{Code: 'c', Mod: tea.ModCtrl}
	}
	return tea.KeyPressMsg{Code: rune(s[0]), Text: s}
}

// TestOpeningHandsOnWhatTheTerminalSent: the size and the keys that arrive
// while the store opens reach the browser, in order, once it is made.
func TestOpeningHandsOnWhatTheTerminalSent(t *testing.T) {
	o, b := newOpening(t)
	var m tea.Model = o
	m, _ = m.Update(tea.WindowSizeMsg{Width: 80, Height: 24})
	m, _ = m.Update(press("?"))
	if got := m.View().Content; got != "" {
		t.Errorf("the opening draws %q before it is slow", got)
	}
	m, cmd := m.Update(storeOpenedMsg{})
	if _, ok := m.(tui.Model); !ok || cmd == nil {
		t.Fatalf("the opened store did not hand over to the browser: %T", m)
	}
	view := m.View()
	lines := strings.Split(ansi.Strip(view.Content), "\n")
	if len(lines) != 24 || !view.AltScreen {
		t.Fatalf("the browser's frame is %d lines (alt screen %v), want 24 as the terminal said", len(lines), view.AltScreen)
	}
	if !strings.Contains(ansi.Strip(view.Content), "Keys  (esc close") {
		t.Errorf("the ? typed while the store opened did not reach the browser:\n%s", ansi.Strip(view.Content))
	}
	if err := b.end(); err != nil {
		t.Errorf("end: %v", err)
	}
}

// TestOpeningMakesTheBrowser: once the store is open, the browser is made
// and takes over, drawing its frame at the terminal's size, and the
// browser's GOGC is set.
func TestOpeningMakesTheBrowser(t *testing.T) {
	o, b := newOpening(t)
	settled := false
	b.settle = func() { settled = true }
	b.start(func(func(string)) ([]*session, func() error, error) { return nil, func() error { return nil }, nil })
	defer b.end()
	var m tea.Model = o
	m, _ = m.Update(tea.WindowSizeMsg{Width: 120, Height: 30})
	m, _ = m.Update(o.wait()())
	if _, ok := m.(tui.Model); !ok {
		t.Fatalf("the opened store did not hand over to the browser: %T", m)
	}
	if lines := strings.Count(ansi.Strip(m.View().Content), "\n") + 1; lines != 30 {
		t.Errorf("the browser's frame is %d lines, want the 30 the terminal said", lines)
	}
	if !settled {
		t.Error("the browser's GOGC was not set once it was made")
	}
}

// TestOpeningBrowserPanics: a browser that panics as it is made (in
// Update, where Bubble Tea recovers it and restores the terminal) leaves
// the opening able to end, and the store that opened closed.
func TestOpeningBrowserPanics(t *testing.T) {
	o, b := newOpening(t)
	b.newBrowser = func([]*session) tui.Model { panic("a visitor's text the browser chokes on") }
	closed := make(chan struct{})
	b.start(func(func(string)) ([]*session, func() error, error) {
		return nil, func() error { close(closed); return nil }, nil
	})
	msg := o.wait()()
	func() {
		defer func() {
			if recover() == nil {
				t.Error("the browser's panic did not reach Bubble Tea")
			}
		}()
		o.Update(msg)
	}()
	ended := make(chan error)
	go func() { ended <- b.end() }()
	select {
	case <-ended:
	case <-time.After(10 * time.Second):
		t.Fatal("the opening did not end after the browser panicked")
	}
	select {
	case <-closed:
	default:
		t.Error("the store that opened was left open")
	}
}

// TestOpeningFails: a store that does not open ends the program with its
// error, and the opening drew nothing but the upgrade's notes (in the
// terminal's own screen, where they stay).
func TestOpeningFails(t *testing.T) {
	o, b := newOpening(t)
	var m tea.Model = o
	m, _ = m.Update(storeNoteMsg("upgrading the store (schema 14 → 15)…"))
	if got := m.View(); got.Content != "neotui: upgrading the store (schema 14 → 15)…" || got.AltScreen {
		t.Errorf("the opening drew %q (alt screen %v), want the note in the terminal's screen", got.Content, got.AltScreen)
	}
	failed := errors.New("connect to the store at postgres://db.example/neotui: refused")
	m, cmd := m.Update(storeOpenedMsg{err: failed})
	if _, ok := m.(opening); !ok || cmd == nil {
		t.Fatalf("a failed opening went on to %T", m)
	}
	if _, ok := cmd().(tea.QuitMsg); !ok {
		t.Error("a failed opening does not end the program")
	}
	if err := b.end(); !errors.Is(err, failed) {
		t.Errorf("runBrowser returns %v, want the opening's error", err)
	}
}

// TestOpeningSlow: a store that takes long says so, and ctrl+c leaves
// without waiting for it; what it opens later is closed, whether it opens
// before or after the program's end, and whoever reads its result.
func TestOpeningSlow(t *testing.T) {
	for _, openFirst := range []bool{false, true} {
		o, b := newOpening(t)
		release, closed := make(chan struct{}), make(chan struct{})
		b.start(func(func(string)) ([]*session, func() error, error) {
			<-release
			return nil, func() error { close(closed); return nil }, nil
		})
		// Bubble Tea leaves a command running when it quits: this one
		// may take the opening's result, which no Update then sees.
		go o.wait()()
		var m tea.Model = o
		m, _ = m.Update(openingSlowMsg{})
		if got := m.View().Content; !strings.Contains(got, "opening the store… (ctrl+c to quit)") {
			t.Errorf("a slow opening draws %q", got)
		}
		if _, cmd := m.Update(press("ctrl+c")); cmd == nil {
			t.Fatal("ctrl+c does not end the program while the store opens")
		} else if _, ok := cmd().(tea.QuitMsg); !ok {
			t.Fatal("ctrl+c does not end the program while the store opens")
		}
		if openFirst {
			close(release)
			time.Sleep(10 * time.Millisecond) // the result taken by the command left running
		}
		if err := b.end(); err != nil {
			t.Errorf("end: %v", err)
		}
		if !openFirst {
			close(release)
		}
		select {
		case <-closed:
		case <-time.After(10 * time.Second):
			t.Errorf("opened first %v: the store opened as the program ended was left open", openFirst)
		}
	}
}

// TestOpeningSlowHandsOverOnceItsLineIsGone: the slow line is taken off the
// terminal's screen before the browser takes it, or it would stay there
// once the browser ends.
func TestOpeningSlowHandsOverOnceItsLineIsGone(t *testing.T) {
	o, b := newOpening(t)
	defer b.end()
	var m tea.Model = o
	m, _ = m.Update(openingSlowMsg{})
	m, cmd := m.Update(storeOpenedMsg{})
	if _, ok := m.(opening); !ok || cmd == nil {
		t.Fatalf("the browser took the screen with the slow line still on it (%T)", m)
	}
	if got := m.View().Content; got != "" {
		t.Errorf("the opening still draws %q once the store is open", got)
	}
	m, _ = m.Update(tea.WindowSizeMsg{Width: 80, Height: 24})
	m, _ = m.Update(cmd())
	if _, ok := m.(tui.Model); !ok {
		t.Fatalf("no browser after the hand-over: %T", m)
	}
	if lines := strings.Count(ansi.Strip(m.View().Content), "\n") + 1; lines != 24 {
		t.Errorf("the browser's frame is %d lines, want the size sent meanwhile", lines)
	}
}

// TestQuittingWaitsForAnUpgrade: ctrl+c while the store upgrades ends the
// program, but not the upgrade: quitting would undo it, and the next start
// would do it all again.
func TestQuittingWaitsForAnUpgrade(t *testing.T) {
	_, b := newOpening(t)
	var stderr strings.Builder
	b.stderr = &stderr
	release, closed, ended := make(chan struct{}), make(chan struct{}), make(chan struct{})
	b.start(func(note func(string)) ([]*session, func() error, error) {
		note("upgrading the store (schema 4 → 5)…")
		<-release
		return nil, func() error { close(closed); return nil }, nil
	})
	if _, ok := (<-b.events).(storeNoteMsg); !ok {
		t.Fatal("no note of the upgrade")
	}
	go func() { b.end(); close(ended) }()
	select {
	case <-ended:
		t.Fatal("the program ended before the store's upgrade did")
	case <-time.After(100 * time.Millisecond):
	}
	close(release)
	<-ended
	select {
	case <-closed:
	default:
		t.Error("the upgraded store was left open")
	}
	if !strings.Contains(stderr.String(), "finishing the store's upgrade before quitting") {
		t.Errorf("the wait is not said: %q", stderr.String())
	}
}
