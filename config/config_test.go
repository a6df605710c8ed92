package config

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// The example from the package comment.
const example = `base_url: https://app.neoagent.co   # optional
time_zone: Europe/Rome              # optional, IANA name; default: the local zone
rate_limit: 10                      # history requests per minute, default 10
history_window_days: 31             # the widest history window asked, default 31
initial_sync_days: 30               # first run syncs this many days, default 30
max_response_mb: 256                # cap on one response, decompressed, and on its records in memory; default 256
request_timeout: 2m                 # the longest one attempt at a request may take; default 2m
store: postgres://ana@db.example/neotui  # a team's shared store; default: $XDG_DATA_HOME/neotui/neotui.db
default_bot: shop                   # default: the first bot
bots:
  - name: shop
    serial: 3254a9d0424c4806b9ea3d0763ccfxxx
    key_env: SHOP_NEOAGENT_KEY      # the key is in this environment variable
  - name: clinic
    serial: 36XXGxiYDigrQgg5xz4n45bcBW7qeYyW35
    key_file: ~/.config/neotui/clinic.key
  - name: test
    serial: abc
    key: inline-secret              # allowed only if the file is chmod 600
`

// env is a hermetic environment: HOME is a fresh directory, nothing else is set.
type env map[string]string

func (e env) get(name string) string { return e[name] }

func newEnv(t *testing.T) (home string, e env) {
	home = t.TempDir()
	return home, env{"HOME": home}
}

func writeFile(t *testing.T, path, content string, mode fs.FileMode) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), mode); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(path, mode); err != nil { // past the umask
		t.Fatal(err)
	}
}

// writeConfig writes content at the default config path, chmod 600.
func writeConfig(t *testing.T, home, content string) string {
	path := filepath.Join(home, ".config", "neotui", "config.yml")
	writeFile(t, path, content, 0o600)
	return path
}

func TestLoadDefaults(t *testing.T) {
	home, e := newEnv(t)
	c, err := Load(Options{Getenv: e.get})
	if err != nil {
		t.Fatal(err)
	}
	want := Config{
		File:              "",
		BaseURL:           "https://app.neoagent.co",
		Location:          time.Local,
		RateLimit:         10,
		HistoryWindowDays: 31,
		InitialSyncDays:   30,
		RefreshMinutes:    5,
		Bell:              true,
		Mouse:             true,
		MaxResponseBytes:  256 << 20,
		RequestTimeout:    2 * time.Minute,
		DataDir:           filepath.Join(home, ".local", "share", "neotui"),
		CacheDir:          filepath.Join(home, ".cache", "neotui"),
		ConfigDir:         filepath.Join(home, ".config", "neotui"),
	}
	checkConfig(t, c, want)
	if got, want := c.StorePath(), filepath.Join(home, ".local", "share", "neotui", "neotui.db"); got != want {
		t.Errorf("StorePath() = %q, want %q", got, want)
	}
}

func TestLoadXDG(t *testing.T) {
	home, e := newEnv(t)
	e["XDG_CONFIG_HOME"] = filepath.Join(home, "cfg")
	e["XDG_DATA_HOME"] = filepath.Join(home, "data")
	e["XDG_CACHE_HOME"] = "relative/cache" // the XDG spec says to ignore it
	writeFile(t, filepath.Join(home, "cfg", "neotui", "config.yml"), "rate_limit: 5\n", 0o644)
	c, err := Load(Options{Getenv: e.get})
	if err != nil {
		t.Fatal(err)
	}
	if c.File != filepath.Join(home, "cfg", "neotui", "config.yml") || c.RateLimit != 5 {
		t.Errorf("read %q with rate_limit %v, want the file under XDG_CONFIG_HOME", c.File, c.RateLimit)
	}
	if c.ConfigDir != filepath.Join(home, "cfg", "neotui") ||
		c.DataDir != filepath.Join(home, "data", "neotui") ||
		c.CacheDir != filepath.Join(home, ".cache", "neotui") {
		t.Errorf("dirs = %q %q %q", c.ConfigDir, c.DataDir, c.CacheDir)
	}
}

