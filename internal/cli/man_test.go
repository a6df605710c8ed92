package cli

import (
	"strings"
	"testing"

	"github.com/neotui/neotui/api/apitest"
)

// TestManPage: neotui man prints a manual page in man's format, of neotui
// or of one command; an unknown command is bad usage.
func TestManPage(t *testing.T) {
	c := newCLI(t, apitest.Options{})
	page := c.mustRun("man").stdout
	for _, want := range []string{`.TH "NEOTUI" "1"`, ".SH NAME\nneotui - Browse a Neoagent chatbot's leads", ".SH SYNOPSIS", "NEOAGENT_API_KEY", `\fB--offline\fP`, `\fBneotui-leads(1)\fP`} {
		if !strings.Contains(page, want) {
			t.Errorf("neotui man lacks %q:\n%s", want, page)
		}
	}
	if leads := c.mustRun("man", "leads").stdout; !strings.HasPrefix(leads, ".nh\n.TH \"NEOTUI-LEADS\" \"1\"") || !strings.Contains(leads, `\fB--status\fP`) {
		t.Errorf("neotui man leads:\n%s", leads)
	}
	if r := c.run("man", "nope"); r.code != exitUsage || !strings.Contains(r.stderr, `no command "nope"`) {
		t.Errorf("neotui man nope: exit %d, %q", r.code, r.stderr)
	}
}

// TestCompletion: cobra's completion command writes each shell's script,
// as the README says to install it, and --bot completes the bots' names.
func TestCompletion(t *testing.T) {
	c := newCLI(t, apitest.Options{})
	for shell, want := range map[string]string{"bash": "__start_neotui", "zsh": "#compdef neotui", "fish": "complete -c neotui", "powershell": "Register-ArgumentCompleter"} {
		if out := c.mustRun("completion", shell).stdout; !strings.Contains(out, want) {
			t.Errorf("neotui completion %s lacks %q", shell, want)
		}
	}
	c.writeConfig("bots:\n  - {name: shop, serial: s1, key_env: SHOP_KEY}\n  - {name: clinic, serial: s2, key_env: CLINIC_KEY}\n", 0o600)
	if out := c.mustRun("__complete", "leads", "--bot", "").stdout; !strings.HasPrefix(out, "shop\nclinic\n:4\n") {
		t.Errorf("--bot completes to %q, want the two bots", out)
	}
}
