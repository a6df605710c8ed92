package config

import (
	"errors"
	"fmt"
	"net/url"
	"path/filepath"
	"strings"
)

// The store is a SQLite file (the default, in the data folder) or a
// PostgreSQL database a team shares, named by a postgres:// URL. The file
// sets it with store:, the environment with NEOTUI_STORE, a command with
// --store; each overrides the one before. A URL's password may come with it
// from the file (which must then be chmod 600) or the environment, never
// from --store, where other users would see it in ps; else PostgreSQL's
// own PGPASSWORD or ~/.pgpass give it.

// StorePath is where the store is, as screens and messages name it: a
// file's path, or a URL without its password.
func (c *Config) StorePath() string {
	if c.Store != "" {
		return c.Store
	}
	return filepath.Join(c.DataDir, "neotui.db")
}

// StoreDSN is what opens the store: StorePath with its password, if any,
// put back. For the store's Open alone.
func (c *Config) StoreDSN() string {
	where := c.StorePath()
	if c.StorePassword == "" {
		return where
	}
	u, err := url.Parse(where)
	if err != nil {
		return where // parsed once already, in parseStore
	}
	u.User = url.UserPassword(u.User.Username(), c.StorePassword.Reveal())
	return u.String()
}

// isStoreURL reports whether v names a PostgreSQL database rather than a file.
func isStoreURL(v string) bool {
	return strings.HasPrefix(v, "postgres://") || strings.HasPrefix(v, "postgresql://")
}

// errStorePassword is a password where it must not be.
var errStorePassword = errors.New("holds a password")

// parseStore reads a store's location: a postgres:// URL, returned
// without its password and the password apart; or a file, whose path may
// start with ~/ (home) and is otherwise relative to dir.
func parseStore(v, home, dir string) (where string, password Secret, err error) {
	if !isStoreURL(v) {
		path := expandHome(v, home)
		if !filepath.IsAbs(path) {
			path = filepath.Join(dir, path)
		}
		return filepath.Clean(path), "", nil
	}
	u, err := url.Parse(v)
	if err != nil {
		// url's error would quote the URL, password and all.
		return "", "", errors.New("is not a URL: use one like postgres://neotui@db.example/neotui")
	}
	if pw, ok := u.User.Password(); ok {
		password = Secret(pw)
		u.User = url.User(u.User.Username())
	}
	if q := u.Query(); q.Has("password") {
		password = Secret(q.Get("password"))
		q.Del("password")
		u.RawQuery = q.Encode()
	}
	return u.String(), password, nil
}

// storeFromEnv applies NEOTUI_STORE, then --store (flag).
func (c *Config) storeFromEnv(flag, home string) error {
	dir, err := filepath.Abs(".")
	if err != nil {
		return err
	}
	if v := strings.TrimSpace(c.getenv("NEOTUI_STORE")); v != "" {
		if c.Store, c.StorePassword, err = parseStore(v, home, dir); err != nil {
			return fmt.Errorf("NEOTUI_STORE %w", err)
		}
	}
	if flag == "" {
		return nil
	}
	store, password, err := parseStore(flag, home, dir)
	switch {
	case err != nil:
		return fmt.Errorf("--store %w", err)
	case password != "":
		return fmt.Errorf("--store %w, which other users can read in ps: give it in the config file (chmod 600), PGPASSWORD or ~/.pgpass",
			errStorePassword)
	}
	// Another store: the password that came with the one before is not its.
	c.Store, c.StorePassword = store, ""
	return nil
}
