package config

import (
	"os"
	"path/filepath"
	"strings"
)

// homeDir is $HOME from getenv, so tests stay hermetic; the system's idea of
// home only when HOME is unset (as on Windows).
func homeDir(getenv func(string) string) string {
	if h := getenv("HOME"); h != "" {
		return h
	}
	h, _ := os.UserHomeDir()
	return h
}

// xdgDir returns $name/neotui, or home/fallback/neotui when $name is unset.
// The XDG spec says to ignore relative values, so a stray XDG_DATA_HOME=.
// does not scatter databases into whatever directory neotui starts in.
func xdgDir(getenv func(string) string, name, home, fallback string) string {
	base := getenv(name)
	if !filepath.IsAbs(base) {
		base = filepath.Join(home, fallback)
	}
	return filepath.Join(base, "neotui")
}

// expandHome turns a leading ~/ (or a lone ~) into the home directory, as a
// shell would; paths in the config file and in NEOTUI_CONFIG never see a shell.
func expandHome(path, home string) string {
	if path == "~" {
		return home
	}
	if rest, ok := strings.CutPrefix(path, "~/"); ok {
		return filepath.Join(home, rest)
	}
	return path
}
