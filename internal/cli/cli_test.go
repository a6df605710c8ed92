package cli

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"

	"github.com/neotui/neotui/api"
	"github.com/neotui/neotui/api/apitest"
	"github.com/neotui/neotui/internal/store"
)

// binary is neotui built once for every CLI test: they run the real thing.
var binary string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "neotui-cli")
	if err != nil {
		panic(err)
	}
	binary = filepath.Join(dir, "neotui")
	build := exec.Command(filepath.Join(runtime.GOROOT(), "bin", "go"), "build", "-o", binary, "github.com/neotui/neotui")
	build.Stderr = os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "building neotui:", err)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

const serial = "cli-bot"

// cli is one user's machine: a home directory, a config, a fake Neoagent.
type cli struct {
	t    *testing.T
	home string
	env  map[string]string
	srv  *apitest.Server
	bot  *apitest.Bot
}

func newCLI(t *testing.T, opts apitest.Options) *cli {
	t.Helper()
	bot := apitest.Generate(apitest.Spec{Serial: serial, Sessions: 400, Days: 60, End: time.Now(), Seed: 3})
	if opts.Bots == nil {
		opts.Bots = []*apitest.Bot{bot}
	}
	srv := apitest.Start(t, opts)
	home := t.TempDir()
	c := &cli{t: t, home: home, srv: srv, bot: bot, env: map[string]string{
		"HOME":              home,
		"XDG_CONFIG_HOME":   filepath.Join(home, "config"),
		"XDG_DATA_HOME":     filepath.Join(home, "data"),
		"XDG_CACHE_HOME":    filepath.Join(home, "cache"),
		"NEOAGENT_BASE_URL": srv.URL,
		"NEOAGENT_API_KEY":  srv.Key,
		"NEOAGENT_SERIAL":   serial,
		"PATH":              os.Getenv("PATH"),
	}}
	// No waiting on the rate limit in tests; everything else as shipped.
	c.writeConfig("rate_limit: 100000\n", 0o600)
	return c
}

func (c *cli) writeConfig(text string, mode os.FileMode) string {
	c.t.Helper()
	path := filepath.Join(c.home, "config", "neotui", "config.yml")
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		c.t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(text), mode); err != nil {
		c.t.Fatal(err)
	}
	if err := os.Chmod(path, mode); err != nil {
		c.t.Fatal(err)
	}
	return path
}

func (c *cli) storePath() string { return filepath.Join(c.home, "data", "neotui", "neotui.db") }

type result struct {
	code           int
	stdout, stderr string
}

func (c *cli) run(args ...string) result {
	c.t.Helper()
	r, err := c.exec(args...)
	if err != nil {
		c.t.Fatalf("running neotui %v: %v", args, err)
	}
	return r
}

// start runs neotui beside the test: its result arrives when it exits.
func (c *cli) start(args ...string) <-chan result {
	done := make(chan result, 1)
	go func() {
		r, err := c.exec(args...)
		if err != nil {
			r = result{code: -1, stderr: err.Error()}
		}
		done <- r
	}()
	return done
}

func (c *cli) exec(args ...string) (result, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, binary, args...)
	for k, v := range c.env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	r := result{stdout: out.String(), stderr: errb.String()}
	if ee, ok := err.(*exec.ExitError); ok {
		r.code, err = ee.ExitCode(), nil
	}
	return r, err
}

// mustRun runs and requires exit 0.
func (c *cli) mustRun(args ...string) result {
	c.t.Helper()
	r := c.run(args...)
	if r.code != 0 {
		c.t.Fatalf("neotui %s: exit %d\nstderr: %s", strings.Join(args, " "), r.code, r.stderr)
	}
	return r
}

// failsWith requires exit code, and stderr to be one line containing want.
func (r result) failsWith(t *testing.T, code int, want ...string) {
	t.Helper()
	if r.code != code {
		t.Errorf("exit %d, want %d\nstderr: %s", r.code, code, r.stderr)
	}
	first := strings.SplitN(r.stderr, "\n", 2)[0]
	for _, w := range want {
		if !strings.Contains(first, w) {
			t.Errorf("stderr %q does not say %q", r.stderr, w)
		}
	}
	if strings.Contains(r.stderr, "goroutine ") || strings.Contains(r.stderr, "panic") {
		t.Errorf("stack trace on stderr: %s", r.stderr)
	}
	if lines := strings.Count(strings.TrimSpace(r.stderr), "\n") + 1; code == 1 && lines != 1 {
		t.Errorf("stderr has %d lines, want one clear sentence:\n%s", lines, r.stderr)
	}
}

