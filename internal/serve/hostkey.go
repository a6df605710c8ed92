package serve

import (
	"crypto/ed25519"
	"crypto/rand"
	"encoding/pem"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	gossh "golang.org/x/crypto/ssh"
)

// HostKeyName is the host key's file name in the data directory.
const HostKeyName = "ssh_host_ed25519_key"

// LoadHostKey reads the host key at path, generating an ed25519 key there
// (mode 0600, its directory 0700) when there is none, so that the server keeps
// its fingerprint across restarts. A key readable by group or others is
// refused: whoever reads it can impersonate the server.
func LoadHostKey(path string) (gossh.Signer, error) {
	data, err := readPrivate(path)
	if errors.Is(err, fs.ErrNotExist) {
		if err := generateHostKey(path); err != nil {
			return nil, fmt.Errorf("generating the host key %s: %w", path, err)
		}
		data, err = readPrivate(path)
	}
	if err != nil {
		return nil, err
	}
	signer, err := gossh.ParsePrivateKey(data)
	if err != nil {
		return nil, fmt.Errorf("host key %s: %w (an unencrypted OpenSSH private key is needed)", path, err)
	}
	return signer, nil
}

func readPrivate(path string) ([]byte, error) {
	info, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if info.Mode().Perm()&0o077 != 0 {
		return nil, fmt.Errorf("host key %s is readable by others (mode %04o): run chmod 600 %s",
			path, info.Mode().Perm(), path)
	}
	return os.ReadFile(path)
}

// generateHostKey writes a new key atomically: a second server starting at
// the same moment finds either no file or a whole one.
func generateHostKey(path string) error {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return err
	}
	block, err := gossh.MarshalPrivateKey(priv, "neotui host key")
	if err != nil {
		return err
	}
	tmp, err := os.CreateTemp(dir, ".host-key-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if err := tmp.Chmod(0o600); err != nil {
		tmp.Close()
		return err
	}
	if _, err := tmp.Write(pem.EncodeToMemory(block)); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	// Link, not rename: an existing key (another server won the race) is
	// never replaced.
	err = os.Link(tmp.Name(), path)
	switch {
	case err == nil, errors.Is(err, fs.ErrExist):
		return nil
	default: // a file system without hard links
		return os.Rename(tmp.Name(), path)
	}
}

// Fingerprint is the SHA256 fingerprint ssh shows for a public key.
func Fingerprint(key gossh.PublicKey) string { return gossh.FingerprintSHA256(key) }
