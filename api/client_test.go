package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/neotui/neotui/api"
	"github.com/neotui/neotui/api/apitest"
)

const ua = "neotui/test"

// newClient is a client of srv whose retry waits are recorded, not slept.
func newClient(t *testing.T, srv *apitest.Server, mod ...func(*api.Options)) (*api.Client, *[]time.Duration) {
	t.Helper()
	o := api.Options{BaseURL: srv.URL, Key: srv.Key, UserAgent: ua, HistoryPerMinute: -1}
	for _, m := range mod {
		m(&o)
	}
	c, err := api.New(o)
	if err != nil {
		t.Fatal(err)
	}
	return c, c.RecordSleeps()
}

func day(s string) api.Day {
	d, err := api.ParseDay(s)
	if err != nil {
		panic(err)
	}
	return d
}

func TestRequestsUseEachEndpointsCasing(t *testing.T) {
	srv := apitest.Start(t, apitest.Options{})
	c, _ := newClient(t, srv)
	ctx := context.Background()
	if _, err := c.Leads(ctx, api.LeadsQuery{Serial: apitest.DemoSerial, From: day("2025-01-01"), To: day("2025-02-01"), SessionID: 1111}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.History(ctx, api.HistoryQuery{Serial: apitest.DemoSerial, From: day("2025-01-01"), To: day("2025-01-07")}); err != nil {
		t.Fatal(err)
	}
	reqs := srv.Requests()
	if len(reqs) != 2 {
		t.Fatalf("%d requests, want 2", len(reqs))
	}
	wantBodies := []map[string]any{
		{"serialNumber": apitest.DemoSerial, "startTime": "2025-01-01", "endTime": "2025-02-01", "sessionID": float64(1111)},
		{"SerialNumber": apitest.DemoSerial, "StartTime": "2025-01-01", "EndTime": "2025-01-07"},
	}
	for i, r := range reqs {
		var got map[string]any
		if err := json.Unmarshal(r.Body, &got); err != nil {
			t.Fatal(err)
		}
		if fmt.Sprint(got) != fmt.Sprint(wantBodies[i]) {
			t.Errorf("%s body = %s, want %v", r.Endpoint, r.Body, wantBodies[i])
		}
		for h, want := range map[string]string{"Authorization": srv.Key, "Content-Type": "application/json", "User-Agent": ua} {
			if got := r.Header.Get(h); got != want {
				t.Errorf("%s header %s = %q, want %q", r.Endpoint, h, got, want)
			}
		}
	}
}

func TestUndatedLeadsOmitDates(t *testing.T) {
	srv := apitest.Start(t, apitest.Options{})
	c, _ := newClient(t, srv)
	if _, err := c.Leads(context.Background(), api.LeadsQuery{Serial: apitest.DemoSerial}); err != nil {
		t.Fatal(err)
	}
	if body := string(srv.Requests()[0].Body); body != `{"serialNumber":"`+apitest.DemoSerial+`"}` {
		t.Errorf("body = %s", body)
	}
}

func TestDocsExamplesThroughTheFake(t *testing.T) {
	srv := apitest.Start(t, apitest.Options{})
	c, _ := newClient(t, srv)
	leads, err := c.Leads(context.Background(), api.LeadsQuery{Serial: apitest.DocsLeadsSerial, From: day("2025-01-01"), To: day("2025-02-01")})
	if err != nil {
		t.Fatal(err)
	}
	if len(leads) != 2 || leads[0].Name != "test" || leads[1].Content != "Please share anything" ||
		leads[0].CreateTime.Format(time.RFC3339Nano) != "2023-11-23T18:36:21.512302-08:00" {
		t.Errorf("leads = %+v", leads)
	}
	sessions, err := c.History(context.Background(), api.HistoryQuery{Serial: apitest.DocsHistorySerial})
	if err != nil {
		t.Fatal(err)
	}
	if len(sessions) != 1 || sessions[0].SessionID != 31302 || sessions[0].Messages[1].Content != "voglio prenotare un appuntamento" {
		t.Errorf("sessions = %+v", sessions)
	}
}

// TestErrorsAreTypedAtBothLevels: the same refusals arrive as HTTP statuses
// or as HTTP 200 with Success:false; both give the same kind, one attempt,
// and a sentence that says what to do.
func TestErrorsAreTypedAtBothLevels(t *testing.T) {
	for _, business := range []bool{false, true} {
		srv := apitest.Start(t, apitest.Options{BusinessErrors: business, MaxHistoryDays: 7})
		tests := []struct {
			name   string
			key    string
			call   func(c *api.Client) error
			kind   error
			advice string
		}{
			{"wrong key", "wrong-key", func(c *api.Client) error {
				_, err := c.Leads(context.Background(), api.LeadsQuery{Serial: apitest.DemoSerial})
				return err
			}, api.ErrUnauthorized, "NEOAGENT_API_KEY"},
			{"unknown serial", "", func(c *api.Client) error {
				_, err := c.History(context.Background(), api.HistoryQuery{Serial: "nope", From: day("2025-01-01"), To: day("2025-01-02")})
				return err
			}, api.ErrNotFound, "serial number"},
			{"range too large", "", func(c *api.Client) error {
				_, err := c.History(context.Background(), api.HistoryQuery{Serial: apitest.DemoSerial, From: day("2025-01-01"), To: day("2025-03-01")})
				return err
			}, api.ErrRangeTooLarge, "shorter range"},
		}
		for _, tt := range tests {
			t.Run(fmt.Sprintf("%s/business=%v", tt.name, business), func(t *testing.T) {
				srv.ResetRequests()
				c, waits := newClient(t, srv, func(o *api.Options) {
					if tt.key != "" {
						o.Key = tt.key
					}
				})
				err := tt.call(c)
				if !errors.Is(err, tt.kind) {
					t.Fatalf("err = %v, want %v", err, tt.kind)
				}
				var ae *api.Error
				if !errors.As(err, &ae) {
					t.Fatalf("%T is not *api.Error", err)
				}
				if business && ae.Status != http.StatusOK || ae.Code == 0 {
					t.Errorf("status %d code %d", ae.Status, ae.Code)
				}
				if !strings.Contains(err.Error(), tt.advice) {
					t.Errorf("error %q does not say %q", err, tt.advice)
				}
				if strings.Contains(err.Error(), "wrong-key") || strings.Contains(err.Error(), srv.Key) {
					t.Errorf("error shows the key: %q", err)
				}
				if n := len(srv.Requests()); n != 1 || len(*waits) != 0 {
					t.Errorf("%d requests, %d waits: a refusal is never retried", n, len(*waits))
				}
			})
		}
	}
}

func TestRetries(t *testing.T) {
	soon := time.Now().Add(3 * time.Second).UTC().Format(http.TimeFormat)
	tests := []struct {
		name      string
		faults    []apitest.Fault
		requests  int
		waits     []time.Duration // exact waits; nil to check count only
		nwaits    int
		errKind   error // nil: recovers
		errSubstr string
	}{
		{name: "429 then success honours Retry-After seconds",
			faults:   []apitest.Fault{{Status: 429, RetryAfter: "7"}},
			requests: 2, waits: []time.Duration{7 * time.Second}},
		{name: "Retry-After as an HTTP date",
			faults:   []apitest.Fault{{Status: 503, RetryAfter: soon}},
			requests: 2, nwaits: 1},
		{name: "429 with Retry-After as an HTTP date",
			faults:   []apitest.Fault{{Status: 429, RetryAfter: soon}},
			requests: 2, nwaits: 1},
		{name: "a sustained 429 is waited out past the attempts for other failures",
			faults:   []apitest.Fault{{Status: 429, RetryAfter: "20", Times: 10}},
			requests: 11, nwaits: 10},
		{name: "a 429 that never ends gives up when the waits would pass 5 minutes, naming rate_limit",
			faults:   []apitest.Fault{{Status: 429, RetryAfter: "20", Times: 100}},
			requests: 16, nwaits: 15, errKind: api.ErrRateLimited, errSubstr: "lower rate_limit in the config"},
		{name: "Retry-After is capped at 60s",
			faults:   []apitest.Fault{{Status: 429, RetryAfter: "3600"}},
			requests: 2, waits: []time.Duration{60 * time.Second}},
		{name: "two HTML 502 pages then success",
			faults:   []apitest.Fault{{Status: 502, HTML: true, Times: 2}},
			requests: 3, nwaits: 2},
		{name: "truncated JSON once then success",
			faults:   []apitest.Fault{{Truncate: true}},
			requests: 3 - 1, nwaits: 1},
		{name: "server errors until attempts run out",
			faults:   []apitest.Fault{{Status: 500, Times: 10}},
			requests: 4, nwaits: 3, errKind: api.ErrServer, errSubstr: "after 4 attempts"},
		{name: "HTML 502 every time names the status and the page",
			faults:   []apitest.Fault{{Status: 502, HTML: true, Times: 10}},
			requests: 4, nwaits: 3, errKind: api.ErrServer, errSubstr: "HTTP 502"},
		{name: "truncated every time",
			faults:   []apitest.Fault{{Truncate: true, Times: 10}},
			requests: 4, nwaits: 3, errKind: api.ErrDecode, errSubstr: "cut short"},
		{name: "501 is not retried",
			faults:   []apitest.Fault{{Status: 501}},
			requests: 1, errKind: api.ErrServer},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := apitest.Start(t, apitest.Options{})
			srv.Inject(tt.faults...)
			c, waits := newClient(t, srv)
			sessions, err := c.History(context.Background(), api.HistoryQuery{Serial: apitest.DemoSerial, From: api.DayOf(time.Now()) - 6, To: api.DayOf(time.Now())})
			if n := len(srv.Requests()); n != tt.requests {
				t.Errorf("%d requests, want %d", n, tt.requests)
			}
			if tt.waits != nil && fmt.Sprint(*waits) != fmt.Sprint(tt.waits) {
				t.Errorf("waits %v, want %v", *waits, tt.waits)
			}
			if tt.waits == nil && len(*waits) != tt.nwaits {
				t.Errorf("%d waits, want %d", len(*waits), tt.nwaits)
			}
			for _, w := range *waits {
				if w <= 0 || w > 60*time.Second {
					t.Errorf("wait %v outside (0, 60s]", w)
				}
			}
			if tt.errKind == nil {
				if err != nil || len(sessions) == 0 {
					t.Fatalf("did not recover: %v, %d sessions", err, len(sessions))
				}
				return
			}
			if !errors.Is(err, tt.errKind) || !strings.Contains(err.Error(), tt.errSubstr) {
				t.Fatalf("err = %v, want %v containing %q", err, tt.errKind, tt.errSubstr)
			}
		})
	}
}

