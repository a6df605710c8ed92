package cli

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"

	"github.com/neotui/neotui/api"
	"github.com/neotui/neotui/api/apitest"
	"github.com/neotui/neotui/internal/store"
)

// reportJSON is neotui report --format json, read back.
type reportJSON struct {
	totalsJSON
	PerDay []struct {
		Day                                          string
		Conversations, Messages, Leads, Appointments int
	} `json:"perDay"`
	ByWeekdayHour [7][24]int `json:"byWeekdayHour"`
	TopPages      []struct {
		URI                  string `json:"uri"`
		Conversations, Leads int
	} `json:"topPages"`
	Funnel              map[string]int `json:"funnel"`
	MedianTimeToContact *float64       `json:"medianTimeToContact"`
	Previous            totalsJSON     `json:"previous"`
	Recommendations     []string       `json:"recommendations"`
}

type totalsJSON struct {
	From, To                   string
	Conversations, Messages    int
	AvgMessagesPerConversation float64 `json:"avgMessagesPerConversation"`
	VisitorMessages            int     `json:"visitorMessages"`
	AIMessages                 int     `json:"aiMessages"`
	Leads, Appointments        int
	ConversionRate             float64 `json:"conversionRate"`
}

func (c *cli) report(args ...string) reportJSON {
	c.t.Helper()
	r := c.mustRun(append([]string{"report", "--format", "json"}, args...)...)
	var rep reportJSON
	if err := json.Unmarshal([]byte(r.stdout), &rep); err != nil {
		c.t.Fatalf("report json: %v\n%s", err, r.stdout)
	}
	noEscapes(c.t, r.stdout)
	return rep
}

// tally counts what neotui sessions and neotui leads print for a range.
func (c *cli) tally(since, until string) (t totalsJSON, perDay map[string]int) {
	c.t.Helper()
	var sessions []api.Session
	if err := json.Unmarshal([]byte(c.mustRun("sessions", "--offline", "--format", "json", "--since", since, "--until", until).stdout), &sessions); err != nil {
		c.t.Fatal(err)
	}
	perDay = map[string]int{}
	for _, s := range sessions {
		t.Conversations++
		t.Messages += len(s.Messages)
		perDay[api.DayOf(s.CreateTime).String()]++
		for _, m := range s.Messages {
			switch m.Type {
			case api.RoleUser:
				t.VisitorMessages++
			case api.RoleAI:
				t.AIMessages++
			}
		}
	}
	var leads []api.Lead
	if err := json.Unmarshal([]byte(c.mustRun("leads", "--offline", "--format", "json", "--since", since, "--until", until).stdout), &leads); err != nil {
		c.t.Fatal(err)
	}
	for _, l := range leads {
		switch l.Type {
		case api.TypeLead:
			t.Leads++
		case api.TypeAppointment:
			t.Appointments++
		}
	}
	return t, perDay
}

// TestReportAgreesWithLeadsAndSessions: the report of a range counts what
// neotui sessions and neotui leads print for it, and for the range before.
func TestReportAgreesWithLeadsAndSessions(t *testing.T) {
	c := newCLI(t, apitest.Options{})
	// Hours in a zone 14 hours from UTC; days stay the UTC days of the
	// listings.
	c.writeConfig("rate_limit: 100000\ntime_zone: Etc/GMT-14\n", 0o600)
	today := api.DayOf(time.Now())
	from, to := today-20, today-7
	rep := c.report("--since", from.String(), "--until", to.String()) // synced here, both periods
	if rep.From != from.String() || rep.To != to.String() || len(rep.PerDay) != 14 {
		t.Fatalf("report of %s..%s: %s..%s with %d days", from, to, rep.From, rep.To, len(rep.PerDay))
	}
	want, perDay := c.tally(from.String(), to.String())
	got := rep.totalsJSON
	got.From, got.To, got.AvgMessagesPerConversation, got.ConversionRate = "", "", 0, 0
	if got != want || want.Conversations == 0 || want.Leads == 0 {
		t.Errorf("report %+v\nlisted %+v", got, want)
	}
	for _, d := range rep.PerDay {
		if d.Conversations != perDay[d.Day] {
			t.Errorf("%s: %d conversations in the report, %d listed", d.Day, d.Conversations, perDay[d.Day])
		}
	}
	prev, _ := c.tally((from - 14).String(), (from - 1).String())
	if p := rep.Previous; p.Conversations != prev.Conversations || p.Leads != prev.Leads || p.From != (from-14).String() {
		t.Errorf("previous period %+v, listed %+v", p, prev)
	}
	if rep.MedianTimeToContact != nil || rep.Funnel["new"] != want.Leads+want.Appointments {
		t.Errorf("untriaged leads: median %v, funnel %v", rep.MedianTimeToContact, rep.Funnel)
	}
}

// TestReportTriage: statuses set with neotui's own triage show in the
// funnel, and the median time to contact is a number of seconds.
func TestReportTriage(t *testing.T) {
	c := newCLI(t, apitest.Options{})
	c.mustRun("sync", "--since", "14d")
	today := api.DayOf(time.Now())
	leads := c.bot.Leads(today-13, today)
	if len(leads) == 0 {
		t.Fatal("no leads to triage")
	}
	l := leads[0]
	c.triage(func(ctx context.Context, st *store.Store, lead func(int64) store.Lead) {
		if _, err := st.SetStatus(ctx, serial, lead(l.SessionID).Key, store.StatusContacted, -1,
			l.CreateTime.Add(90*time.Minute), "ana"); err != nil {
			t.Fatal(err)
		}
	})
	rep := c.report("--since", "14d", "--offline")
	if rep.Funnel["contacted"] != 1 || rep.MedianTimeToContact == nil || *rep.MedianTimeToContact != 5400 {
		t.Errorf("one lead contacted 90 min after it came: funnel %v, median %v s", rep.Funnel, rep.MedianTimeToContact)
	}
}

