package config

import (
	"fmt"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
)

func TestStore(t *testing.T) {
	const pw = "s3cr@t/!" // characters a URL must escape
	tests := []struct {
		name, file, env, flag string
		mode                  int // of the file; 0600 if 0
		want                  string
		withPassword          bool // StoreDSN puts pw back
		wantErr               string
	}{
		{name: "default", want: "HOME/.local/share/neotui/neotui.db"},
		{name: "a file in the home folder", file: "store: ~/team.db\n", want: "HOME/team.db"},
		{name: "a file beside the config", file: "store: team.db\n", want: "HOME/.config/neotui/team.db"},
		{name: "a URL", file: "store: postgres://ana@db.example:5433/neotui?sslmode=require\n",
			want: "postgres://ana@db.example:5433/neotui?sslmode=require"},
		{name: "a URL with its password, in a private file", file: "store: postgres://ana:" + url.QueryEscape(pw) + "@db.example/neotui\n",
			want: "postgres://ana@db.example/neotui", withPassword: true},
		{name: "a password as a parameter", file: "store: postgresql://db.example/neotui?user=ana&password=" + url.QueryEscape(pw) + "\n",
			want: "postgresql://db.example/neotui?user=ana", withPassword: true},
		{name: "a URL with its password, in a file others read", file: "store: postgres://ana:" + url.QueryEscape(pw) + "@db/neotui\n", mode: 0o644,
			wantErr: "config HOME/.config/neotui/config.yml holds the store's password and is readable by others (mode 0644): run chmod 600 HOME/.config/neotui/config.yml"},
		{name: "a URL without a password, in a file others read", file: "store: postgres://ana@db/neotui\n", mode: 0o644,
			want: "postgres://ana@db/neotui"},
		{name: "environment over file, password and all", file: "store: ~/team.db\n", env: "postgres://bo:" + url.QueryEscape(pw) + "@db/x",
			want: "postgres://bo@db/x", withPassword: true},
		{name: "flag over environment", env: "postgres://bo@db/x", flag: "~/mine.db", want: "HOME/mine.db"},
		// The file's password is for the file's server, not the flag's.
		{name: "flag over a file with a password", file: "store: postgres://ana:" + url.QueryEscape(pw) + "@db/neotui\n", flag: "postgres://ana@other/neotui",
			want: "postgres://ana@other/neotui"},
		{name: "a password in the flag", flag: "postgres://ana:" + url.QueryEscape(pw) + "@db/neotui",
			wantErr: "--store holds a password, which other users can read in ps: give it in the config file (chmod 600), PGPASSWORD or ~/.pgpass"},
		{name: "a password parameter in the flag", flag: "postgres://ana@db/neotui?password=" + url.QueryEscape(pw),
			wantErr: "--store holds a password, which other users can read in ps: give it in the config file (chmod 600), PGPASSWORD or ~/.pgpass"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			home, e := newEnv(t)
			e["NEOTUI_STORE"] = tt.env
			if tt.file != "" {
				path := writeConfig(t, home, tt.file)
				if tt.mode != 0 {
					writeFile(t, path, tt.file, 0o644)
				}
			}
			c, err := Load(Options{Store: tt.flag, Getenv: e.get})
			if err != nil || tt.wantErr != "" {
				if got, want := fmt.Sprint(err), strings.ReplaceAll(tt.wantErr, "HOME", home); got != want {
					t.Errorf("error = %v, want %q", err, want)
				}
				if strings.Contains(fmt.Sprint(err), pw) {
					t.Errorf("the error shows the password: %v", err)
				}
				return
			}
			want := strings.ReplaceAll(tt.want, "HOME", home)
			if got := c.StorePath(); got != filepath.FromSlash(want) && got != want {
				t.Errorf("StorePath() = %q, want %q", got, want)
			}
			if got := dsnPassword(t, c.StoreDSN()); got != map[bool]string{true: pw}[tt.withPassword] {
				t.Errorf("StoreDSN() = %q holds the password %q", c.StoreDSN(), got)
			}
			if shown := fmt.Sprintf("%v %+v %#v", c, *c, c.StorePath()); strings.Contains(shown, pw) || strings.Contains(shown, url.QueryEscape(pw)) {
				t.Errorf("printing the config shows the password: %s", shown)
			}
		})
	}
}

// dsnPassword is the password in a store's DSN, if it is a URL.
func dsnPassword(t *testing.T, dsn string) string {
	t.Helper()
	if !isStoreURL(dsn) {
		return ""
	}
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatalf("StoreDSN() = %q is no URL: %v", dsn, err)
	}
	pw, _ := u.User.Password()
	return pw
}

// TestCopyTarget: --to of neotui store copy names a file or a URL as
// --store does, never with a password; a URL of the configured store's
// server and user takes the password the file gives it, whatever --store
// says, and no other URL does.
func TestCopyTarget(t *testing.T) {
	const pw = "s3cr@t/!"
	file := "store: postgres://ana:" + url.QueryEscape(pw) + "@db.example:5433/neotui\n"
	tests := []struct {
		name, file, flag, to string
		want                 string
		withPassword         bool
		wantErr              string
	}{
		{name: "a file", to: "~/copy.db", want: "HOME/copy.db"},
		{name: "a URL", to: "postgres://bo@db.example/neotui", want: "postgres://bo@db.example/neotui"},
		{name: "the configured server and user", file: file, flag: "~/old.db", to: "postgres://ana@db.example:5433/other",
			want: "postgres://ana@db.example:5433/other", withPassword: true},
		{name: "another server", file: file, to: "postgres://ana@elsewhere:5433/neotui", want: "postgres://ana@elsewhere:5433/neotui"},
		{name: "another user", file: file, to: "postgres://bo@db.example:5433/neotui", want: "postgres://bo@db.example:5433/neotui"},
		{name: "a password in --to", to: "postgres://ana:" + url.QueryEscape(pw) + "@db/neotui",
			wantErr: "--to holds a password, which other users can read in ps: give it in PGPASSWORD, ~/.pgpass or the config file's store: (chmod 600)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			home, e := newEnv(t)
			if tt.file != "" {
				writeConfig(t, home, tt.file)
			}
			c, err := Load(Options{Store: tt.flag, Getenv: e.get})
			if err != nil {
				t.Fatal(err)
			}
			where, dsn, err := c.CopyTarget(tt.to)
			if err != nil || tt.wantErr != "" {
				if fmt.Sprint(err) != tt.wantErr {
					t.Errorf("error = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if want := strings.ReplaceAll(tt.want, "HOME", home); where != filepath.FromSlash(want) && where != want {
				t.Errorf("where = %q, want %q", where, want)
			}
			if got := dsnPassword(t, dsn); got != map[bool]string{true: pw}[tt.withPassword] {
				t.Errorf("dsn %q holds the password %q", dsn, got)
			}
		})
	}
}