func TestHTMLErrorPageExcerpt(t *testing.T) {
	srv := apitest.Start(t, apitest.Options{})
	srv.Inject(apitest.Fault{Status: 502, HTML: true, Times: 10})
	c, _ := newClient(t, srv, func(o *api.Options) { o.MaxAttempts = 1 })
	_, err := c.Leads(context.Background(), api.LeadsQuery{Serial: apitest.DemoSerial})
	var ae *api.Error
	if !errors.As(err, &ae) || ae.Excerpt == "" || len(ae.Excerpt) > 100 || strings.ContainsAny(ae.Excerpt, "<>\n") {
		t.Fatalf("err = %v (excerpt %q): want a short, tag-free excerpt of the page", err, ae.Excerpt)
	}
}

func TestBackoffGrowsWithJitter(t *testing.T) {
	srv := apitest.Start(t, apitest.Options{})
	srv.Inject(apitest.Fault{Status: 503, Times: 3})
	c, waits := newClient(t, srv, func(o *api.Options) { o.Backoff = 100 * time.Millisecond })
	if _, err := c.Leads(context.Background(), api.LeadsQuery{Serial: apitest.DemoSerial}); err != nil {
		t.Fatal(err)
	}
	for i, w := range *waits {
		base := 100 * time.Millisecond << i
		if w < base/2 || w > base {
			t.Errorf("wait %d = %v, want within [%v, %v]", i+1, w, base/2, base)
		}
	}
}

