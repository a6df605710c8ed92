package cli

import (
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/neotui/neotui/api"
	"github.com/neotui/neotui/api/apitest"
)

// TestTwoSyncsShareTheBot: two `neotui sync` of one bot on one store, the
// second started while the first is under way, in weekly windows, against
// a Neoagent that serves 4 history requests a minute, the budget the two
// share. Neither is refused, both succeed, the second waits for the first
// and then fetches only the days it did not, so no window is fetched
// twice; and the two reports count every request Neoagent saw.
func TestTwoSyncsShareTheBot(t *testing.T) {
	c := newCLI(t, apitest.Options{HistoryPerMinute: 4})
	c.writeConfig("rate_limit: 4\nhistory_window_days: 7\n", 0o600)
	// The first history answer takes a second, so the first sync still holds
	// the bot when the second one starts.
	c.srv.Inject(apitest.Fault{Endpoint: apitest.ChatContentHistory, Latency: time.Second})
	first := c.start("sync", "--since", "13d")
	for deadline := time.Now().Add(10 * time.Second); countEndpoint(c.srv.Requests(), apitest.ChatContentHistory) == 0; {
		if time.Now().After(deadline) {
			t.Fatal("the first sync sent no history request")
		}
		time.Sleep(10 * time.Millisecond)
	}
	second := c.start("sync", "--since", "27d")
	r1, r2 := <-first, <-second

	reqs := c.srv.Requests()
	logRequests(t, reqs, api.DayOf(time.Now())-13)
	for i, r := range []result{r1, r2} {
		if r.code != 0 {
			t.Fatalf("sync %d: exit %d: %s", i+1, r.code, r.stderr)
		}
	}
	seen := map[string]bool{}
	for _, r := range reqs {
		if r.Status != http.StatusOK {
			t.Errorf("Neoagent answered %d to %s %s", r.Status, r.Endpoint, r.Body)
		}
		k := r.Endpoint + string(r.Body)
		if r.Status == http.StatusOK && seen[k] {
			t.Errorf("fetched twice: %s %s", r.Endpoint, r.Body)
		}
		seen[k] = seen[k] || r.Status == http.StatusOK
	}
	// 13d: leads and two weeks; 27d, after it: leads and two older weeks.
	if len(reqs) != 6 {
		t.Errorf("Neoagent saw %d requests, want 6", len(reqs))
	}
	if !strings.Contains(r2.stdout, "another neotui is syncing this bot") {
		t.Errorf("the second sync did not say it waited for the first:\n%s", r2.stdout)
	}
	if n := reportedRequests(t, r1.stdout) + reportedRequests(t, r2.stdout); n != len(reqs) {
		t.Errorf("the reports count %d requests, Neoagent saw %d:\n%s%s", n, len(reqs), r1.stdout, r2.stdout)
	}
}

var requestsRE = regexp.MustCompile(`: (\d+) requests?, `)

// reportedRequests reads "N requests" from sync's summary.
func reportedRequests(t *testing.T, stdout string) int {
	t.Helper()
	m := requestsRE.FindStringSubmatch(stdout)
	if m == nil {
		t.Fatalf("no request count in %q", stdout)
	}
	n, _ := strconv.Atoi(m[1])
	return n
}

func countEndpoint(reqs []apitest.Request, endpoint string) int {
	n := 0
	for _, r := range reqs {
		if r.Endpoint == endpoint {
			n++
		}
	}
	return n
}

// logRequests prints what Neoagent saw, when, and for which sync: the first
// asked for days from split on, the second for days before.
func logRequests(t *testing.T, reqs []apitest.Request, split api.Day) {
	if len(reqs) == 0 {
		return
	}
	var b strings.Builder
	for _, r := range reqs {
		var q map[string]string
		json.Unmarshal(r.Body, &q)
		from, to := q["startTime"]+q["StartTime"], q["endTime"]+q["EndTime"]
		who := "first "
		if d, err := api.ParseDay(from); err == nil && d < split {
			who = "second"
		}
		fmt.Fprintf(&b, "\n%7.3fs  %s  %-18s %s…%s  %d", r.Time.Sub(reqs[0].Time).Seconds(), who, r.Endpoint, from, to, r.Status)
	}
	t.Logf("requests Neoagent saw:%s", b.String())
}