func noEscapes(t *testing.T, s string) {
	t.Helper()
	s = strings.ReplaceAll(s, "\r\n", "\n") // CSV's own line ends
	for _, bad := range []string{"\x1b", "\u009b", "\u202e", "\x07", "\r"} {
		if strings.Contains(s, bad) {
			t.Errorf("output contains %q", bad)
		}
	}
}

func TestSessionsAndTranscripts(t *testing.T) {
	c := newCLI(t, apitest.Options{})
	today := api.DayOf(time.Now())
	want := c.bot.Sessions(today-6, today) // 7d: today and the 6 days before

	r := c.mustRun("sessions", "--since", "7d", "--format", "csv")
	rows, err := csv.NewReader(strings.NewReader(r.stdout)).ReadAll()
	if err != nil || len(rows) != len(want)+1 {
		t.Fatalf("csv: %v, %d rows for %d sessions", err, len(rows), len(want))
	}
	noEscapes(t, r.stdout)

	table := c.mustRun("sessions", "--since", "7d", "--offline")
	noEscapes(t, table.stdout)

	var withMessages api.Session
	for _, s := range want {
		if len(s.Messages) > 2 {
			withMessages = s
			break
		}
	}
	id := fmt.Sprint(withMessages.SessionID)
	md := c.mustRun("sessions", "--session", id, "--format", "markdown", "--offline")
	if !strings.HasPrefix(md.stdout, "# Conversation "+id) || strings.Count(md.stdout, "**AI:**")+strings.Count(md.stdout, "**Visitor:**") < len(withMessages.Messages)-1 {
		t.Errorf("markdown transcript:\n%s", md.stdout)
	}
	noEscapes(t, md.stdout)

	js := c.mustRun("sessions", "--session", id, "--format", "json", "--offline")
	var got []api.Session
	if err := json.Unmarshal([]byte(js.stdout), &got); err != nil || len(got) != 1 || len(got[0].Messages) != len(withMessages.Messages) {
		t.Fatalf("json transcript: %v %+v", err, got)
	}
	for i, m := range got[0].Messages { // JSON keeps the visitor's text exactly
		if m != withMessages.Messages[i] {
			t.Errorf("message %d = %q, want %q", i, m.Content, withMessages.Messages[i].Content)
		}
	}

	c.mustRun("sessions", "--session", id) // plain transcript
	missing := c.run("sessions", "--session", "12345", "--offline")
	missing.failsWith(t, 1, "12345", "not in the local store")
}

// TestHostileTextNeverReachesTheTerminal: every printing path, every record.
func TestHostileTextNeverReachesTheTerminal(t *testing.T) {
	c := newCLI(t, apitest.Options{})
	c.mustRun("sync", "--since", "60d")
	outputs := []result{
		c.mustRun("leads", "--since", "60d", "--offline"),
		c.mustRun("leads", "--since", "60d", "--offline", "--format", "csv"),
		c.mustRun("leads", "--since", "60d", "--offline", "--format", "json"),
		c.mustRun("sessions", "--since", "60d", "--offline"),
		c.mustRun("sessions", "--since", "60d", "--offline", "--format", "csv"),
		c.mustRun("sessions", "--since", "60d", "--offline", "--format", "json"),
	}
	for _, k := range []int{apitest.HostileContact, apitest.HostileEscapes, apitest.HostileHuge, apitest.HostileEmpty, apitest.HostileSystem} {
		s, _, _ := c.bot.At(c.bot.Len() - k)
		for _, f := range []string{"table", "markdown", "json"} {
			outputs = append(outputs, c.mustRun("sessions", "--offline", "--session", fmt.Sprint(s.SessionID), "--format", f))
		}
	}
	for _, o := range outputs {
		noEscapes(t, o.stdout+o.stderr)
	}
	if !strings.Contains(outputs[0].stdout, "Mallory") {
		t.Error("the hostile lead is missing from the table: nothing was checked")
	}
}

