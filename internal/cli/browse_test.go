package cli

import (
	"testing"
	"time"

	"github.com/neotui/neotui/config"
	"github.com/neotui/neotui/tui"
)

// TestBrowserOptions: the terminal's browser gets the user's editor and
// export_dir (else the working directory); a served session no editor,
// and the data folder for exports, which stay off there.
func TestBrowserOptions(t *testing.T) {
	env := map[string]string{"VISUAL": "", "EDITOR": "nano -w", "USER": "ana"}
	a := &app{getenv: func(k string) string { return env[k] }, now: time.Now, version: "v1.2.0"}
	cfg := &config.Config{File: "/home/ana/.config/neotui/config.yml", DataDir: "/home/ana/.local/share/neotui", Mouse: true}
	s := &session{cfg: cfg, bot: config.Bot{Name: "shop", Serial: "3254a9d0"}}
	bots := []tui.Bot{{Name: "shop", Serial: "3254a9d0"}}

	o := a.browserOptions(s, bots, "ana")
	if o.Editor != "nano -w" || o.NoEditor || o.ExportDir != "" || o.NoMouse || o.Version != "v1.2.0" ||
		o.ConfigFile != cfg.File || o.StorePath != "/home/ana/.local/share/neotui/neotui.db" {
		t.Errorf("the terminal's browser: %+v", o)
	}
	env["VISUAL"] = "code --wait"
	cfg.ExportDir, cfg.Mouse = "/home/ana/exports", false
	if o := a.browserOptions(s, bots, "ana"); o.Editor != "code --wait" || o.ExportDir != "/home/ana/exports" || !o.NoMouse {
		t.Errorf("$VISUAL, export_dir and mouse: false: %+v", o)
	}

	cfg.ExportDir = ""
	o = a.sessionOptions(s, bots, "bob")
	if o.Editor != "" || !o.NoEditor || !o.NoExport || o.ExportDir != cfg.DataDir {
		t.Errorf("a served session: editor %q (off %v), export off %v in %q", o.Editor, o.NoEditor, o.NoExport, o.ExportDir)
	}
}