func TestLoadExample(t *testing.T) {
	home, e := newEnv(t)
	path := writeConfig(t, home, example)
	c, err := Load(Options{Getenv: e.get})
	if err != nil {
		t.Fatal(err)
	}
	rome, _ := time.LoadLocation("Europe/Rome")
	checkConfig(t, c, Config{
		File:              path,
		BaseURL:           "https://app.neoagent.co",
		Location:          rome,
		RateLimit:         10,
		HistoryWindowDays: 31,
		InitialSyncDays:   30,
		RefreshMinutes:    5,
		Bell:              true,
		Mouse:             true,
		MaxResponseBytes:  256 << 20,
		RequestTimeout:    2 * time.Minute,
		Store:             "postgres://ana@db.example/neotui",
		Bots: []Bot{
			{Name: "shop", Serial: "3254a9d0424c4806b9ea3d0763ccfxxx", KeySource: "$SHOP_NEOAGENT_KEY", keyEnv: "SHOP_NEOAGENT_KEY"},
			{Name: "clinic", Serial: "36XXGxiYDigrQgg5xz4n45bcBW7qeYyW35", KeySource: "key file ~/.config/neotui/clinic.key",
				keyFile: filepath.Join(home, ".config", "neotui", "clinic.key")},
			{Name: "test", Serial: "abc", Key: "inline-secret", KeySource: "config file " + path},
		},
		DefaultBot: "shop",
		DataDir:    filepath.Join(home, ".local", "share", "neotui"),
		CacheDir:   filepath.Join(home, ".cache", "neotui"),
		ConfigDir:  filepath.Join(home, ".config", "neotui"),
	})
}

func TestLoadValues(t *testing.T) {
	home, e := newEnv(t)
	writeConfig(t, home, `
base_url: http://localhost:8080/
time_zone: America/New_York
rate_limit: 2.5
history_window_days: 3
initial_sync_days: 90
refresh_minutes: 0
bell: false
mouse: false
export_dir: ~/exports
max_response_mb: 16
request_timeout: 90s
bots:
  - name: one
    serial: 0012   # digits stay text
    key: k
`)
	c, err := Load(Options{Getenv: e.get})
	if err != nil {
		t.Fatal(err)
	}
	if c.BaseURL != "http://localhost:8080" || c.Location.String() != "America/New_York" ||
		c.RateLimit != 2.5 || c.HistoryWindowDays != 3 || c.InitialSyncDays != 90 || c.RefreshMinutes != 0 || c.Bell || c.Mouse || c.ExportDir != filepath.Join(home, "exports") ||
		c.MaxResponseBytes != 16<<20 || c.RequestTimeout != 90*time.Second || c.Bots[0].Serial != "0012" || c.DefaultBot != "one" {
		t.Errorf("got %+v", c)
	}
}

