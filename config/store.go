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
	return withPassword(c.StorePath(), c.StorePassword)
}

// withPassword is the URL where with password put in it, if any.
func withPassword(where string, password Secret) string {
	if password == "" {
		return where
	}
	u, err := url.Parse(where)
	if err != nil {
		return where // parsed once already, in parseStore
	}
	u.User = url.UserPassword(u.User.Username(), password.Reveal())
	return u.String()
}

// CopyTarget reads to, the store neotui store copy writes (--to): a file
// or a postgres:// URL, as --store reads one, and as there a password in
// it is refused. It returns where, as messages name it, and the DSN that
// opens it: a URL of the server and user of the store the config file or
// NEOTUI_STORE names, whatever --store says, takes the password they give
// it; else PostgreSQL's PGPASSWORD or ~/.pgpass give one.
func (c *Config) CopyTarget(to string) (where, dsn string, err error) {
	dir, err := filepath.Abs(".")
	if err != nil {
		return "", "", err
	}
	where, password, err := parseStore(to, homeDir(c.getenv), dir)
	switch {
	case err != nil:
		return "", "", fmt.Errorf("--to %w", err)
	case password != "":
		return "", "", fmt.Errorf("--to %w, which other users can read in ps: give it in PGPASSWORD, ~/.pgpass or the config file's store: (chmod 600)",
			errStorePassword)
	case c.configured != nil && c.configured.password != "" && sameServer(where, c.configured.where):
		return where, withPassword(where, c.configured.password), nil
	}
	return where, where, nil
}

// sameServer reports whether the URLs a and b name one user on one server.
func sameServer(a, b string) bool {
	if !isStoreURL(a) || !isStoreURL(b) {
		return false
	}
	ua, errA := url.Parse(a)
	ub, errB := url.Parse(b)
	return errA == nil && errB == nil && ua.User.Username() == ub.User.Username() &&
		ua.Host == ub.Host && ua.Query().Get("host") == ub.Query().Get("host") && ua.Query().Get("port") == ub.Query().Get("port")
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
	c.configured = &storeName{c.Store, c.StorePassword}
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
