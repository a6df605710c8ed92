package tui

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/neotui/neotui/api"
	"github.com/neotui/neotui/internal/syncer"
)

// TestHelpSaysWhereItRuns: ? shows, above the keys, the config file, the
// store, the bot with its serial masked, the last sync and the version;
// a path's escape sequence does not reach the terminal.
func TestHelpSaysWhereItRuns(t *testing.T) {
	st, _ := fillStore(t, 40)
	opts := testOptions(st)
	opts.Serial = "3254a9d0424c4806b9ea3d0763ccfxxx"
	opts.ConfigFile = filepath.Join(t.TempDir(), "con\x1b]52;c;ZXZpbA==\afig.yml")
	opts.StorePath = storePaths[st]
	opts.Version = "devel (85df063, 2026-03-10T15:00:00Z)"
	opts.Sync = func(context.Context, api.Day, api.Day, func(syncer.Progress)) (syncer.Report, error) {
		return syncer.Report{}, nil
	}
	m := New(opts)
	t.Cleanup(m.Close)
	m = settle(t, m, sizeCmd(120, 40), m.Init())
	m = press(t, m, "?")
	s := screen(m)
	keys := strings.Index(s, "Keys")
	for _, want := range []string{
		"neotui     devel (85df063, 2026-03-10T15:00:00Z)",
		"config     " + filepath.Join(filepath.Dir(opts.ConfigFile), "config.yml"),
		"store      " + storePaths[st],
		"bot        Test Shop · serial ••••fxxx",
		"synced     15:00 (just now)",
	} {
		if i := strings.Index(s, want); i < 0 || i > keys {
			t.Errorf("? does not show %q above the keys:\n%s", want, s)
		}
	}
	if raw := m.View().Content; strings.Contains(raw, "]52;") || strings.Contains(s, "3254a9d0") {
		t.Errorf("? shows the path's escape sequence or the whole serial: %q", raw)
	}
}

// TestHelpWithoutConfigFile: with the environment alone, ? says there is
// no config file rather than leaving the line out.
func TestHelpWithoutConfigFile(t *testing.T) {
	st, _ := fillStore(t, 40)
	m := start(t, st, 80, 24)
	m = press(t, m, "?")
	if s := screen(m); !strings.Contains(s, "config     none: the environment and defaults") || !strings.Contains(s, "synced     never") {
		t.Errorf("? at 80×24 without a config file or a sync:\n%s", s)
	}
}

// TestDialogHelpIsWhole: the ? screen's lines for the dialogs come
// from their keymaps whole: the notes' move, undo and the editor's cancel,
// the menus' j/k, the help screen's own quit.
func TestDialogHelpIsWhole(t *testing.T) {
	st, _ := fillStore(t, 10)
	m := start(t, st, 120, 40)
	lines := strings.Join(m.helpNotes(), "\n")
	for _, want := range []string{"ctrl+z undo", "j/k move", "esc cancel", "j/k move, without a text box", "ctrl+c quit"} {
		if !strings.Contains(lines, want) {
			t.Errorf("the ? screen's dialog keys lack %q:\n%s", want, lines)
		}
	}
}
