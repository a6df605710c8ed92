// Package config turns the config file, the environment and the command-line
// flags into a Config.
//
// The file is YAML, read from --config, else $NEOTUI_CONFIG, else
// $XDG_CONFIG_HOME/neotui/config.yml (XDG_CONFIG_HOME defaults to ~/.config).
// Without a file the environment alone configures neotui. Every key is
// optional; unknown keys are errors:
//
//	base_url: https://app.neoagent.co   # optional
//	time_zone: Europe/Rome              # optional, IANA name; default: the local zone
//	rate_limit: 10                      # history requests per minute, default 10
//	history_window_days: 31             # the widest history window asked, default 31
//	initial_sync_days: 30               # first run syncs this many days, default 30
//	refresh_minutes: 5                  # the browser syncs this often, default 5 (0: never)
//	bell: true                          # ring the terminal bell for new leads, default true
//	mouse: true                         # the browser takes clicks and the wheel, default true
//	export_dir: ~/exports               # where the browser's e writes; default: the working directory
//	store: postgres://ana@db.example/neotui  # a team's shared store; default: $XDG_DATA_HOME/neotui/neotui.db
//	max_response_mb: 256                # cap on one response, decompressed, and on its records in memory; default 256
//	request_timeout: 2m                 # the longest one attempt at a request may take; default 2m
//	default_bot: shop                   # default: the first bot
//	bots:
//	  - name: shop
//	    serial: 3254a9d0424c4806b9ea3d0763ccfxxx
//	    key_env: SHOP_NEOAGENT_KEY      # the key is in this environment variable
//	  - name: clinic
//	    serial: 36XXGxiYDigrQgg5xz4n45bcBW7qeYyW35
//	    key_file: ~/.config/neotui/clinic.key
//	  - name: test
//	    serial: abc
//	    key: inline-secret              # allowed only if the file is chmod 600
//
// A bot takes its key from one of key_env, key_file or key. A key file must be
// chmod 600 and hold only the key; ~/ at its start is the home directory and a
// relative path is relative to the config file's directory.
//
// The environment overrides the file: NEOAGENT_API_KEY and NEOAGENT_SERIAL
// apply to the selected bot, NEOAGENT_BASE_URL to the base URL, and --base-url
// overrides both; NEOTUI_STORE and --store override store: (see StorePath). With no bots in the file, NEOAGENT_SERIAL alone defines a
// bot named "default".
package config

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"time"

	// Time zones must resolve on machines without a zoneinfo database.
	_ "time/tzdata"
)

// Defaults, as documented in the package comment.
const (
	defaultBaseURL           = "https://app.neoagent.co"
	defaultRateLimit         = 10 // the vendor's recommended history requests per minute
	defaultHistoryWindowDays = 31 // the widest window asked; a 413 narrows it
	defaultInitialSyncDays   = 30
	defaultMaxResponseMB     = 256
	defaultRequestTimeout    = 2 * time.Minute
)

// Where a key comes from, spelled out once for every error that asks for one.
const keyHelp = "Neoagent dashboard → Profile Settings → Webhooks API → Token Management"

// Select's errors wrap these, so callers can tell with errors.Is what is
// missing.
var (
	ErrNoKey      = errors.New("no API key")
	ErrNoBot      = errors.New("no chatbot configured")
	ErrUnknownBot = errors.New("unknown bot")
)

// Config is everything neotui needs to know before it starts.
type Config struct {
	File              string // the file read, "" if none
	BaseURL           string // without a trailing slash
	Location          *time.Location
	RateLimit         float64 // history requests per minute
	HistoryWindowDays int
	InitialSyncDays   int
	RefreshMinutes    int    // the browser's background sync; 0: never
	Bell              bool   // ring for new leads
	Mouse             bool   // the browser takes clicks and the wheel
	ExportDir         string // where the browser's e writes; "" the working directory
	MaxResponseBytes  int64
	RequestTimeout    time.Duration // one attempt at a request; the waits between attempts have their own budget
	Bots              []Bot
	DefaultBot        string
	Store             string // the store: a file or a postgres:// URL without its password; "" the default (StorePath)
	StorePassword     Secret // the password of Store's URL, from the config file or NEOTUI_STORE
	DataDir           string // $XDG_DATA_HOME/neotui
	CacheDir          string // $XDG_CACHE_HOME/neotui
	ConfigDir         string // $XDG_CONFIG_HOME/neotui

	getenv func(string) string // for the overrides Select applies
	// configured is the store the file or NEOTUI_STORE names, whatever
	// --store says: for CopyTarget. A pointer, so that printing the
	// config never prints its password.
	configured *storeName
}

// storeName is a store's location and its password.
type storeName struct {
	where    string
	password Secret
}

