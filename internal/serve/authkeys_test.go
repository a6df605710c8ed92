package serve

import (
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"charm.land/log/v2"
)

func TestAuthorizedKeysFileIsChecked(t *testing.T) {
	ana := newKey(t, "ana@laptop")
	cases := []struct {
		name, text string
		mode       os.FileMode
		want       string // in the error; "" for success
	}{
		{"fine", ana.line + "\n", 0o600, ""},
		{"readable by all is fine", ana.line + "\n", 0o644, ""},
		{"group-writable", ana.line + "\n", 0o620, "chmod 600"},
		{"world-writable", ana.line + "\n", 0o606, "chmod 600"},
		{"empty", "", 0o600, "holds no public key"},
		{"only comments", "# nobody yet\n\n", 0o600, "holds no public key"},
		{"only a line with options", `from="10.0.0.0/8" ` + ana.line + "\n", 0o600, "holds no public key"},
		{"garbage", "ssh-ed25519 not-base64!!\n", 0o600, "holds no public key"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := filepath.Join(t.TempDir(), "keys")
			if err := os.WriteFile(p, []byte(c.text), 0o600); err != nil {
				t.Fatal(err)
			}
			if err := os.Chmod(p, c.mode); err != nil {
				t.Fatal(err)
			}
			_, err := loadAuthorizedKeys(p, log.New(io.Discard))
			switch {
			case c.want == "" && err != nil:
				t.Errorf("refused: %v", err)
			case c.want != "" && (err == nil || !strings.Contains(err.Error(), c.want)):
				t.Errorf("err = %v, want one saying %q", err, c.want)
			}
		})
	}
	if _, err := loadAuthorizedKeys(filepath.Join(t.TempDir(), "missing"), log.New(io.Discard)); err == nil {
		t.Error("a missing file was accepted")
	}
}

func TestAuthorizedKeysLines(t *testing.T) {
	ana, bob, carol := newKey(t, "ana@laptop"), newKey(t, "  Bob  Smith  "), newKey(t, "")
	text := strings.Join([]string{
		"# the team",
		ana.line,
		"   ",
		bob.line + "\r", // CRLF files
		carol.line,
		`command="/bin/sh" ` + newKey(t, "eve").line,
		"not a key",
	}, "\n")
	keys, skipped := parseAuthorizedKeys([]byte(text))
	if len(keys) != 3 || len(skipped) != 2 {
		t.Fatalf("%d keys, %d skipped: %v", len(keys), len(skipped), skipped)
	}
	if skipped[0].line != 6 || !strings.Contains(skipped[0].why, "options") {
		t.Errorf("skipped %+v", skipped[0])
	}
	carolFP := Fingerprint(carol.signer.PublicKey())
	for k, want := range map[testKey]string{ana: "ana@laptop", bob: "Bob  Smith", carol: "carol-ssh-user (key " + carolFP[7:15] + ")"} {
		fp := Fingerprint(k.signer.PublicKey())
		if got := identity(keys[string(k.signer.PublicKey().Marshal())], "carol-ssh-user", fp); got != want {
			t.Errorf("identity = %q, want %q", got, want)
		}
	}
}

func TestIdentityIsSafeToShowAndStore(t *testing.T) {
	const fp = "SHA256:3f9aC2x1Qq0pLmN"
	for _, c := range []struct{ comment, user, want string }{
		{"ana@laptop", "root", "ana@laptop"},
		// No comment: the user name the client chose, with the key's print.
		{"", "bob", "bob (key 3f9aC2x1)"},
		{"   ", "bob", "bob (key 3f9aC2x1)"},
		{"\x1b]0;pwned\x07ana", "x", "ana"},
		{"evil\u202eana", "x", "evilana"},
		{"", "\x1b[2J", "key 3f9aC2x1"},
		{strings.Repeat("é", 200), "x", strings.Repeat("é", identityMax/2)},
	} {
		if got := identity(c.comment, c.user, fp); got != c.want {
			t.Errorf("identity(%q, %q) = %q, want %q", c.comment, c.user, got, c.want)
		}
	}
}