func TestSelect(t *testing.T) {
	tests := []struct {
		name       string
		file       string // at the default path, chmod 600; "" for none
		env        env
		bot        string
		wantName   string
		wantSerial string
		wantKey    string
		wantSource string
	}{
		{
			name: "default_bot with key_env",
			file: example, env: env{"SHOP_NEOAGENT_KEY": "shop-key"},
			wantName: "shop", wantSerial: "3254a9d0424c4806b9ea3d0763ccfxxx", wantKey: "shop-key", wantSource: "$SHOP_NEOAGENT_KEY",
		},
		{
			name: "key_file, trimmed, with ~ expanded",
			file: example, bot: "clinic",
			wantName: "clinic", wantSerial: "36XXGxiYDigrQgg5xz4n45bcBW7qeYyW35", wantKey: "clinic-key", wantSource: "key file ~/.config/neotui/clinic.key",
		},
		{
			name: "inline key",
			file: example, bot: "test",
			wantName: "test", wantSerial: "abc", wantKey: "inline-secret", wantSource: "config file HOME/.config/neotui/config.yml",
		},
		{
			name:     "first bot when no default_bot",
			file:     "bots:\n  - {name: a, serial: s1, key: ka}\n  - {name: b, serial: s2, key: kb}\n",
			wantName: "a", wantSerial: "s1", wantKey: "ka", wantSource: "config file HOME/.config/neotui/config.yml",
		},
		{
			name: "environment overrides the selected bot",
			file: example, bot: "test", env: env{"NEOAGENT_API_KEY": " env-key\n", "NEOAGENT_SERIAL": "env-serial"},
			wantName: "test", wantSerial: "env-serial", wantKey: "env-key", wantSource: "NEOAGENT_API_KEY",
		},
		{
			name: "environment key wins over an unset key_env",
			file: example, env: env{"NEOAGENT_API_KEY": "env-key"},
			wantName: "shop", wantSerial: "3254a9d0424c4806b9ea3d0763ccfxxx", wantKey: "env-key", wantSource: "NEOAGENT_API_KEY",
		},
		{
			name:     "environment only",
			env:      env{"NEOAGENT_API_KEY": "env-key", "NEOAGENT_SERIAL": "env-serial"},
			wantName: "default", wantSerial: "env-serial", wantKey: "env-key", wantSource: "NEOAGENT_API_KEY",
		},
		{
			name: "environment only, with a file without bots",
			file: "rate_limit: 3\n", env: env{"NEOAGENT_API_KEY": "env-key", "NEOAGENT_SERIAL": "env-serial"},
			wantName: "default", wantSerial: "env-serial", wantKey: "env-key", wantSource: "NEOAGENT_API_KEY",
		},
		{
			name: "relative key_file is beside the config file",
			file: "bots:\n  - {name: a, serial: s, key_file: clinic.key}\n", bot: "a",
			wantName: "a", wantSerial: "s", wantKey: "clinic-key", wantSource: "key file clinic.key",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			home, e := newEnv(t)
			for k, v := range tt.env {
				e[k] = v
			}
			writeFile(t, filepath.Join(home, ".config", "neotui", "clinic.key"), "\n  clinic-key \n", 0o600)
			if tt.file != "" {
				writeConfig(t, home, tt.file)
			}
			c, err := Load(Options{Getenv: e.get})
			if err != nil {
				t.Fatal(err)
			}
			b, err := c.Select(tt.bot)
			if err != nil {
				t.Fatal(err)
			}
			wantSource := strings.ReplaceAll(tt.wantSource, "HOME", home)
			if b.Name != tt.wantName || b.Serial != tt.wantSerial || b.Key.Reveal() != tt.wantKey || b.KeySource != wantSource {
				t.Errorf("Select(%q) = %q %q %q %q, want %q %q %q %q", tt.bot,
					b.Name, b.Serial, b.Key.Reveal(), b.KeySource, tt.wantName, tt.wantSerial, tt.wantKey, wantSource)
			}
		})
	}
}