// Bot is one chatbot. In Config.Bots only an inline key is filled in; Select
// returns the bot with its key resolved and the environment applied.
type Bot struct {
	Name      string
	Serial    string
	Key       Secret
	KeySource string // where the key comes from, for messages: "NEOAGENT_API_KEY", "$SHOP_NEOAGENT_KEY", "key file ~/x", "config file /path"
	// Origin is FromEnv for the bot that NEOAGENT_SERIAL alone defines,
	// with no bots in the file: its name, "default", is only for --bot, and
	// screens name it by its serial (Label). "" for a configured bot.
	Origin string

	keyEnv  string // the variable named by key_env
	keyFile string // key_file, expanded
}

// FromEnv is the Origin of the bot NEOAGENT_SERIAL defines.
const FromEnv = "NEOAGENT_SERIAL"

// Label is how screens name the bot: its name, or for a bot from the
// environment, which has none of its own, its serial, masked.
func (b Bot) Label() string {
	if b.Origin == FromEnv {
		return "serial " + MaskSerial(b.Serial)
	}
	return b.Name
}

// Options are the inputs Load reads besides the file.
type Options struct {
	Path    string              // --config, "" for the default search
	BaseURL string              // --base-url, "" for none
	Store   string              // --store, "" for none
	Getenv  func(string) string // os.Getenv in main; a map lookup in tests
}

// Load reads the config file, if any, and applies the environment and flags.
// It succeeds without any bot, so that commands needing none still run; Select
// reports what is missing.
func Load(opts Options) (*Config, error) {
	getenv := opts.Getenv
	if getenv == nil {
		getenv = os.Getenv
	}
	home := homeDir(getenv)
	c := &Config{
		BaseURL:           defaultBaseURL,
		Location:          time.Local,
		RateLimit:         defaultRateLimit,
		HistoryWindowDays: defaultHistoryWindowDays,
		InitialSyncDays:   defaultInitialSyncDays,
		RefreshMinutes:    5,
		Bell:              true,
		Mouse:             true,
		MaxResponseBytes:  defaultMaxResponseMB << 20,
		RequestTimeout:    defaultRequestTimeout,
		ConfigDir:         xdgDir(getenv, "XDG_CONFIG_HOME", home, ".config"),
		DataDir:           xdgDir(getenv, "XDG_DATA_HOME", home, filepath.Join(".local", "share")),
		CacheDir:          xdgDir(getenv, "XDG_CACHE_HOME", home, ".cache"),
		getenv:            getenv,
	}

	path, from := opts.Path, "--config"
	if path == "" {
		path, from = getenv("NEOTUI_CONFIG"), "NEOTUI_CONFIG"
	}
	if path == "" {
		path, from = c.defaultPath(), ""
	}
	path = expandHome(path, home)
	data, mode, err := readConfigFile(path)
	switch {
	case errors.Is(err, fs.ErrNotExist) && from == "":
		// No file at the default place: the environment is the whole config.
	case errors.Is(err, fs.ErrNotExist):
		return nil, fmt.Errorf("config file %s (from %s) does not exist: check the path", path, from)
	case err != nil:
		return nil, fmt.Errorf("reading the config file: %w", err)
	default:
		c.File = path
		if err := parseFile(c, data, mode, home); err != nil {
			return nil, err
		}
	}

	if u := getenv("NEOAGENT_BASE_URL"); u != "" {
		if c.BaseURL, err = checkBaseURL(u); err != nil {
			return nil, fmt.Errorf("NEOAGENT_BASE_URL %w", err)
		}
	}
	if opts.BaseURL != "" {
		if c.BaseURL, err = checkBaseURL(opts.BaseURL); err != nil {
			return nil, fmt.Errorf("--base-url %w", err)
		}
	}
	if err := c.storeFromEnv(opts.Store, home); err != nil {
		return nil, err
	}
	if len(c.Bots) == 0 {
		if serial := strings.TrimSpace(getenv("NEOAGENT_SERIAL")); serial != "" {
			c.Bots = []Bot{{Name: "default", Serial: serial, Origin: FromEnv}}
		}
	}
	if c.DefaultBot == "" && len(c.Bots) > 0 {
		c.DefaultBot = c.Bots[0].Name
	}
	return c, nil
}

