package syncer_test

import (
	"context"
	"errors"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/neotui/neotui/api"
	"github.com/neotui/neotui/api/apitest"
	"github.com/neotui/neotui/internal/store"
	"github.com/neotui/neotui/internal/syncer"
	"io"
	"net/http/httptest"
)

// now is the fixed clock of these tests: noon UTC, so "today" is not ending.
var now = time.Date(2025, 3, 7, 12, 0, 0, 0, time.UTC)

type fixture struct {
	srv    *apitest.Server
	store  *store.Store
	client *api.Client
	bot    *apitest.Bot
}

func newFixture(t *testing.T, opts apitest.Options) *fixture {
	t.Helper()
	bot := apitest.Generate(apitest.Spec{Serial: "bot-1", Sessions: 900, Days: 90, End: now, Seed: 7})
	opts.Bots = []*apitest.Bot{bot}
	opts.Now = func() time.Time { return now }
	srv := apitest.Start(t, opts)
	st, err := store.Open(filepath.Join(t.TempDir(), "neotui.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	c, err := api.New(api.Options{BaseURL: srv.URL, Key: srv.Key, HistoryPerMinute: -1, Backoff: time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	return &fixture{srv: srv, store: st, client: c, bot: bot}
}

func (f *fixture) syncer(at time.Time) *syncer.Syncer {
	return &syncer.Syncer{Source: f.client, Store: f.store, Serial: "bot-1", Now: func() time.Time { return at }}
}

func (f *fixture) count(t *testing.T, ep string) int {
	n := 0
	for _, r := range f.srv.Requests() {
		if r.Endpoint == ep {
			n++
		}
	}
	return n
}

// checkStoreHolds: the store has exactly what the API serves for the range.
func (f *fixture) checkStoreHolds(t *testing.T, from, to api.Day) {
	t.Helper()
	ctx := context.Background()
	sessions, err := f.store.Sessions(ctx, store.SessionQuery{Bot: "bot-1", From: from, To: to})
	if err != nil {
		t.Fatal(err)
	}
	if want := len(f.bot.Sessions(from, to)); len(sessions) != want || want == 0 {
		t.Errorf("store holds %d sessions of %s…%s, the API serves %d", len(sessions), from, to, want)
	}
	leads, err := f.store.Leads(ctx, store.LeadQuery{Bot: "bot-1", From: from, To: to})
	if err != nil {
		t.Fatal(err)
	}
	if want := len(f.bot.Leads(from, to)); len(leads) != want || want == 0 {
		t.Errorf("store holds %d leads of %s…%s, the API serves %d", len(leads), from, to, want)
	}
}

func TestFirstSyncThenAtMostTwoRequests(t *testing.T) {
	f := newFixture(t, apitest.Options{})
	today := api.DayOf(now)
	from := today - 89
	var progress []syncer.Progress
	s := f.syncer(now)
	s.OnProgress = func(p syncer.Progress) { progress = append(progress, p) }

	rep, err := s.Sync(context.Background(), from, today)
	if err != nil {
		t.Fatal(err)
	}
	// 90 days: one leads request, three history windows as wide as
	// Neoagent serves (31+31+28).
	if got := [2]int{f.count(t, apitest.LeadList), f.count(t, apitest.ChatContentHistory)}; got != [2]int{1, 3} {
		t.Errorf("requests (leads, history) = %v, want [1 3]", got)
	}
	if rep.Requests != 4 || rep.Changes.NewSessions == 0 || rep.Changes.NewLeads == 0 {
		t.Errorf("report = %+v", rep)
	}
	f.checkStoreHolds(t, from, today)

	// Newest window first, and progress counts up to the total.
	first := progress[1] // progress[0] is the leads request
	if first.Endpoint != store.EndpointHistory || first.WindowTo != today {
		t.Errorf("first history window = %+v, want the one ending today", first)
	}
	if last := progress[len(progress)-1]; last.Done != 4 || last.Total != 4 {
		t.Errorf("final progress = %+v", last)
	}

	f.srv.ResetRequests()
	rep, err = f.syncer(now.Add(10*time.Minute)).Sync(context.Background(), from, today)
	if err != nil {
		t.Fatal(err)
	}
	if n := len(f.srv.Requests()); n > 2 {
		t.Errorf("a sync right after a complete one made %d requests, want at most 2", n)
	}
	if !rep.Changes.IsZero() {
		t.Errorf("re-sync changed %+v, want nothing", rep.Changes)
	}
}

func TestDaysFetchedBeforeTheyEndedAreFetchedAgain(t *testing.T) {
	f := newFixture(t, apitest.Options{})
	today := api.DayOf(now)
	earlier := now.Add(-5 * 24 * time.Hour) // noon, five days ago
	if _, err := f.syncer(earlier).Sync(context.Background(), today-10, today-5); err != nil {
		t.Fatal(err)
	}
	f.srv.ResetRequests()
	if _, err := f.syncer(now).Sync(context.Background(), today-10, today); err != nil {
		t.Fatal(err)
	}
	// today-5 was fetched at its noon; today-4…today were never fetched.
	// today-10…today-6 were complete: not asked again.
	for _, r := range f.srv.Requests() {
		body := string(r.Body)
		want := (today - 5).String()
		if !strings.Contains(body, want) {
			t.Errorf("%s request %s does not start at %s", r.Endpoint, body, want)
		}
	}
	if n := len(f.srv.Requests()); n != 2 {
		t.Errorf("%d requests, want 2 (one per endpoint)", n)
	}
	f.checkStoreHolds(t, today-10, today)
}

func TestTooLargeWindowsAreSplit(t *testing.T) {
	f := newFixture(t, apitest.Options{MaxHistoryDays: 2})
	today := api.DayOf(now)
	rep, err := f.syncer(now).Sync(context.Background(), today-13, today)
	if err != nil {
		t.Fatal(err)
	}
	f.checkStoreHolds(t, today-13, today)
	// Every successful history request was at most 2 days wide.
	ok := 0
	for _, r := range f.srv.Requests() {
		if r.Endpoint == apitest.ChatContentHistory && r.Status == 200 {
			ok++
		}
	}
	if ok < 7 || rep.Windows != ok+1 {
		t.Errorf("%d successful history requests, report %+v", ok, rep)
	}
}

func TestTooLargeAtEveryWidthFailsClearlyAndKeepsTheStore(t *testing.T) {
	f := newFixture(t, apitest.Options{})
	today := api.DayOf(now)
	if _, err := f.syncer(now).Sync(context.Background(), today-6, today); err != nil {
		t.Fatal(err)
	}
	f.srv.Inject(apitest.Fault{Endpoint: apitest.ChatContentHistory, Status: 413, Times: 1000})
	_, err := f.syncer(now.Add(time.Hour)).Sync(context.Background(), today-20, today)
	if !errors.Is(err, api.ErrRangeTooLarge) {
		t.Fatalf("err = %v, want range too large", err)
	}
	if !strings.Contains(err.Error(), "shorter range") {
		t.Errorf("error %q does not say what to do", err)
	}
	// Split all the way down: the last failed request asked for one day.
	reqs := f.srv.Requests()
	last := string(reqs[len(reqs)-1].Body)
	var q struct{ StartTime, EndTime string }
	if i := strings.Index(last, `"StartTime":"`); i >= 0 {
		q.StartTime = last[i+13 : i+23]
	}
	if i := strings.Index(last, `"EndTime":"`); i >= 0 {
		q.EndTime = last[i+11 : i+21]
	}
	if q.StartTime == "" || q.StartTime != q.EndTime {
		t.Errorf("last request %s: want a one-day window", last)
	}
	f.checkStoreHolds(t, today-6, today)
}

// failingSource fails the nth history request.
type failingSource struct {
	syncer.Source
	n, calls int
}

func (s *failingSource) History(ctx context.Context, q api.HistoryQuery) ([]api.Session, error) {
	s.calls++
	if s.calls == s.n {
		return nil, &api.Error{Kind: api.ErrServer, Status: 503}
	}
	return s.Source.History(ctx, q)
}

func TestAnErrorKeepsWhatWasCommittedAndTheNextSyncResumes(t *testing.T) {
	f := newFixture(t, apitest.Options{})
	today := api.DayOf(now)
	s := f.syncer(now)
	s.Source = &failingSource{Source: f.client, n: 2}
	rep, err := s.Sync(context.Background(), today-69, today)
	if !errors.Is(err, api.ErrServer) {
		t.Fatalf("err = %v", err)
	}
	if rep.Windows != 2 { // leads + the newest history window
		t.Errorf("report %+v, want 2 windows committed", rep)
	}
	marks, err := f.store.Marks(context.Background(), "bot-1", store.EndpointHistory, today-69, today)
	if err != nil {
		t.Fatal(err)
	}
	if len(marks) != 31 {
		t.Errorf("%d history days marked, want the 31 of the first window", len(marks))
	}
	f.srv.ResetRequests()
	if _, err := f.syncer(now).Sync(context.Background(), today-69, today); err != nil {
		t.Fatal(err)
	}
	// Resumes: today and yesterday again, plus the 39 days never fetched.
	if got := f.count(t, apitest.ChatContentHistory); got != 3 {
		t.Errorf("%d history requests to resume, want 3 (2 days + 31 + 8 days)", got)
	}
	f.checkStoreHolds(t, today-69, today)
}

func TestFutureDaysAreNotRequested(t *testing.T) {
	f := newFixture(t, apitest.Options{})
	today := api.DayOf(now)
	if _, err := f.syncer(now).Sync(context.Background(), today-1, today+30); err != nil {
		t.Fatal(err)
	}
	for _, r := range f.srv.Requests() {
		if strings.Contains(string(r.Body), (today + 1).String()) {
			t.Errorf("request for a future day: %s", r.Body)
		}
	}
}

func TestLeadsOnly(t *testing.T) {
	f := newFixture(t, apitest.Options{})
	today := api.DayOf(now)
	s := f.syncer(now)
	s.LeadsOnly = true
	rep, err := s.Sync(context.Background(), today-89, today)
	if err != nil {
		t.Fatal(err)
	}
	if f.count(t, apitest.ChatContentHistory) != 0 || rep.Requests != 1 || rep.Changes.NewLeads == 0 {
		t.Errorf("leads-only sync: %d history requests, report %+v", f.count(t, apitest.ChatContentHistory), rep)
	}
}

// TestReportCountsRetries: "N requests" is what Neoagent saw, retries
// included — each one counts against the rate limit.
func TestReportCountsRetries(t *testing.T) {
	f := newFixture(t, apitest.Options{})
	f.srv.Inject(apitest.Fault{Endpoint: apitest.LeadList, Status: 500},
		apitest.Fault{Endpoint: apitest.ChatContentHistory, Status: 502, HTML: true, Times: 2})
	today := api.DayOf(now)
	rep, err := f.syncer(now).Sync(context.Background(), today-13, today)
	if err != nil {
		t.Fatal(err)
	}
	if n := len(f.srv.Requests()); rep.Requests != n || n != 5 { // leads 2, history 3
		t.Errorf("report says %d requests, Neoagent saw %d (want 5)", rep.Requests, n)
	}
}

// TestA429IsWaitedOutAndSaidFirst: Neoagent limits the sync with a
// Retry-After (in seconds, then as a date); the sync tells why it pauses,
// cause first, waits and completes. (The waits are capped short here; the
// client's tests check they follow Retry-After.)
func TestA429IsWaitedOutAndSaidFirst(t *testing.T) {
	f := newFixture(t, apitest.Options{})
	f.srv.Inject(apitest.Fault{Endpoint: apitest.LeadList, Status: 429, RetryAfter: "20"},
		apitest.Fault{Endpoint: apitest.ChatContentHistory, Status: 429, Times: 5,
			RetryAfter: time.Now().Add(20 * time.Second).UTC().Format(http.TimeFormat)})
	c, err := api.New(api.Options{BaseURL: f.srv.URL, Key: f.srv.Key, HistoryPerMinute: -1, MaxRetryWait: 10 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	s := f.syncer(now)
	s.Source = c
	var notices []string
	s.OnProgress = func(p syncer.Progress) {
		if p.Notice != "" {
			notices = append(notices, p.Paused(now))
		}
	}
	today := api.DayOf(now)
	rep, err := s.Sync(context.Background(), today-6, today)
	if err != nil {
		t.Fatal(err)
	}
	f.checkStoreHolds(t, today-6, today)
	if len(notices) != 6 || !strings.HasPrefix(notices[0], "Neoagent is limiting requests — retrying in ") {
		t.Errorf("notices %q, want 6 saying Neoagent is limiting requests", notices)
	}
	if n := len(f.srv.Requests()); rep.Requests != n || n != 8 {
		t.Errorf("report says %d requests, Neoagent saw %d (want 8)", rep.Requests, n)
	}
}

func TestPausedSaysTheCauseThenWhen(t *testing.T) {
	for _, tt := range []struct {
		p    syncer.Progress
		want string
	}{
		{syncer.Progress{}, ""},
		{syncer.Progress{Notice: syncer.Waiting}, syncer.Waiting},
		{syncer.Progress{Notice: "Neoagent is limiting requests", Retry: now.Add(19500 * time.Millisecond)},
			"Neoagent is limiting requests — retrying in 20 s"},
		{syncer.Progress{Notice: "Neoagent is limiting requests", Retry: now.Add(-time.Second)},
			"Neoagent is limiting requests — retrying"},
	} {
		if got := tt.p.Paused(now); got != tt.want {
			t.Errorf("Paused = %q, want %q", got, tt.want)
		}
	}
}

// TestLeadsWithoutATimeAreSkippedAndCounted: a lead whose CreateTime is
// missing or unreadable is not stored as 0001-01-01, nor does it fail the
// window: it is left out, counted, and the others are stored.
func TestLeadsWithoutATimeAreSkippedAndCounted(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		io.WriteString(w, `{"Data":[
			{"Type":"Lead","Name":"Ana","SessionID":1,"CreateTime":"2025-03-06T10:00:00Z"},
			{"Type":"Lead","Name":"no time","SessionID":2},
			{"Type":"Lead","Name":"bad time","SessionID":3,"CreateTime":"yesterday at noon"},
			{"Type":"Appointment","Name":"Bo","SessionID":4,"CreateTime":"2025-03-07T09:00:00+01:00"}
		],"Success":true,"Code":200}`)
	}))
	defer srv.Close()
	st, err := store.Open(filepath.Join(t.TempDir(), "neotui.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	c, err := api.New(api.Options{BaseURL: srv.URL, Key: "k"})
	if err != nil {
		t.Fatal(err)
	}
	s := &syncer.Syncer{Source: c, Store: st, Serial: "bot-1", Now: func() time.Time { return now }, LeadsOnly: true}
	today := api.DayOf(now)
	rep, err := s.Sync(context.Background(), today-6, today)
	if err != nil {
		t.Fatal(err)
	}
	if rep.SkippedLeads != 2 || rep.Changes.NewLeads != 2 {
		t.Errorf("report %+v, want 2 new leads and 2 skipped", rep)
	}
	leads, err := st.Leads(context.Background(), store.LeadQuery{Bot: "bot-1"})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, l := range leads {
		names = append(names, l.Name)
	}
	if strings.Join(names, ",") != "Bo,Ana" {
		t.Errorf("stored %q, want Bo and Ana only", names)
	}
}