func TestSelectErrors(t *testing.T) {
	tests := []struct {
		name    string
		file    string // at the default path, chmod 600; "" for none
		env     env
		bot     string
		wantIs  error // nil: the error is none of the sentinels
		wantMsg string
	}{
		{
			name:   "nothing configured",
			env:    env{"NEOAGENT_API_KEY": "k"},
			wantIs: ErrNoBot,
			wantMsg: `no chatbot configured: set NEOAGENT_SERIAL and NEOAGENT_API_KEY, or add a bot to ` +
				`HOME/.config/neotui/config.yml; "neotui demo" needs no key`,
		},
		{
			name: "unknown bot", file: example, bot: "nope",
			wantIs:  ErrUnknownBot,
			wantMsg: `unknown bot "nope": the configured bots are shop, clinic, test`,
		},
		{
			name: "key_env unset", file: example,
			wantIs: ErrNoKey,
			wantMsg: `no API key for bot "shop": set SHOP_NEOAGENT_KEY (its key_env in HOME/.config/neotui/config.yml) ` +
				`or NEOAGENT_API_KEY (Neoagent dashboard → Profile Settings → Webhooks API → Token Management); "neotui demo" needs no key`,
		},
		{
			name: "no key source", file: "bots:\n  - {name: a, serial: s}\n",
			wantIs: ErrNoKey,
			wantMsg: `no API key for bot "a": set NEOAGENT_API_KEY, or add key_file to HOME/.config/neotui/config.yml ` +
				`(Neoagent dashboard → Profile Settings → Webhooks API → Token Management); "neotui demo" needs no key`,
		},
		{
			name: "serial only from the environment", env: env{"NEOAGENT_SERIAL": "s"},
			wantIs: ErrNoKey,
			wantMsg: `no API key for bot "default": set NEOAGENT_API_KEY, or add key_file to HOME/.config/neotui/config.yml ` +
				`(Neoagent dashboard → Profile Settings → Webhooks API → Token Management); "neotui demo" needs no key`,
		},
		{
			name: "key file missing", file: "bots:\n  - {name: a, serial: s, key_file: ~/missing.key}\n",
			wantIs: ErrNoKey,
			wantMsg: `bot "a": no API key: key file HOME/missing.key does not exist: put the key in it ` +
				`(Neoagent dashboard → Profile Settings → Webhooks API → Token Management), then chmod 600 HOME/missing.key`,
		},
		{
			name: "key file empty", file: "bots:\n  - {name: a, serial: s, key_file: ~/empty.key}\n",
			wantIs: ErrNoKey,
			wantMsg: `bot "a": no API key: key file HOME/empty.key is empty: put the key in it ` +
				`(Neoagent dashboard → Profile Settings → Webhooks API → Token Management)`,
		},
		{
			name: "key file readable by others", file: "bots:\n  - {name: a, serial: s, key_file: ~/open.key}\n",
			wantMsg: `bot "a": key file HOME/open.key is readable by others (mode 0644): run chmod 600 HOME/open.key`,
			wantIs:  ErrNoKey, // there is no usable key: --offline may go on
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			home, e := newEnv(t)
			for k, v := range tt.env {
				e[k] = v
			}
			writeFile(t, filepath.Join(home, "empty.key"), " \n", 0o600)
			writeFile(t, filepath.Join(home, "open.key"), "open-key\n", 0o644)
			if tt.file != "" {
				writeConfig(t, home, tt.file)
			}
			c, err := Load(Options{Getenv: e.get})
			if err != nil {
				t.Fatal(err)
			}
			_, err = c.Select(tt.bot)
			if err == nil {
				t.Fatal("Select succeeded, want an error")
			}
			if want := strings.ReplaceAll(tt.wantMsg, "HOME", home); err.Error() != want {
				t.Errorf("error\n got: %s\nwant: %s", err, want)
			}
			for _, sentinel := range []error{ErrNoBot, ErrNoKey, ErrUnknownBot} {
				if is := errors.Is(err, sentinel); is != (sentinel == tt.wantIs) {
					t.Errorf("errors.Is(err, %q) = %v", sentinel, is)
				}
			}
			if strings.Contains(err.Error(), "open-key") {
				t.Errorf("error shows the key: %s", err)
			}
		})
	}
}

// An unset key_env on a bot nobody selects is no error.
func TestSelectOtherBotIgnoresUnsetKeyEnv(t *testing.T) {
	home, e := newEnv(t)
	writeConfig(t, home, example)
	c, err := Load(Options{Getenv: e.get})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Select("test"); err != nil {
		t.Errorf("Select(test) = %v, want no error", err)
	}
}