func TestSyncReportsAndIsCheapTheSecondTime(t *testing.T) {
	c := newCLI(t, apitest.Options{})
	first := c.mustRun("sync", "--since", "90d")
	if !strings.Contains(first.stdout, "4 requests") || !strings.Contains(first.stdout, "new lead") {
		t.Errorf("first sync: %q", first.stdout)
	}
	// Into a file or pipe (a log), a line per stored window shows progress,
	// and stderr, no terminal, gets no progress line to redraw.
	if !strings.Contains(first.stdout, "stored 1/") || !strings.Contains(first.stdout, "new conversation") {
		t.Errorf("first sync printed no progress for the log: %q", first.stdout)
	}
	if first.stderr != "" {
		t.Errorf("stderr, not a terminal, got %q", first.stderr)
	}
	// A store left for the next neotui holds every message in its search
	// index: no process of the store is left idle long enough to index it.
	st, err := store.Open(c.storePath())
	if err != nil {
		t.Fatal(err)
	}
	if n, err := st.Unindexed(context.Background()); err != nil || n != 0 {
		t.Errorf("after sync, %d messages wait for the search index (%v), want none", n, err)
	}
	st.Close()
	c.srv.ResetRequests()
	second := c.mustRun("sync", "--since", "90d")
	if !strings.Contains(second.stdout, "2 requests, nothing new") || len(c.srv.Requests()) != 2 {
		t.Errorf("second sync: %q after %d requests", second.stdout, len(c.srv.Requests()))
	}
}

func TestOfflineNeedsNoKeyAndNoNetwork(t *testing.T) {
	c := newCLI(t, apitest.Options{})
	c.mustRun("sync", "--since", "7d")
	c.srv.ResetRequests()
	delete(c.env, "NEOAGENT_API_KEY")
	r := c.mustRun("leads", "--since", "7d", "--offline")
	if strings.Count(r.stdout, "\n") < 2 || len(c.srv.Requests()) != 0 {
		t.Errorf("offline: %d requests, output:\n%s", len(c.srv.Requests()), r.stdout)
	}
}

func TestBadUsageExitsTwo(t *testing.T) {
	c := newCLI(t, apitest.Options{})
	for _, args := range [][]string{
		{"leads", "--since", "2025-13-01"},
		{"leads", "--since", "2025-03-01", "--until", "2025-02-01"},
		{"leads", "--format", "xml"},
		{"leads", "--type", "customer"},
		{"leads", "--status", "done"},
		{"sessions", "--format", "markdown"},
		{"leads", "--frobnicate"},
		{"frobnicate"},
		{"sync", "--offline"},
		{"leads", "--limit", "abc"},
		{"leads", "--limit", "-3"},
		{"sessions", "--limit", "-1"},
		{"leads", "--since", "2999-01-01"},
	} {
		r := c.run(args...)
		r.failsWith(t, 2)
		if strings.Contains(r.stderr, "strconv") || strings.Contains(r.stderr, "swap them") && args[2] == "2999-01-01" {
			t.Errorf("%v: %s", args, r.stderr)
		}
		if !strings.Contains(r.stderr, " --help' for usage") {
			t.Errorf("%v: usage error without a pointer to help: %s", args, r.stderr)
		}
	}
	if len(c.srv.Requests()) != 0 {
		t.Errorf("bad usage made %d requests", len(c.srv.Requests()))
	}
}

