package serve

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strings"
	"sync"

	"charm.land/log/v2"
	gossh "golang.org/x/crypto/ssh"

	"github.com/neotui/neotui/internal/safetext"
)

// identityMax bounds an identity, in bytes: it becomes the author of notes
// and statuses, which the store caps at 256.
const identityMax = 128

// authorizedKeys is the authorized_keys file, re-read when it changes. Every
// authentication attempt stats the file (cheap) and parses it again only when
// its size, modification time or inode changed.
type authorizedKeys struct {
	path string
	log  *log.Logger

	mu      sync.Mutex
	info    fs.FileInfo       // of the file last parsed; nil if it could not be read
	keys    map[string]string // marshalled public key → the line's comment
	lastErr string            // logged once, not on every attempt
}

// errNoKeys is an authorized-keys file without a usable key.
var errNoKeys = errors.New("holds no public key")

// loadAuthorizedKeys reads path once, failing when it is unusable: missing,
// owned by another user, writable by group or others, or without a key.
// serve refuses to start then.
func loadAuthorizedKeys(path string, logger *log.Logger) (*authorizedKeys, error) {
	ak := &authorizedKeys{path: path, log: logger}
	ak.mu.Lock()
	defer ak.mu.Unlock()
	if err := ak.reloadLocked(); err != nil {
		return nil, err
	}
	return ak, nil
}

// lookup returns the comment of key's line, and whether the key is
// authorized now.
func (ak *authorizedKeys) lookup(key gossh.PublicKey) (string, bool) {
	ak.mu.Lock()
	defer ak.mu.Unlock()
	ak.refreshLocked()
	comment, ok := ak.keys[string(key.Marshal())]
	return comment, ok
}

// revoked says whether key was taken out of a file that is usable now. A
// file that cannot be used (mid-edit, wrong mode) lets no one new in, but
// does not end the sessions of those already in.
func (ak *authorizedKeys) revoked(key gossh.PublicKey) bool {
	ak.mu.Lock()
	defer ak.mu.Unlock()
	ak.refreshLocked()
	if ak.keys == nil {
		return false
	}
	_, ok := ak.keys[string(key.Marshal())]
	return !ok
}

// refreshLocked re-reads the file when it changed. A file that became
// unusable grants nothing until it is fixed: failing closed.
func (ak *authorizedKeys) refreshLocked() {
	info, err := os.Stat(ak.path)
	if err == nil && ak.info != nil && sameFile(ak.info, info) {
		return
	}
	if err := ak.reloadLocked(); err != nil {
		if err.Error() != ak.lastErr {
			ak.log.Error("authorized keys unusable: nobody can sign in until it is fixed", "err", err)
		}
		ak.lastErr = err.Error()
		return
	}
	ak.lastErr = ""
	ak.log.Info("authorized keys re-read", "path", ak.path, "keys", len(ak.keys))
}

func sameFile(a, b fs.FileInfo) bool {
	return a.Size() == b.Size() && a.ModTime().Equal(b.ModTime()) && a.Mode() == b.Mode() &&
		changeStamp(a) == changeStamp(b) && os.SameFile(a, b)
}

// reloadLocked parses the file. On error no key is authorized.
func (ak *authorizedKeys) reloadLocked() error {
	ak.keys, ak.info = nil, nil
	f, err := os.Open(ak.path)
	if errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("authorized keys file %s does not exist: create it with one OpenSSH public key per line", ak.path)
	}
	if err != nil {
		return fmt.Errorf("authorized keys file: %w", err)
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return fmt.Errorf("authorized keys file: %w", err)
	}
	ak.info = info
	if !info.Mode().IsRegular() {
		return fmt.Errorf("authorized keys file %s is not a regular file", ak.path)
	}
	if err := checkOwner(ak.path, info); err != nil {
		return fmt.Errorf("authorized keys file %w", err)
	}
	if info.Mode().Perm()&0o022 != 0 {
		return fmt.Errorf("authorized keys file %s is writable by others (mode %04o): run chmod 600 %s",
			ak.path, info.Mode().Perm(), ak.path)
	}
	const maxSize = 1 << 20
	if info.Size() > maxSize {
		return fmt.Errorf("authorized keys file %s is over 1 MB", ak.path)
	}
	data, err := io.ReadAll(io.LimitReader(f, maxSize))
	if err != nil {
		return fmt.Errorf("authorized keys file: %w", err)
	}
	keys, skipped := parseAuthorizedKeys(data)
	for _, s := range skipped {
		ak.log.Warn("authorized keys: line ignored", "path", ak.path, "line", s.line, "why", s.why)
	}
	if len(keys) == 0 {
		return fmt.Errorf("authorized keys file %s %w: add one OpenSSH public key per line", ak.path, errNoKeys)
	}
	ak.keys = keys
	return nil
}

type skippedLine struct {
	line int
	why  string
}

// parseAuthorizedKeys reads OpenSSH authorized_keys lines. Lines with options
// (from=, command=, restrict…) are skipped, not honoured: ignoring a from=
// restriction silently would grant more than the file says.
func parseAuthorizedKeys(data []byte) (map[string]string, []skippedLine) {
	keys := make(map[string]string)
	var skipped []skippedLine
	for n, line := range bytes.Split(data, []byte("\n")) {
		line = bytes.TrimSpace(line)
		if len(line) == 0 || line[0] == '#' {
			continue
		}
		key, comment, options, _, err := gossh.ParseAuthorizedKey(line)
		switch {
		case err != nil:
			skipped = append(skipped, skippedLine{n + 1, "not an OpenSSH public key"})
			continue
		case len(options) > 0:
			skipped = append(skipped, skippedLine{n + 1, "options (from=, command=…) are not supported"})
			continue
		case strings.Contains(key.Type(), "-cert-"):
			skipped = append(skipped, skippedLine{n + 1, "certificates are not supported"})
			continue
		}
		if _, dup := keys[string(key.Marshal())]; !dup {
			keys[string(key.Marshal())] = comment
		}
	}
	return keys, skipped
}

// identity is who a session acts as: the key's comment, cleaned for the
// screen and the store. A key without one is named by the SSH user, which
// the client chooses freely, so the key's fingerprint goes with it: "bob
// (key 3f9aC2x1)" cannot pass for the teammate whose key says "bob".
func identity(comment, user, fingerprint string) string {
	clean := func(s string) string {
		s = strings.TrimSpace(safetext.Line(s))
		if len(s) > identityMax {
			s = strings.ToValidUTF8(s[:identityMax], "")
		}
		return s
	}
	if c := clean(comment); c != "" {
		return c
	}
	key := "key " + shortFingerprint(fingerprint)
	if u := clean(user); u != "" {
		return u + " (" + key + ")"
	}
	return key
}

// shortFingerprint is 8 characters of a SHA256:… fingerprint: enough to
// tell a team's keys apart.
func shortFingerprint(fp string) string {
	fp = strings.TrimPrefix(fp, "SHA256:")
	return fp[:min(len(fp), 8)]
}