func TestLoadErrors(t *testing.T) {
	tests := []struct {
		name, file, want string
	}{
		{"syntax", "rate_limit: 10\nbots: [\n", "config FILE line 2: did not find expected node content"},
		{"syntax, tab indentation", "rate_limit: 1\nbots:\n\t- name: a\n", "config FILE line 3: found character that cannot start any token"},
		{"two documents", "rate_limit: 1\n---\nrate_limit: 2\n", "config FILE line 2: a second document (after ---) is not supported: keep one"},
		{"not a mapping", "- a\n- b\n", "config FILE line 1: expected settings such as base_url: and bots:, found a list"},
		{"relative export_dir", "export_dir: exports\n", `config FILE line 1: export_dir must be a full path or start with ~/, not "exports"`},
		{"unknown key", "rate_limit: 1\nratelimit: 2\n", `config FILE line 2: unknown key "ratelimit": the keys are base_url, time_zone, rate_limit, history_window_days, initial_sync_days, max_response_mb, request_timeout, refresh_minutes, bell, mouse, export_dir, store, default_bot and bots`},
		{"empty store", "store: \"\"\n", "config FILE line 1: store is empty: remove it for the default file, or name a file or a postgres:// URL"},
		{"store not a URL", "store: postgres://a b@%zz/\n", "config FILE line 1: store is not a URL: use one like postgres://neotui@db.example/neotui"},
		{"repeated key", "rate_limit: 1\n\nrate_limit: 2\n", "config FILE line 3: rate_limit is set twice (first on line 1)"},
		{"unknown bot key", "bots:\n  - name: a\n    serial: s\n    token: k\n", `config FILE line 4: unknown key "token" in a bot: a bot has name, serial, and one of key_env, key_file or key`},
		{"bot without name", "bots:\n  - name: a\n    serial: s\n  - serial: t\n", "config FILE line 4: a bot has no name: add name: to it"},
		{"bot without serial", "bots:\n  - name: shop\n    serial: s\n  - name: clinic\n    key_env: K\n", `config FILE line 4: bot "clinic" has no serial`},
		{"duplicate bot name", "bots:\n  - name: a\n    serial: s\n  - serial: t\n    name: a\n", `config FILE line 5: bot name "a" is used twice (first on line 2)`},
		{"two key sources", "bots:\n  - name: a\n    key_env: K\n    serial: s\n    key_file: f\n", `config FILE line 5: bot "a" has two key sources, key_env and key_file: keep one`},
		{"empty key_env", "bots:\n  - name: a\n    serial: s\n    key_env: \"\"\n", `config FILE line 4: bot "a" has an empty key_env`},
		{"bots not a list", "bots:\n  name: a\n", `config FILE line 2: bots must be a list, each bot starting with "- name:"`},
		{"bot not a mapping", "bots:\n  - a\n", "config FILE line 2: a bot needs name:, serial: and one of key_env:, key_file: or key:, found a single value"},
		{"serial a list", "bots:\n  - name: a\n    serial: [1, 2]\n", "config FILE line 3: serial must be a single value, found a list"},
		{"unknown time zone", "\ntime_zone: Europe/Roma\n", `config FILE line 2: unknown time zone "Europe/Roma": use an IANA name such as Europe/Rome or America/New_York`},
		{"negative rate", "rate_limit: -1\n", "config FILE line 1: rate_limit must be greater than 0, not -1"},
		{"zero rate", "rate_limit: 0\n", "config FILE line 1: rate_limit must be greater than 0, not 0"},
		{"rate not a number", "rate_limit: fast\n", "config FILE line 1: rate_limit must be a number of requests per minute, like rate_limit: 10"},
		{"rate infinite", "rate_limit: .inf\n", "config FILE line 1: rate_limit must be a number of requests per minute, like rate_limit: 10"},
		{"negative window", "history_window_days: -7\n", "config FILE line 1: history_window_days must be greater than 0, not -7"},
		{"negative initial sync", "initial_sync_days: -1\n", "config FILE line 1: initial_sync_days must be greater than 0, not -1"},
		{"fractional days", "initial_sync_days: 1.5\n", "config FILE line 1: initial_sync_days must be a whole number, like initial_sync_days: 7"},
		{"negative max response", "max_response_mb: -256\n", "config FILE line 1: max_response_mb must be greater than 0, not -256"},
		{"huge max response", "max_response_mb: 9000000000000000\n", "config FILE line 1: max_response_mb is too large"},
		{"timeout without a unit", "request_timeout: 90\n", "config FILE line 1: request_timeout must be a duration such as 90s or 2m, not \"90\""},
		{"timeout not a duration", "request_timeout: two minutes\n", `config FILE line 1: request_timeout must be a duration such as 90s or 2m, not "two minutes"`},
		{"zero timeout", "request_timeout: 0s\n", "config FILE line 1: request_timeout must be longer than 0, not 0s"},
		{"negative timeout", "request_timeout: -1m\n", "config FILE line 1: request_timeout must be longer than 0, not -1m"},
		{"default_bot names no bot", "bots:\n  - {name: a, serial: s}\ndefault_bot: b\n", `config FILE line 3: default_bot "b" names no bot: use one of the names under bots:`},
		{"default_bot without bots", "default_bot: b\n", `config FILE line 1: default_bot "b" names no bot: use one of the names under bots:`},
		{"bad base_url", "base_url: app.neoagent.co\n", `config FILE line 1: base_url "app.neoagent.co" is not an http(s) URL: use one like https://app.neoagent.co`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			home, e := newEnv(t)
			path := writeConfig(t, home, tt.file)
			_, err := Load(Options{Getenv: e.get})
			if err == nil {
				t.Fatal("Load succeeded, want an error")
			}
			if want := strings.ReplaceAll(tt.want, "FILE", path); err.Error() != want {
				t.Errorf("error\n got: %s\nwant: %s", err, want)
			}
		})
	}
}