// TestFailuresKeepTheStore: after a good sync, each failure prints one clear
// line, exits 1, prints nothing on stdout, and leaves the store as it was.
func TestFailuresKeepTheStore(t *testing.T) {
	c := newCLI(t, apitest.Options{})
	c.mustRun("sync", "--since", "14d")
	stored := c.mustRun("leads", "--since", "14d", "--offline", "--format", "json").stdout

	tests := []struct {
		name   string
		setup  func()
		undo   func()
		expect []string
	}{
		{"wrong key", func() { c.env["NEOAGENT_API_KEY"] = "wrong-secret-key" }, func() { c.env["NEOAGENT_API_KEY"] = c.srv.Key },
			[]string{"rejected the API key", "NEOAGENT_API_KEY"}},
		{"server errors", func() { c.srv.Inject(apitest.Fault{Status: 500, Times: 4}) }, func() {},
			[]string{"server error", "after 4 attempts"}},
		{"truncated JSON", func() { c.srv.Inject(apitest.Fault{Truncate: true, Times: 4}) }, func() {},
			[]string{"cut short"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.setup()
			defer tt.undo()
			r := c.run("leads", "--since", "14d", "--format", "json")
			r.failsWith(t, 1, append(tt.expect, "--offline")...)
			if r.stdout != "" {
				t.Errorf("a failed command printed %.80q", r.stdout)
			}
			if strings.Contains(r.stderr, "wrong-secret-key") {
				t.Errorf("the key is on stderr: %s", r.stderr)
			}
			again := c.mustRun("leads", "--since", "14d", "--offline", "--format", "json").stdout
			if again != stored {
				t.Errorf("the store changed after a failure")
			}
		})
	}
}

// TestFailedSyncPrintsNothing: with the key rejected, no command prints an
// empty result a script would take for "no leads": stdout stays empty, and
// one line says what to do, and that --offline shows what is stored.
func TestFailedSyncPrintsNothing(t *testing.T) {
	c := newCLI(t, apitest.Options{})
	c.env["NEOAGENT_API_KEY"] = "wrong-secret-key"
	for _, args := range [][]string{
		{"leads", "--format", "json"},
		{"leads", "--format", "csv"},
		{"leads"},
		{"sessions"},
		{"sessions", "--format", "json"},
		{"sync"},
	} {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			r := c.run(args...)
			r.failsWith(t, 1, "rejected the API key", "NEOAGENT_API_KEY", "--offline")
			if r.stdout != "" {
				t.Errorf("a failed command printed %.80q", r.stdout)
			}
			if strings.Contains(r.stderr, "wrong-secret-key") {
				t.Errorf("the key is on stderr: %s", r.stderr)
			}
		})
	}
}

func TestRecoversFrom429AndHTMLPages(t *testing.T) {
	c := newCLI(t, apitest.Options{})
	c.srv.Inject(apitest.Fault{Endpoint: apitest.LeadList, Status: 429, RetryAfter: "1"},
		apitest.Fault{Endpoint: apitest.ChatContentHistory, Status: 502, HTML: true, Times: 2})
	r := c.mustRun("sync", "--since", "3d")
	if !strings.Contains(r.stdout, "new") {
		t.Errorf("sync after retries: %q", r.stdout)
	}
	// Retries are requests too: the summary counts what Neoagent saw.
	if n := reportedRequests(t, r.stdout); n != len(c.srv.Requests()) || n != 5 {
		t.Errorf("the summary counts %d requests, Neoagent saw %d (want 5): %q", n, len(c.srv.Requests()), r.stdout)
	}
}

func TestBusinessLevelFailure(t *testing.T) {
	c := newCLI(t, apitest.Options{BusinessErrors: true})
	c.env["NEOAGENT_SERIAL"] = "no-such-bot"
	c.run("sync").failsWith(t, 1, "does not know this chatbot", "NEOAGENT_SERIAL")
}

func TestResponseOverTheCap(t *testing.T) {
	big := apitest.Generate(apitest.Spec{Serial: serial, Sessions: 20000, Days: 20, End: time.Now(), Seed: 4})
	c := newCLI(t, apitest.Options{Bots: []*apitest.Bot{big}})
	c.writeConfig("rate_limit: 100000\nmax_response_mb: 1\n", 0o600)
	c.run("sync", "--since", "7d").failsWith(t, 1, "larger than the 1 MB limit", "max_response_mb")
}

func TestStoreThatIsNotADatabase(t *testing.T) {
	c := newCLI(t, apitest.Options{})
	os.MkdirAll(filepath.Dir(c.storePath()), 0o700)
	junk := []byte("these are my notes, not a database\n")
	os.WriteFile(c.storePath(), junk, 0o600)
	c.run("leads").failsWith(t, 1, c.storePath(), "move it aside")
	if got, _ := os.ReadFile(c.storePath()); !bytes.Equal(got, junk) {
		t.Error("the file was changed")
	}
}

