package cli

import (
	"errors"
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
	b := &browserStart{events: make(chan tea.Msg), done: make(chan struct{})}
	b.make = func([]*session) tui.Model {
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
	m, cmd := m.Update(storeOpenedMsg{close: func() error { return nil }})
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
// without waiting for it; what it opens later is closed.
func TestOpeningSlow(t *testing.T) {
	o, b := newOpening(t)
	release, closed := make(chan struct{}), make(chan struct{})
	b.start(func(func(string)) ([]*session, func() error, error) {
		<-release
		return nil, func() error { close(closed); return nil }, nil
	})
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
	if err := b.end(); err != nil {
		t.Errorf("end: %v", err)
	}
	close(release)
	select {
	case <-closed:
	case <-time.After(10 * time.Second):
		t.Error("the store opened after the program ended was left open")
	}
}