func TestEmptyFilesAreDefaults(t *testing.T) {
	for _, content := range []string{"", "# nothing yet\n", "---\n", "bots:\n", "~\n"} {
		home, e := newEnv(t)
		writeConfig(t, home, content)
		c, err := Load(Options{Getenv: e.get})
		if err != nil {
			t.Errorf("%q: %v", content, err)
			continue
		}
		if c.RateLimit != 10 || len(c.Bots) != 0 {
			t.Errorf("%q: got %+v, want defaults", content, c)
		}
	}
}

func TestPermissions(t *testing.T) {
	tests := []struct {
		name    string
		content string
		mode    fs.FileMode
		wantErr string
	}{
		{"inline key, private", "bots:\n  - {name: a, serial: s, key: k}\n", 0o600, ""},
		{"inline key, world-readable", "bots:\n  - {name: a, serial: s, key: k}\n", 0o644,
			"config FILE holds an API key and is readable by others (mode 0644): run chmod 600 FILE"},
		{"inline key, group-writable", "bots:\n  - {name: a, serial: s, key: k}\n", 0o620,
			"config FILE holds an API key and is readable by others (mode 0620): run chmod 600 FILE"},
		{"no key, world-readable", "bots:\n  - {name: a, serial: s, key_env: K}\n", 0o644, ""},
		{"key_file, world-readable config", "bots:\n  - {name: a, serial: s, key_file: k}\n", 0o644, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			home, e := newEnv(t)
			path := filepath.Join(home, "config.yml")
			writeFile(t, path, tt.content, tt.mode)
			_, err := Load(Options{Path: path, Getenv: e.get})
			want := strings.ReplaceAll(tt.wantErr, "FILE", path)
			if got := fmt.Sprint(err); err == nil && want != "" || err != nil && got != want {
				t.Errorf("Load() error = %v, want %q", err, want)
			}
		})
	}
}

func TestConfigPath(t *testing.T) {
	home, e := newEnv(t)
	flagFile := filepath.Join(home, "flag.yml")
	envFile := filepath.Join(home, "env.yml")
	writeFile(t, flagFile, "rate_limit: 1\n", 0o600)
	writeFile(t, envFile, "rate_limit: 2\n", 0o600)
	writeConfig(t, home, "rate_limit: 3\n")

	tests := []struct {
		name     string
		flag     string
		envPath  string
		wantFile string
	}{
		{"default", "", "", filepath.Join(home, ".config", "neotui", "config.yml")},
		{"NEOTUI_CONFIG", "", envFile, envFile},
		{"NEOTUI_CONFIG with ~", "", "~/env.yml", envFile},
		{"flag wins", flagFile, envFile, flagFile},
		{"flag with ~", "~/flag.yml", "", flagFile},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := env{"HOME": home, "NEOTUI_CONFIG": tt.envPath}
			c, err := Load(Options{Path: tt.flag, Getenv: e.get})
			if err != nil {
				t.Fatal(err)
			}
			if c.File != tt.wantFile {
				t.Errorf("read %q, want %q", c.File, tt.wantFile)
			}
		})
	}

	t.Run("missing explicit files are errors", func(t *testing.T) {
		missing := filepath.Join(home, "missing.yml")
		_, err := Load(Options{Path: missing, Getenv: e.get})
		if want := "config file " + missing + " (from --config) does not exist: check the path"; fmt.Sprint(err) != want {
			t.Errorf("--config: error = %v, want %q", err, want)
		}
		_, err = Load(Options{Getenv: env{"HOME": home, "NEOTUI_CONFIG": missing}.get})
		if want := "config file " + missing + " (from NEOTUI_CONFIG) does not exist: check the path"; fmt.Sprint(err) != want {
			t.Errorf("NEOTUI_CONFIG: error = %v, want %q", err, want)
		}
	})
	t.Run("missing default file is fine", func(t *testing.T) {
		_, e := newEnv(t)
		c, err := Load(Options{Getenv: e.get})
		if err != nil || c.File != "" {
			t.Errorf("Load() = %q, %v; want no file and no error", c.File, err)
		}
	})
}