func TestContextCancelsARetryWait(t *testing.T) {
	srv := apitest.Start(t, apitest.Options{})
	srv.Inject(apitest.Fault{Status: 429, RetryAfter: "30"})
	c, err := api.New(api.Options{BaseURL: srv.URL, Key: srv.Key})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() {
		_, err := c.Leads(ctx, api.LeadsQuery{Serial: apitest.DemoSerial})
		done <- err
	}()
	for len(srv.Requests()) == 0 {
		time.Sleep(time.Millisecond)
	}
	cancel()
	select {
	case err := <-done:
		if err == nil {
			t.Fatal("a cancelled wait returned no error")
		}
	case <-time.After(10 * time.Second):
		t.Fatal("cancelling did not end the 30 s Retry-After wait")
	}
}

func TestRateLimitHoldsHistoryRequests(t *testing.T) {
	srv := apitest.Start(t, apitest.Options{})
	c, _ := newClient(t, srv, func(o *api.Options) { o.HistoryPerMinute = 1 })
	q := api.HistoryQuery{Serial: apitest.DemoSerial, From: api.DayOf(time.Now()), To: api.DayOf(time.Now())}
	if _, err := c.History(context.Background(), q); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	if _, err := c.History(ctx, q); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("second history request within the minute: err = %v, want it held until the deadline", err)
	}
	// Leads are not held by the history limit.
	if _, err := c.Leads(context.Background(), api.LeadsQuery{Serial: apitest.DemoSerial}); err != nil {
		t.Fatal(err)
	}
	if n := len(srv.Requests()); n != 2 {
		t.Errorf("%d requests reached the server, want 2", n)
	}
}

func TestResponseOverTheCap(t *testing.T) {
	srv := apitest.Start(t, apitest.Options{})
	c, waits := newClient(t, srv, func(o *api.Options) { o.MaxResponseBytes = 4 << 10 })
	_, err := c.History(context.Background(), api.HistoryQuery{Serial: apitest.DemoSerial, From: api.DayOf(time.Now()) - 30, To: api.DayOf(time.Now())})
	if !errors.Is(err, api.ErrTooLarge) || len(*waits) != 0 {
		t.Fatalf("err = %v after %d waits, want ErrTooLarge at once", err, len(*waits))
	}
	if !strings.Contains(err.Error(), "max_response_mb") {
		t.Errorf("error %q does not say what to change", err)
	}
}

