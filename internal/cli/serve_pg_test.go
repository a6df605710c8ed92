package cli

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/neotui/neotui/api/apitest"
	"github.com/neotui/neotui/internal/pgtest"
	"github.com/neotui/neotui/internal/store"
)

// TestServersShareOneDatabase: a team on two servers, two neotui serve
// processes over one PostgreSQL database, ana on one and bob on the
// other. A status ana sets shows on bob's screen at once, woken by the
// database's notice: the sessions' safety poll comes only after 30 s,
// longer than the whole test. Notes both write at the same moment are
// both kept, and both see both. The two servers, started together, sync
// the bot once between them.
func TestServersShareOneDatabase(t *testing.T) {
	c := newCLI(t, apitest.Options{Latency: 100 * time.Millisecond})
	c.env["NEOTUI_STORE"] = pgtest.Database(t)
	ana, bob := newTeammate(t, "ana@laptop"), newTeammate(t, "bob@desk")
	keys := c.authorizedKeys(ana, bob)
	began := time.Now()
	monthAgo := began.UTC().AddDate(0, 0, -29).Format(time.DateOnly) // the start-up sync's first day
	one, _ := c.serveBinary(t.TempDir(), "--authorized-keys", keys)
	two, _ := c.serveBinary(t.TempDir(), "--authorized-keys", keys)
	if one.addr == two.addr {
		t.Fatalf("both servers on %s", one.addr)
	}
	var a, b *sshTerm
	connected := make(chan struct{})
	go func() { a = one.connect(ana, 120, 40); close(connected) }()
	b = two.connect(bob, 120, 40)
	<-connected
	for _, tm := range []*sshTerm{a, b} {
		tm.waitFor(0, "Mallory", 15*time.Second)
	}
	waitForLog(t, one, "synced", 15*time.Second)
	waitForLog(t, two, "synced", 15*time.Second)
	time.Sleep(300 * time.Millisecond) // the screens are still

	from := b.out.Len()
	a.send("s")
	a.waitFor(0, "Status", 5*time.Second)
	a.send("c")
	took := b.waitFor(from, "contacted", 10*time.Second)
	t.Logf("bob, on the other server, saw ana's status after %s (keystroke to screen, through both SSH sessions)", took.Round(time.Millisecond))
	if since := time.Since(began); since > 25*time.Second {
		t.Fatalf("the test took %s: a safety poll (every 30 s) may have shown the status, not the notice", since)
	}

	// Both add a note to the lead, at once; each then sees the other's.
	fromA, fromB := a.out.Len(), b.out.Len()
	a.send("n")
	b.send("n")
	a.waitFor(fromA, "add", 5*time.Second)
	b.waitFor(fromB, "add", 5*time.Second)
	a.send("a")
	b.send("a")
	a.waitFor(fromA, "ctrl+s", 5*time.Second)
	b.waitFor(fromB, "ctrl+s", 5*time.Second)
	a.send("Quokka says hi")
	b.send("Wombat says bye")
	time.Sleep(200 * time.Millisecond)
	fromA, fromB = a.out.Len(), b.out.Len()
	a.send("\x13") // ctrl+s
	b.send("\x13")
	a.waitFor(fromA, "added a note", 5*time.Second)
	b.waitFor(fromB, "added a note", 5*time.Second)
	a.waitFor(fromA, "Wombat", 10*time.Second)
	b.waitFor(fromB, "Quokka", 10*time.Second)

	for _, s := range []*served{one, two} {
		if code := s.stop(); code != 0 {
			t.Fatalf("exit %d; stderr:\n%s", code, s.stderr)
		}
	}

	st, err := store.Open(c.env["NEOTUI_STORE"])
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	leads, err := st.Leads(context.Background(), store.LeadQuery{Bot: serial, Status: store.StatusContacted})
	if err != nil {
		t.Fatal(err)
	}
	if len(leads) != 1 || leads[0].Triage().UpdatedBy != "ana@laptop" {
		t.Fatalf("contacted leads %+v, want one, by ana@laptop", leads)
	}
	notes, err := st.Notes(context.Background(), serial, leads[0].Key)
	if err != nil {
		t.Fatal(err)
	}
	var texts []string
	for _, n := range notes {
		texts = append(texts, n.Author+": "+n.Body)
	}
	slices.Sort(texts)
	if want := []string{"ana@laptop: Quokka says hi", "bob@desk: Wombat says bye"}; !slices.Equal(texts, want) {
		t.Errorf("notes %q, want %q", texts, want)
	}

	// One sync between the two servers: no request was made twice, the
	// month listed once. (Each server fetches the conversation its user
	// opens, and a sync that began once the other had ended fetches today
	// and yesterday again, as late records still come for them: no
	// second sync.)
	seen := map[string]int{}
	month := 0
	for _, r := range c.srv.Requests() {
		if strings.Contains(string(r.Body), "sessionID") {
			continue
		}
		seen[r.Endpoint+" "+string(r.Body)]++
		if r.Endpoint == apitest.LeadList && strings.Contains(string(r.Body), `"startTime":"`+monthAgo+`"`) {
			month++
		}
	}
	for req, n := range seen {
		if n > 1 {
			t.Errorf("two servers: %s was requested %d times", req, n)
		}
	}
	if month != 1 {
		t.Errorf("the month's leads were listed %d times, want once", month)
	}
	t.Logf("two servers, %d requests in all: %v", len(c.srv.Requests()), seen)
}