func TestBaseURL(t *testing.T) {
	tests := []struct {
		name, file, env, flag, want, wantErr string
	}{
		{name: "default", want: "https://app.neoagent.co"},
		{name: "file", file: "base_url: https://file.example/\n", want: "https://file.example"},
		{name: "env over file", file: "base_url: https://file.example\n", env: "https://env.example", want: "https://env.example"},
		{name: "flag over env", env: "https://env.example", flag: "http://127.0.0.1:9/", want: "http://127.0.0.1:9"},
		{name: "bad env", env: "ftp://x", wantErr: `NEOAGENT_BASE_URL "ftp://x" is not an http(s) URL: use one like https://app.neoagent.co`},
		{name: "bad flag", flag: "localhost", wantErr: `--base-url "localhost" is not an http(s) URL: use one like https://app.neoagent.co`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			home, e := newEnv(t)
			e["NEOAGENT_BASE_URL"] = tt.env
			if tt.file != "" {
				writeConfig(t, home, tt.file)
			}
			c, err := Load(Options{BaseURL: tt.flag, Getenv: e.get})
			if tt.wantErr != "" {
				if fmt.Sprint(err) != tt.wantErr {
					t.Errorf("error = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if c.BaseURL != tt.want {
				t.Errorf("BaseURL = %q, want %q", c.BaseURL, tt.want)
			}
		})
	}
}

func TestSecretNeverPrinted(t *testing.T) {
	const key = "inline-secret"
	home, e := newEnv(t)
	writeConfig(t, home, example)
	cfg, err := Load(Options{Getenv: e.get})
	if err != nil {
		t.Fatal(err)
	}
	bot, err := cfg.Select("test")
	if err != nil {
		t.Fatal(err)
	}
	if bot.Key.Reveal() != key {
		t.Fatalf("Reveal() = %q, want the key", bot.Key.Reveal())
	}
	js, err := json.Marshal(cfg)
	if err != nil {
		t.Fatal(err)
	}
	text, _ := bot.Key.MarshalText()
	outputs := []string{
		fmt.Sprintf("%v %+v %#v %s %q", cfg, cfg, cfg, bot, bot),
		fmt.Sprintf("%v %+v %#v %s %q %x %X %d %10.3s", *cfg, *cfg, *cfg, bot.Key, bot.Key, bot.Key, bot.Key, bot.Key, bot.Key),
		fmt.Sprint(bot.Key.String(), bot.Key.GoString(), cfg.Bots),
		string(js),
		string(text),
	}
	for _, out := range outputs {
		if strings.Contains(out, key) {
			t.Errorf("the key is printed: %s", out)
		}
		if !strings.Contains(out, "[redacted]") {
			t.Errorf("no [redacted] in %s", out)
		}
	}
}

func checkConfig(t *testing.T, got *Config, want Config) {
	t.Helper()
	if got.Location.String() != want.Location.String() {
		t.Errorf("Location = %v, want %v", got.Location, want.Location)
	}
	// The rest compare as text; Secret prints redacted, so compare keys apart.
	got2, want2 := *got, want
	got2.Location, want2.Location, got2.getenv, got2.configured = nil, nil, nil, nil
	if g, w := fmt.Sprintf("%+v", got2), fmt.Sprintf("%+v", want2); g != w {
		t.Errorf("config\n got: %s\nwant: %s", g, w)
	}
	if len(got.Bots) == len(want.Bots) {
		for i := range got.Bots {
			if g, w := got.Bots[i].Key.Reveal(), want.Bots[i].Key.Reveal(); g != w {
				t.Errorf("bot %d key = %q, want %q", i, g, w)
			}
		}
	}
}

// TestLabel: screens name a bot from the environment by its serial,
// masked, not by the "default" that only --bot needs; other bots by name.
func TestLabel(t *testing.T) {
	_, e := newEnv(t)
	e["NEOAGENT_SERIAL"] = "3254a9d0424c4806b9ea3d0763ccfxxx"
	c, err := Load(Options{Getenv: e.get})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := c.Bots[0].Label(), "serial ••••fxxx"; got != want {
		t.Errorf("the bot from the environment is labelled %q, want %q", got, want)
	}
	if got := (Bot{Name: "shop", Serial: "3254a9d0"}).Label(); got != "shop" {
		t.Errorf("a configured bot is labelled %q, want its name", got)
	}
	for serial, want := range map[string]string{"abc": "••••", "abcd": "••••", "abcde": "••••bcde", " 36XXGxiY ": "••••GxiY"} {
		if got := MaskSerial(serial); got != want {
			t.Errorf("MaskSerial(%q) = %q, want %q", serial, got, want)
		}
	}
}
