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
		r.code = ee.ExitCode()
	} else if err != nil {
		c.t.Fatalf("running neotui %v: %v", args, err)
	}
	return r
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

func TestLeadsTableJSONCSV(t *testing.T) {
	c := newCLI(t, apitest.Options{})
	today := api.DayOf(time.Now())
	want := c.bot.Leads(today-7, today)

	table := c.mustRun("leads", "--since", "7d")
	if !strings.HasPrefix(table.stdout, "WHEN") || strings.Count(table.stdout, "\n") != len(want)+1 {
		t.Errorf("table of %d leads:\n%s", len(want), table.stdout)
	}
	noEscapes(t, table.stdout)

	js := c.mustRun("leads", "--since", "7d", "--format", "json", "--offline")
	var got []map[string]any
	if err := json.Unmarshal([]byte(js.stdout), &got); err != nil {
		t.Fatalf("json: %v\n%s", err, js.stdout)
	}
	if len(got) != len(want) {
		t.Fatalf("%d JSON records, want %d", len(got), len(want))
	}
	for _, field := range []string{"Type", "Name", "Email", "PhoneNumber", "CreateTime", "Content", "SessionID", "URI", "Count"} {
		if _, ok := got[0][field]; !ok {
			t.Errorf("JSON record lacks the API's field %s: %v", field, got[0])
		}
	}
	noEscapes(t, js.stdout)
	var typed []api.Lead
	if err := json.Unmarshal([]byte(js.stdout), &typed); err != nil {
		t.Fatal(err)
	}
	for i := range typed { // newest first, and the visitor's text intact
		if i > 0 && typed[i].CreateTime.After(typed[i-1].CreateTime) {
			t.Errorf("not newest first at %d", i)
		}
	}

	cs := c.mustRun("leads", "--since", "7d", "--format", "csv", "--offline")
	rows, err := csv.NewReader(strings.NewReader(cs.stdout)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != len(want)+1 || strings.Join(rows[0], ",") != "Type,Name,Email,PhoneNumber,CreateTime,Content,SessionID,URI,Count,Status,Starred,SnoozedUntil,Seen,Notes" {
		t.Errorf("csv header %v, %d rows", rows[0], len(rows))
	}
	noEscapes(t, cs.stdout)

	appts := c.mustRun("leads", "--since", "7d", "--type", "appointment", "--format", "json", "--offline")
	var onlyAppts []api.Lead
	json.Unmarshal([]byte(appts.stdout), &onlyAppts)
	for _, l := range onlyAppts {
		if l.Type != api.TypeAppointment {
			t.Errorf("--type appointment printed a %s", l.Type)
		}
	}
}

func TestCSVNeutralizesFormulas(t *testing.T) {
	c := newCLI(t, apitest.Options{})
	c.bot.AddLead(api.Lead{Type: api.TypeLead, Name: "\x1b[0m=HYPERLINK(\"http://evil\")", Email: "\u202e@SUM(A1)",
		PhoneNumber: "+1 555 0100", CreateTime: time.Now().Add(-time.Hour), Content: "  -2+3", SessionID: 999999})
	r := c.mustRun("leads", "--since", "today", "--session", "999999", "--format", "csv")
	rows, err := csv.NewReader(strings.NewReader(r.stdout)).ReadAll()
	if err != nil || len(rows) != 2 {
		t.Fatalf("csv: %v %v", err, rows)
	}
	for _, cell := range []string{rows[1][1], rows[1][2], rows[1][3], rows[1][5]} {
		if !strings.HasPrefix(cell, "'") {
			t.Errorf("cell %q is not neutralized", cell)
		}
	}
}

func TestSessionsAndTranscripts(t *testing.T) {
	c := newCLI(t, apitest.Options{})
	today := api.DayOf(time.Now())
	want := c.bot.Sessions(today-7, today)

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
	first := c.mustRun("sync", "--since", "30d")
	if !strings.Contains(first.stdout, "6 requests") || !strings.Contains(first.stdout, "new lead") {
		t.Errorf("first sync: %q", first.stdout)
	}
	// Into a file or pipe (a log), a line per stored window shows progress.
	if !strings.Contains(first.stdout, "stored 1/") || !strings.Contains(first.stdout, "new conversation") {
		t.Errorf("first sync printed no progress for the log: %q", first.stdout)
	}
	c.srv.ResetRequests()
	second := c.mustRun("sync", "--since", "30d")
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
// line, exits 1, still prints what is stored, and leaves the store as it was.
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
			r.failsWith(t, 1, tt.expect...)
			if r.stdout != stored {
				t.Errorf("stdout is not what the store held")
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

func TestRecoversFrom429AndHTMLPages(t *testing.T) {
	c := newCLI(t, apitest.Options{})
	c.srv.Inject(apitest.Fault{Endpoint: apitest.LeadList, Status: 429, RetryAfter: "1"},
		apitest.Fault{Endpoint: apitest.ChatContentHistory, Status: 502, HTML: true, Times: 2})
	r := c.mustRun("sync", "--since", "3d")
	if !strings.Contains(r.stdout, "new") {
		t.Errorf("sync after retries: %q", r.stdout)
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

func TestLeadsSyncOnlyLeads(t *testing.T) {
	c := newCLI(t, apitest.Options{})
	c.mustRun("leads", "--since", "90d")
	for _, r := range c.srv.Requests() {
		if r.Endpoint != apitest.LeadList {
			t.Errorf("leads made a %s request: printing leads needs only LeadList", r.Endpoint)
		}
	}
}

func TestLeadsOfAnOldConversation(t *testing.T) {
	c := newCLI(t, apitest.Options{})
	c.mustRun("sync", "--since", "50d")
	old := c.bot.Leads(api.DayOf(time.Now())-50, api.DayOf(time.Now())-40)
	if len(old) == 0 {
		t.Fatal("no old lead to look for")
	}
	r := c.mustRun("leads", "--session", fmt.Sprint(old[0].SessionID), "--format", "json")
	var got []api.Lead
	if err := json.Unmarshal([]byte(r.stdout), &got); err != nil || len(got) == 0 {
		t.Errorf("leads --session %d: %v %s", old[0].SessionID, err, r.stdout)
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
	c.mustRun("sync", "--since", "1d")
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

// triage opens the store the CLI uses and applies triage to the leads of
// the given sessions, as an operator in the browser would.
func (c *cli) triage(apply func(ctx context.Context, st *store.Store, lead func(session int64) store.Lead)) {
	c.t.Helper()
	st, err := store.Open(c.storePath())
	if err != nil {
		c.t.Fatal(err)
	}
	defer st.Close()
	ctx := context.Background()
	leads, err := st.Leads(ctx, store.LeadQuery{Bot: serial})
	if err != nil {
		c.t.Fatal(err)
	}
	apply(ctx, st, func(session int64) store.Lead {
		for _, l := range leads {
			if l.SessionID == session {
				return l
			}
		}
		c.t.Fatalf("no stored lead of session %d", session)
		return store.Lead{}
	})
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

func TestLeadsTriage(t *testing.T) {
	c := newCLI(t, apitest.Options{})
	c.mustRun("sync", "--since", "7d")
	today := api.DayOf(time.Now())
	all := c.bot.Leads(today-7, today)
	if len(all) < 4 {
		t.Fatalf("only %d leads to triage", len(all))
	}
	a, b, seen := all[0], all[2], all[3]
	at := time.Date(2026, 3, 1, 14, 5, 0, 0, time.UTC)
	snooze := time.Now().Add(72 * time.Hour).UTC().Truncate(time.Second)
	c.triage(func(ctx context.Context, st *store.Store, lead func(int64) store.Lead) {
		must := func(_ any, err error) {
			t.Helper()
			if err != nil {
				t.Fatal(err)
			}
		}
		la, lb := lead(a.SessionID), lead(b.SessionID)
		must(st.SetStatus(ctx, serial, la.Key, store.StatusContacted, -1, at, "ana"))
		must(st.SetStarred(ctx, serial, la.Key, true, -1, at, "ana"))
		must(st.Snooze(ctx, serial, la.Key, snooze, -1, at, "ana"))
		must(st.AddNote(ctx, serial, la.Key, "ana", "called, no answer", at))
		must(st.AddNote(ctx, serial, la.Key, "bo", "=sent the quote\n\x1b[31mred", at.Add(time.Hour)))
		must(st.SetStatus(ctx, serial, lb.Key, store.StatusContacted, -1, at, "bo"))
		must(st.SetSeen(ctx, serial, lead(seen.SessionID).Key, true, -1, at, "bo"))
	})

	// JSON: only the two contacted leads, their triage and notes.
	r := c.mustRun("leads", "--since", "7d", "--offline", "--status", "contacted", "--format", "json")
	noEscapes(t, r.stdout)
	var got []leadRecord
	if err := json.Unmarshal([]byte(r.stdout), &got); err != nil {
		t.Fatalf("json: %v\n%s", err, r.stdout)
	}
	if len(got) != 2 || got[0].SessionID != a.SessionID || got[1].SessionID != b.SessionID {
		t.Fatalf("--status contacted printed %d leads: %+v", len(got), got)
	}
	ga, gb := got[0], got[1]
	if ga.Name != a.Name || ga.Email != a.Email || !ga.CreateTime.Equal(a.CreateTime) || ga.Content != a.Content {
		t.Errorf("the API's fields changed: %+v, want %+v", ga.Lead, a)
	}
	if ga.Status != "contacted" || !ga.Starred || ga.Seen || ga.SnoozedUntil == nil || !ga.SnoozedUntil.Equal(snooze) {
		t.Errorf("first lead's triage: %+v", ga)
	}
	if len(ga.Notes) != 2 || ga.Notes[0].Author != "ana" || ga.Notes[0].Body != "called, no answer" || !ga.Notes[0].CreatedAt.Equal(at) ||
		ga.Notes[1].Author != "bo" || ga.Notes[1].Body != "=sent the quote\n\x1b[31mred" {
		t.Errorf("first lead's notes: %+v", ga.Notes)
	}
	if gb.Status != "contacted" || gb.Starred || gb.SnoozedUntil != nil || len(gb.Notes) != 0 {
		t.Errorf("second lead's triage: %+v", gb)
	}

	// CSV: the same, in columns; the note cleaned and in one cell.
	r = c.mustRun("leads", "--since", "7d", "--offline", "--status", "contacted", "--format", "csv")
	noEscapes(t, r.stdout)
	rows, err := csv.NewReader(strings.NewReader(r.stdout)).ReadAll()
	if err != nil || len(rows) != 3 {
		t.Fatalf("csv: %v, %d rows", err, len(rows))
	}
	col := map[string]int{}
	for i, h := range rows[0] {
		col[h] = i
	}
	first := rows[1]
	if first[col["SessionID"]] != fmt.Sprint(a.SessionID) || first[col["Status"]] != "contacted" || first[col["Starred"]] != "true" ||
		first[col["Seen"]] != "false" || first[col["SnoozedUntil"]] != snooze.Format(time.RFC3339) {
		t.Errorf("csv row %q", first)
	}
	if n := first[col["Notes"]]; n != "2026-03-01 14:05 ana: called, no answer\n2026-03-01 15:05 bo: =sent the quote\n  red" {
		t.Errorf("csv notes %q", n)
	}
	if rows[2][col["Notes"]] != "" || rows[2][col["Starred"]] != "false" {
		t.Errorf("second csv row %q", rows[2])
	}

	// --starred, --unseen, --status new.
	starred := c.mustRun("leads", "--since", "7d", "--offline", "--starred", "--format", "json").stdout
	if err := json.Unmarshal([]byte(starred), &got); err != nil || len(got) != 1 || got[0].SessionID != a.SessionID {
		t.Errorf("--starred: %v %+v", err, got)
	}
	unseen := c.mustRun("leads", "--since", "7d", "--offline", "--unseen", "--format", "json").stdout
	if err := json.Unmarshal([]byte(unseen), &got); err != nil || len(got) != len(all)-1 {
		t.Errorf("--unseen: %v, %d leads of %d", err, len(got), len(all))
	}
	for _, l := range got {
		if l.Seen || l.SessionID == seen.SessionID {
			t.Errorf("--unseen printed a seen lead: %+v", l)
		}
	}
	fresh := c.mustRun("leads", "--since", "7d", "--offline", "--status", "NEW", "--format", "json").stdout
	if err := json.Unmarshal([]byte(fresh), &got); err != nil || len(got) != len(all)-2 {
		t.Errorf("--status new: %v, %d leads of %d", err, len(got), len(all))
	}

	// The table: a STATUS column and a star, now that some lead has them.
	c.env["COLUMNS"] = "200"
	table := c.mustRun("leads", "--since", "7d", "--offline").stdout
	lines := strings.Split(table, "\n")
	if !strings.Contains(lines[0], "STATUS") {
		t.Errorf("no STATUS column:\n%s", table)
	}
	if !strings.HasPrefix(lines[1], "★ ") || !strings.Contains(lines[1], "contacted") || strings.Count(table, "★") != 1 {
		t.Errorf("the starred, contacted lead is not marked:\n%s", table)
	}
}

// TestTriageSurvivesResync: a lead Neoagent sends again, changed, is
// updated in place; its status, star and notes stay.
func TestTriageSurvivesResync(t *testing.T) {
	c := newCLI(t, apitest.Options{})
	lead := api.Lead{Type: api.TypeLead, Name: "Ana Rossi", Email: "ana@example.it", PhoneNumber: "06 123",
		CreateTime: time.Now().Add(-time.Hour).UTC().Truncate(time.Millisecond), Content: "a quote, please", SessionID: 888001, Count: 1}
	c.bot.AddLead(lead)
	c.mustRun("sync", "--since", "7d")
	c.triage(func(ctx context.Context, st *store.Store, find func(int64) store.Lead) {
		key := find(lead.SessionID).Key
		if _, err := st.SetStatus(ctx, serial, key, store.StatusQualified, -1, time.Now(), "ana"); err != nil {
			t.Fatal(err)
		}
		if _, err := st.SetStarred(ctx, serial, key, true, -1, time.Now(), "ana"); err != nil {
			t.Fatal(err)
		}
		if _, err := st.AddNote(ctx, serial, key, "ana", "budget 5k", time.Now()); err != nil {
			t.Fatal(err)
		}
	})
	before := c.mustRun("leads", "--since", "7d", "--offline", "--status", "qualified", "--format", "json").stdout

	changed := lead
	changed.Content, changed.Count = "a quote, please — and a call back", 2
	c.bot.AddLead(changed) // the same lead (session, time), sent again with more
	c.mustRun("sync", "--since", "7d")
	c.mustRun("sync", "--since", "7d")

	r := c.mustRun("leads", "--since", "7d", "--offline", "--status", "qualified", "--format", "json")
	var got []leadRecord
	if err := json.Unmarshal([]byte(r.stdout), &got); err != nil || len(got) != 1 {
		t.Fatalf("after re-sync: %v\nbefore:\n%s\nafter:\n%s", err, before, r.stdout)
	}
	g := got[0]
	if g.Content != changed.Content || g.Count != 2 {
		t.Errorf("the lead was not updated: %+v", g.Lead)
	}
	if g.Status != "qualified" || !g.Starred || len(g.Notes) != 1 || g.Notes[0].Body != "budget 5k" {
		t.Errorf("the triage did not survive the re-sync: %+v", g)
	}
}

func TestBadStatusListsTheStatuses(t *testing.T) {
	c := newCLI(t, apitest.Options{})
	c.run("leads", "--status", "done").failsWith(t, 2, `--status "done"`, "new, contacted, qualified, booked, won, lost, spam")
	if len(c.srv.Requests()) != 0 {
		t.Errorf("a bad --status made %d requests", len(c.srv.Requests()))
	}
}