func TestReportMonthAndFormats(t *testing.T) {
	c := newCLI(t, apitest.Options{})
	last := time.Now().UTC().AddDate(0, -1, 0)
	month := last.Format("2006-01")
	rep := c.report("--month", month)
	first := time.Date(last.Year(), last.Month(), 1, 0, 0, 0, 0, time.UTC)
	end := first.AddDate(0, 1, -1)
	if rep.From != first.Format(api.DayLayout) || rep.To != end.Format(api.DayLayout) {
		t.Errorf("--month %s: %s..%s", month, rep.From, rep.To)
	}
	this := c.report("--month", time.Now().UTC().Format("2006-01"), "--offline")
	if this.To != api.DayOf(time.Now()).String() {
		t.Errorf("this month ends today, not %s", this.To)
	}

	c.env["COLUMNS"] = "80"
	table := c.mustRun("report", "--month", month, "--offline").stdout
	for _, want := range []string{"Conversations", "Conversion rate", "compared with the", "DAY", "When visitors write", "Mon", "Triage: new"} {
		if !strings.Contains(table, want) {
			t.Errorf("the table lacks %q:\n%s", want, table)
		}
	}
	for _, line := range strings.Split(table, "\n") {
		if w := ansi.StringWidth(line); w > 80 {
			t.Errorf("a %d-cell line at COLUMNS=80: %q", w, line)
		}
	}
	noEscapes(t, table)

	md := c.mustRun("report", "--month", month, "--offline", "--format", "markdown").stdout
	if !strings.HasPrefix(md, "# Report · ") || !strings.Contains(md, "| Conversations | ") || !strings.Contains(md, "## Top pages") {
		t.Errorf("markdown:\n%s", md)
	}
	noEscapes(t, md)

	cs := c.mustRun("report", "--month", month, "--offline", "--format", "csv").stdout
	rows, err := csv.NewReader(strings.NewReader(cs)).ReadAll()
	if err != nil || len(rows) != end.Day()+1 || strings.Join(rows[0], ",") != "day,conversations,messages,leads,appointments" {
		t.Errorf("csv: %v, %d rows:\n%s", err, len(rows), cs)
	}
}

func TestReportUsage(t *testing.T) {
	c := newCLI(t, apitest.Options{})
	next := time.Now().UTC().AddDate(0, 2, 0).Format("2006-01")
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"report", "--month", "2025-13"}, "not a month"},
		{[]string{"report", "--month", "2025-01", "--since", "7d"}, "drop --since"},
		{[]string{"report", "--month", next}, "in the future"},
		{[]string{"report", "--format", "xml"}, "--format"},
	} {
		c.run(tc.args...).failsWith(t, 2, tc.want)
	}
	if len(c.srv.Requests()) != 0 {
		t.Errorf("bad usage made %d requests", len(c.srv.Requests()))
	}
}

func TestReportFailedSyncPrintsNothing(t *testing.T) {
	c := newCLI(t, apitest.Options{})
	c.env["NEOAGENT_API_KEY"] = "wrong-secret-key"
	for _, format := range []string{"table", "json", "csv", "markdown"} {
		r := c.run("report", "--format", format)
		r.failsWith(t, 1, "rejected the API key", "neotui report --offline")
		if r.stdout != "" {
			t.Errorf("%s: a failed report printed %.80q", format, r.stdout)
		}
	}
}

// TestReportCoverage: how much of the history is stored, from Neoagent's
// message count; absent offline and where the endpoint is missing.
func TestReportCoverage(t *testing.T) {
	c := newCLI(t, apitest.Options{})
	c.mustRun("sync", "--since", "62d") // the fake's whole history: 60 days back from now
	var rep map[string]any
	out := c.mustRun("report", "--since", "7d", "--format", "json").stdout
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatal(err)
	}
	total := 0
	for _, s := range c.bot.Sessions(0, api.DayOf(time.Now())) {
		total += len(s.Messages)
	}
	if rep["storedMessages"] != float64(total) || rep["totalMessages"] != float64(total) {
		t.Errorf("stored %v of %v, want all %d", rep["storedMessages"], rep["totalMessages"], total)
	}
	table := c.mustRun("report", "--since", "7d").stdout
	if !strings.Contains(table, "History in the local store: ") || !strings.Contains(table, "messages stored · 100 %") {
		t.Errorf("the table does not say how much is stored:\n%s", table)
	}
	if out := c.mustRun("report", "--since", "7d", "--offline", "--format", "json").stdout; strings.Contains(out, "totalMessages") {
		t.Error("offline, a total from nowhere")
	}

	old := newCLI(t, apitest.Options{NoMessageCount: true})
	r := old.mustRun("report", "--since", "7d")
	if strings.Contains(r.stdout, "History in the local store") || r.stderr != "" {
		t.Errorf("without the endpoint: %q on stderr; table:\n%s", r.stderr, r.stdout)
	}
}
