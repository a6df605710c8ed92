package cli

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"runtime/debug"
	"strings"
	"testing"
)

func TestModuleVersion(t *testing.T) {
	vcs := []debug.BuildSetting{
		{Key: "vcs", Value: "git"},
		{Key: "vcs.revision", Value: "85df063a1b2c3d4e5f60718293a4b5c6d7e8f901"},
		{Key: "vcs.time", Value: "2026-03-10T15:00:00Z"},
	}
	dirty := append(append([]debug.BuildSetting(nil), vcs...), debug.BuildSetting{Key: "vcs.modified", Value: "true"})
	for _, tt := range []struct {
		version  string
		settings []debug.BuildSetting
		want     string
	}{
		{"v1.2.0", nil, "v1.2.0"},           // go install …@v1.2.0
		{"v1.2.0-rc.1", nil, "v1.2.0-rc.1"}, // a pre-release is a release
		{"v0.0.0-20260310150000-85df063a1b2c", vcs, "devel (85df063, 2026-03-10T15:00:00Z)"},
		{"v1.2.1-0.20260310150000-85df063a1b2c", vcs, "devel (85df063, 2026-03-10T15:00:00Z)"},
		{"v0.0.0-20260310150000-85df063a1b2c+dirty", dirty, "devel (85df063+dirty, 2026-03-10T15:00:00Z)"},
		{"v1.2.0+dirty", dirty, "devel (85df063+dirty, 2026-03-10T15:00:00Z)"},
		{"(devel)", vcs, "devel (85df063, 2026-03-10T15:00:00Z)"},
		{"(devel)", nil, "devel"}, // go test, go run: no VCS stamp
	} {
		bi := &debug.BuildInfo{Main: debug.Module{Path: "github.com/neotui/neotui", Version: tt.version}, Settings: tt.settings}
		if got := moduleVersion(bi); got != tt.want {
			t.Errorf("%s: %q, want %q", tt.version, got, tt.want)
		}
	}
}

// TestVersionOfABuiltBinary: neotui built from this checkout, its commit
// stamped (-buildvcs=true: a GOFLAGS may turn stamping off), says it is a
// development build of that commit; never a pseudo-version.
func TestVersionOfABuiltBinary(t *testing.T) {
	rev, err := exec.Command("git", "rev-parse", "--short=7", "HEAD").Output()
	if err != nil {
		t.Skipf("not a git checkout (%v): no commit to stamp", err)
	}
	bin := filepath.Join(t.TempDir(), "neotui")
	build := exec.Command(filepath.Join(runtime.GOROOT(), "bin", "go"), "build", "-buildvcs=true", "-o", bin, ".")
	build.Dir = filepath.Join("..", "..") // the module's root
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	out, err := exec.Command(bin, "--version").Output()
	if err != nil {
		t.Fatal(err)
	}
	got := strings.TrimSpace(string(out))
	want := `^neotui version devel \(` + strings.TrimSpace(string(rev)) + `(\+dirty)?, \d{4}-\d\d-\d\dT[0-9:]+Z\)$`
	if fi, err := os.Stat(filepath.Join(build.Dir, ".git")); err == nil && !fi.IsDir() {
		// A linked worktree: its .git is a file, and Go stamps no commit then.
		want = `^neotui version devel$`
	}
	if !regexp.MustCompile(want).MatchString(got) {
		t.Errorf("--version printed %q, want %s", got, want)
	}
}