// Select returns the bot to use: name "" means default_bot or the first bot.
// It resolves the key (env override, key_env, key_file, inline) and fails with a
// clear sentence if the bot is unknown (listing the configured names), has no serial, or has no key.
// With ErrNoKey the bot is returned too, for work that needs no key (--offline).
func (c *Config) Select(name string) (Bot, error) {
	if len(c.Bots) == 0 {
		return Bot{}, fmt.Errorf(`%w: set NEOAGENT_SERIAL and NEOAGENT_API_KEY, or add a bot to %s; "neotui demo" needs no key`,
			ErrNoBot, c.path())
	}
	if name == "" {
		name = c.DefaultBot
	}
	if name == "" {
		name = c.Bots[0].Name
	}
	i := slices.IndexFunc(c.Bots, func(b Bot) bool { return b.Name == name })
	if i < 0 {
		return Bot{}, fmt.Errorf("%w %q: the configured bots are %s", ErrUnknownBot, name, c.botNames())
	}
	b := c.Bots[i]

	if serial := strings.TrimSpace(c.env("NEOAGENT_SERIAL")); serial != "" {
		b.Serial = serial
	}
	if b.Serial == "" {
		return Bot{}, fmt.Errorf("%w: bot %q has no serial: add serial: to it in %s, or set NEOAGENT_SERIAL",
			ErrNoBot, b.Name, c.path())
	}

	switch key := strings.TrimSpace(c.env("NEOAGENT_API_KEY")); {
	case key != "":
		b.Key, b.KeySource = Secret(key), "NEOAGENT_API_KEY"
	case b.keyEnv != "":
		b.Key = Secret(strings.TrimSpace(c.env(b.keyEnv)))
		if b.Key == "" {
			return b, fmt.Errorf(`%w for bot %q: set %s (its key_env in %s) or NEOAGENT_API_KEY (%s); "neotui demo" needs no key`,
				ErrNoKey, b.Name, b.keyEnv, c.path(), keyHelp)
		}
	case b.keyFile != "":
		key, err := readKeyFile(b.keyFile)
		if err != nil {
			// ErrNoKey too, so that work needing no key (--offline) goes on.
			return b, fmt.Errorf("bot %q: %w", b.Name, noKeyError{err})
		}
		b.Key = key
	}
	if b.Key == "" {
		return b, fmt.Errorf(`%w for bot %q: set NEOAGENT_API_KEY, or add key_file to %s (%s); "neotui demo" needs no key`,
			ErrNoKey, b.Name, c.path(), keyHelp)
	}
	return b, nil
}

// env reads the environment Load was given; a Config built by hand reads the
// process's.
func (c *Config) env(name string) string {
	if c.getenv == nil {
		return os.Getenv(name)
	}
	return c.getenv(name)
}

func (c *Config) defaultPath() string { return filepath.Join(c.ConfigDir, "config.yml") }

// path is the config file to point people at: the one read, else the default.
func (c *Config) path() string {
	if c.File != "" {
		return c.File
	}
	return c.defaultPath()
}

func (c *Config) botNames() string {
	names := make([]string, len(c.Bots))
	for i, b := range c.Bots {
		names[i] = b.Name
	}
	return strings.Join(names, ", ")
}

// readConfigFile returns the file's content and mode; the mode comes from the
// open file so that it describes the bytes read.
func readConfigFile(path string) ([]byte, fs.FileMode, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, 0, err
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return nil, 0, err
	}
	data, err := io.ReadAll(f)
	return data, info.Mode(), err
}

// readKeyFile reads a key file, refusing one that others could read.
func readKeyFile(path string) (Secret, error) {
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return "", fmt.Errorf("%w: key file %s does not exist: put the key in it (%s), then chmod 600 %s",
			ErrNoKey, path, keyHelp, path)
	}
	if err != nil {
		return "", fmt.Errorf("reading the key file: %w", err)
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return "", fmt.Errorf("reading the key file: %w", err)
	}
	if exposed(info.Mode()) {
		return "", fmt.Errorf("key file %s is readable by others (mode %04o): run chmod 600 %s",
			path, uint32(info.Mode().Perm()), path)
	}
	// A key is short: anything big is the wrong file, not a key to send.
	if info.Size() > 4096 {
		return "", fmt.Errorf("key file %s is %d bytes: it should hold only the API key", path, info.Size())
	}
	data, err := io.ReadAll(f)
	if err != nil {
		return "", fmt.Errorf("reading the key file: %w", err)
	}
	key := strings.TrimSpace(string(data))
	if key == "" {
		return "", fmt.Errorf("%w: key file %s is empty: put the key in it (%s)", ErrNoKey, path, keyHelp)
	}
	return Secret(key), nil
}

// exposed reports whether group or others have any access to a file of this
// mode. Windows has no such bits (every file reports 0666 or 0444), so nothing
// is refused there.
func exposed(mode fs.FileMode) bool {
	return runtime.GOOS != "windows" && mode.Perm()&0o077 != 0
}

// checkBaseURL returns u without a trailing slash, so paths can be appended.
// Its error reads after the name of the setting.
func checkBaseURL(u string) (string, error) {
	parsed, err := url.Parse(u)
	if err != nil || (parsed.Scheme != "http" && parsed.Scheme != "https") || parsed.Host == "" {
		return "", fmt.Errorf("%q is not an http(s) URL: use one like %s", u, defaultBaseURL)
	}
	return strings.TrimRight(u, "/"), nil
}

// noKeyError is a key that could not be read: it says why, and is ErrNoKey
// too, for callers that only need to know there is no key.
type noKeyError struct{ err error }

func (e noKeyError) Error() string   { return e.err.Error() }
func (e noKeyError) Unwrap() []error { return []error{e.err, ErrNoKey} }
