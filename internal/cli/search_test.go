package cli

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"

	"github.com/neotui/neotui/api"
	"github.com/neotui/neotui/api/apitest"
)

// foundJSON is neotui search --format json, read back.
type foundJSON struct {
	SessionID  int64     `json:"sessionId"`
	CreateTime time.Time `json:"createTime"`
	URI        string    `json:"uri"`
	Matches    []struct {
		Type    string `json:"type"`
		Content string `json:"content"`
	} `json:"matches"`
}

func (c *cli) search(args ...string) []foundJSON {
	c.t.Helper()
	r := c.mustRun(append([]string{"search", "--format", "json"}, args...)...)
	var found []foundJSON
	if err := json.Unmarshal([]byte(r.stdout), &found); err != nil {
		c.t.Fatalf("search json: %v\n%s", err, r.stdout)
	}
	noEscapes(c.t, r.stdout)
	return found
}

// TestSearchFindsWhatTheDataHolds: the conversations of the range with
// the word, newest first, each with every message that has it.
func TestSearchFindsWhatTheDataHolds(t *testing.T) {
	c := newCLI(t, apitest.Options{})
	today := api.DayOf(time.Now())
	from := today - 29
	var want []string // "session:matches", newest first
	sessions := c.bot.Sessions(from, today)
	for i := len(sessions) - 1; i >= 0; i-- {
		n := 0
		for _, m := range sessions[i].Messages {
			if strings.Contains(strings.ToLower(m.Content), "preventivo") {
				n++
			}
		}
		if n > 0 {
			want = append(want, fmt.Sprintf("%d:%d", sessions[i].SessionID, n))
		}
	}
	if len(want) < 3 {
		t.Fatalf("only %d conversations to find", len(want))
	}
	found := c.search("PREVENTIVO", "--since", "30d") // synced here
	var got []string
	for i, f := range found {
		got = append(got, fmt.Sprintf("%d:%d", f.SessionID, len(f.Matches)))
		if i > 0 && f.CreateTime.After(found[i-1].CreateTime) || f.URI == "" {
			t.Errorf("conversation %d: %s at %s", f.SessionID, f.URI, f.CreateTime)
		}
		for _, m := range f.Matches {
			if !strings.Contains(strings.ToLower(m.Content), "preventivo") || m.Type == "" {
				t.Errorf("conversation %d: a match without the word: %+v", f.SessionID, m)
			}
		}
	}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("found %v\nwant  %v", got, want)
	}

	if two := c.search("preventivo", "--since", "30d", "--limit", "2", "--offline"); len(two) != 2 || two[1].SessionID != found[1].SessionID {
		t.Errorf("--limit 2: %+v", two)
	}
	day := api.DayOf(found[0].CreateTime).String()
	for _, f := range c.search("preventivo", "--since", day, "--until", day, "--offline") {
		if api.DayOf(f.CreateTime).String() != day {
			t.Errorf("--since %s --until %s found conversation %d of %s", day, day, f.SessionID, f.CreateTime)
		}
	}
}

func TestSearchFormatsAndNothingFound(t *testing.T) {
	c := newCLI(t, apitest.Options{})
	c.env["COLUMNS"] = "60"
	c.mustRun("sync", "--since", "60d")

	table := c.mustRun("search", "preventivo", "--offline", "--limit", "3").stdout
	lines := strings.Split(strings.TrimSpace(table), "\n")
	if !strings.Contains(lines[0], " · https://") || !strings.Contains(lines[0], "match") || !strings.HasPrefix(lines[1], "  ") {
		t.Errorf("table:\n%s", table)
	}
	for _, l := range lines {
		if w := ansi.StringWidth(l); w > 60 {
			t.Errorf("a %d-cell line at COLUMNS=60: %q", w, l)
		}
	}

	md := c.mustRun("search", "preventivo", "--offline", "--limit", "3", "--format", "markdown").stdout
	if !strings.HasPrefix(md, "# Conversations with “preventivo”") || strings.Count(md, "## Conversation ") != 3 {
		t.Errorf("markdown:\n%s", md)
	}

	// The hostile records: whatever they hold reaches no terminal raw.
	for _, f := range []string{"table", "markdown", "json"} {
		for _, q := range []string{"mallory", "a"} {
			noEscapes(t, c.mustRun("search", q, "--offline", "--format", f).stdout)
		}
	}

	for _, f := range []string{"table", "markdown", "json"} {
		if r := c.mustRun("search", "zzqxv", "nothing", "--offline", "--format", f); r.stdout != "" || r.stderr != "" {
			t.Errorf("nothing found, as %s, printed %q and %q", f, r.stdout, r.stderr)
		}
	}
	c.run("search").failsWith(t, 2, "the words to look for")
	c.run("search", "x", "--format", "csv").failsWith(t, 2, "--format")
	c.run("search", "x", "--limit", "-1").failsWith(t, 2, "--limit")
}

func TestSearchFailedSyncPrintsNothing(t *testing.T) {
	c := newCLI(t, apitest.Options{})
	c.env["NEOAGENT_API_KEY"] = "wrong-secret-key"
	r := c.run("search", "preventivo")
	r.failsWith(t, 1, "rejected the API key", "neotui search --offline")
	if r.stdout != "" {
		t.Errorf("a failed search printed %.80q", r.stdout)
	}
}