func TestConnectionRefusedFailsFast(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	c, err := api.New(api.Options{BaseURL: "http://" + addr, Key: "k"})
	if err != nil {
		t.Fatal(err)
	}
	waits := c.RecordSleeps()
	_, err = c.Leads(context.Background(), api.LeadsQuery{Serial: "s"})
	if !errors.Is(err, api.ErrNetwork) || len(*waits) != 0 || !strings.Contains(err.Error(), "could not reach Neoagent") {
		t.Fatalf("err = %v after %d waits", err, len(*waits))
	}
}

func TestKeyNeverPrinted(t *testing.T) {
	const key = "sk-very-secret-0123456789"
	var logs bytes.Buffer
	srv := apitest.Start(t, apitest.Options{})
	o := api.Options{BaseURL: srv.URL, Key: key, Logger: slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))}
	c, err := api.New(o)
	if err != nil {
		t.Fatal(err)
	}
	_, callErr := c.Leads(context.Background(), api.LeadsQuery{Serial: apitest.DemoSerial})
	if callErr == nil {
		t.Fatal("a wrong key was accepted")
	}
	for _, s := range []string{
		fmt.Sprintf("%v %+v %#v %s", c, c, c, c),
		fmt.Sprintf("%v %+v %#v", o, o, o),
		fmt.Sprintf("%v %+v %#v", callErr, callErr, callErr),
		logs.String(),
	} {
		if strings.Contains(s, key) {
			t.Errorf("key printed in %q", s)
		}
	}
	if logs.Len() == 0 {
		t.Error("no debug log lines: the check above proves nothing")
	}
}

func TestNewRejectsBadOptions(t *testing.T) {
	for _, o := range []api.Options{
		{BaseURL: "ftp://x", Key: "k"},
		{BaseURL: "not a url", Key: "k"},
		{Key: ""},
		{Key: "abc\n"},
	} {
		if _, err := api.New(o); err == nil {
			t.Errorf("New(%+v) accepted", o)
		}
	}
}

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2025, 1, 1, 12, 0, 0, 0, time.UTC)
	for in, want := range map[string]time.Duration{
		"":                              0,
		"5":                             5 * time.Second,
		"-3":                            0,
		"soon":                          0,
		"Wed, 01 Jan 2025 12:00:30 GMT": 30 * time.Second,
		"Wed, 01 Jan 2025 11:00:00 GMT": 0,
	} {
		if got := api.ParseRetryAfter(in, now); got != want {
			t.Errorf("ParseRetryAfter(%q) = %v, want %v", in, got, want)
		}
	}
}

// TestBodyThatIsNotJSON: a captive portal or proxy answering 200 with HTML.
func TestBodyThatIsNotJSON(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		fmt.Fprint(w, "<html><head><title>Hotel Wi-Fi login</title></head><body>\x1b]52;c;eA==\x07</body></html>")
	}))
	defer srv.Close()
	c, err := api.New(api.Options{BaseURL: srv.URL, Key: "k"})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.Leads(context.Background(), api.LeadsQuery{Serial: "s"})
	if !errors.Is(err, api.ErrDecode) || !strings.Contains(err.Error(), "Hotel Wi-Fi login") || strings.ContainsRune(err.Error(), 0x1b) {
		t.Fatalf("err = %v", err)
	}
}

// TestStalledBodyTimesOut: a server that sends half a body and goes quiet
// ends the request after the idle timeout, and is retried.
func TestStalledBodyTimesOut(t *testing.T) {
	release := make(chan struct{})
	defer close(release)
	var requests atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		requests.Add(1)
		io.WriteString(w, `{"Data":[{"SessionID":1,`)
		w.(http.Flusher).Flush()
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	defer srv.Close()
	c, err := api.New(api.Options{BaseURL: srv.URL, Key: "k", IdleTimeout: 50 * time.Millisecond, MaxAttempts: 2, HistoryPerMinute: -1})
	if err != nil {
		t.Fatal(err)
	}
	waits := c.RecordSleeps()
	_, err = c.History(context.Background(), api.HistoryQuery{Serial: "s"})
	if !errors.Is(err, api.ErrNetwork) || !strings.Contains(err.Error(), "stopped sending") {
		t.Fatalf("err = %v", err)
	}
	if requests.Load() != 2 || len(*waits) != 1 {
		t.Errorf("%d requests, %d waits: a stall is worth one more try", requests.Load(), len(*waits))
	}
}