func TestConfigProblems(t *testing.T) {
	c := newCLI(t, apitest.Options{})
	path := c.writeConfig("bots:\n  - name: shop\n    serial: "+serial+"\n    key: inline-secret\n", 0o644)
	delete(c.env, "NEOAGENT_SERIAL")
	c.run("leads").failsWith(t, 1, "chmod 600 "+path)

	c.writeConfig("rate_limit: 100000\nbots:\n  - name: shop\n    seriall: x\n", 0o600)
	c.run("leads").failsWith(t, 1, path, "line 4")

	c.writeConfig("rate_limit: 100000\n", 0o600)
	delete(c.env, "NEOAGENT_API_KEY")
	c.env["NEOAGENT_SERIAL"] = serial
	c.run("leads").failsWith(t, 1, "NEOAGENT_API_KEY", "neotui demo")

	c.env["NEOAGENT_API_KEY"] = c.srv.Key
	c.run("leads", "--bot", "nope").failsWith(t, 2, "nope")
}

func TestFileModes(t *testing.T) {
	c := newCLI(t, apitest.Options{})
	c.mustRun("sync", "--since", "2d")
	fi, err := os.Stat(c.storePath())
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("store mode %v, want 0600", fi.Mode().Perm())
	}
	di, _ := os.Stat(filepath.Dir(c.storePath()))
	if di.Mode().Perm() != 0o700 {
		t.Errorf("store directory mode %v, want 0700", di.Mode().Perm())
	}
	st, err := store.Open(c.storePath())
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if last, _ := st.LastSync(context.Background(), serial); last.IsZero() {
		t.Error("no sync recorded in the store")
	}
}

func TestTablesFit80Columns(t *testing.T) {
	c := newCLI(t, apitest.Options{})
	c.env["COLUMNS"] = "80"
	c.mustRun("sync", "--since", "7d")
	for _, args := range [][]string{{"leads", "--since", "7d"}, {"sessions", "--since", "7d"}} {
		out := c.mustRun(append(args, "--offline")...).stdout
		for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
			if w := ansi.StringWidth(line); w > 80 {
				t.Errorf("%v: a %d-cell line at COLUMNS=80: %q", args, w, line)
			}
		}
		if !strings.Contains(out, "EMAIL") && args[0] == "leads" {
			t.Errorf("the leads table lost its email column at 80 columns:\n%s", out)
		}
	}
}

func TestMarkdownCannotCarryEscapes(t *testing.T) {
	c := newCLI(t, apitest.Options{})
	now := time.Now().Add(-time.Hour)
	c.bot.AddSession(api.Session{SessionID: 777001, CreateTime: now, URI: "https://x.example/a b>c", Messages: []api.Message{
		{Type: api.RoleAI, Content: "**Hi** &#27;]52;c;aGFjaw==&#7; and &#x1b;[31mred"},
		{Type: api.RoleUser, Content: "[click](javascript:alert(1)) &#27;[2J # not a heading"},
	}})
	c.mustRun("sync", "--since", "24h")
	md := c.mustRun("sessions", "--session", "777001", "--format", "markdown").stdout
	for _, bad := range []string{"&#27;", "&#x1b;", "&#7;", "](javascript"} {
		if strings.Contains(md, bad) {
			t.Errorf("markdown carries %q, which a renderer turns live:\n%s", bad, md)
		}
	}
	if !strings.Contains(md, "**Hi**") || !strings.Contains(md, "<https://x.example/a%20b%3Ec>") {
		t.Errorf("markdown lost the AI's formatting or the page link:\n%s", md)
	}
}

func TestSessionFlagMisuse(t *testing.T) {
	c := newCLI(t, apitest.Options{})
	c.run("sessions", "--session", "-5").failsWith(t, 2, "not a session ID")
	if r := c.mustRun("leads", "--session", "999999", "--offline"); !strings.Contains(r.stderr, "no leads from conversation 999999") {
		t.Errorf("leads of an unknown conversation: %q", r.stderr)
	}
	c.run("sessions", "--session", "5", "--since", "7d").failsWith(t, 2, "drop --since")
}

// leadRecord is a record of leads --format json, read back.
type leadRecord struct {
	api.Lead
	Status       string
	Starred      bool
	SnoozedUntil *time.Time
	Seen         bool
	Notes        []struct {
		Author, Body string
		CreatedAt    time.Time
	}
}
