package api_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/neotui/neotui/api"
	"github.com/neotui/neotui/api/apitest"
)

// endsWithin runs call and fails the test if it has not returned within d:
// a guard against a request that never ends, not a measure of speed.
func endsWithin(t *testing.T, d time.Duration, call func() error) error {
	t.Helper()
	done := make(chan error, 1)
	go func() { done <- call() }()
	select {
	case err := <-done:
		return err
	case <-time.After(d):
		t.Fatalf("the request was still running after %v", d)
		return nil
	}
}

// hostileServer serves handler, which must return once done is closed: when
// the test ends.
func hostileServer(t *testing.T, handler func(w http.ResponseWriter, r *http.Request, done <-chan struct{})) *httptest.Server {
	t.Helper()
	done := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body) // so that a client hanging up cancels r's context
		handler(w, r, done)
	}))
	t.Cleanup(func() {
		close(done)
		srv.Close()
	})
	return srv
}

// silent accepts a request and never answers.
func silent(w http.ResponseWriter, r *http.Request, done <-chan struct{}) {
	select {
	case <-r.Context().Done():
	case <-done:
	}
}

// TestSilentServerEndsAtTheRequestTimeout: a server that accepts and never
// answers ends the request at request_timeout, with a sentence naming the
// endpoint and the setting.
func TestSilentServerEndsAtTheRequestTimeout(t *testing.T) {
	srv := hostileServer(t, silent)
	c, err := api.New(api.Options{BaseURL: srv.URL, Key: "k", RequestTimeout: 300 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	err = endsWithin(t, 10*time.Second, func() error {
		_, err := c.Leads(context.Background(), api.LeadsQuery{Serial: "s"})
		return err
	})
	if !errors.Is(err, api.ErrTimeout) {
		t.Fatalf("err = %v, want ErrTimeout", err)
	}
	for _, want := range []string{"LeadList", "sent nothing", "300ms", "request_timeout"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("%q does not say %q", err, want)
		}
	}

	// The caller's own deadline is not reported as Neoagent's slowness.
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	_, err = c.Leads(ctx, api.LeadsQuery{Serial: "s"})
	if !errors.Is(err, context.DeadlineExceeded) || errors.Is(err, api.ErrTimeout) {
		t.Errorf("err = %v, want the caller's context error", err)
	}
}

// TestTricklingServerEndsAtTheRequestTimeout: a byte now and then keeps the
// idle timeout from firing; the request's deadline still ends it.
func TestTricklingServerEndsAtTheRequestTimeout(t *testing.T) {
	srv := hostileServer(t, func(w http.ResponseWriter, r *http.Request, done <-chan struct{}) {
		io.WriteString(w, `{"Data":[`)
		for {
			w.(http.Flusher).Flush()
			select {
			case <-r.Context().Done():
				return
			case <-done:
				return
			case <-time.After(10 * time.Millisecond):
				io.WriteString(w, " ")
			}
		}
	})
	c, err := api.New(api.Options{BaseURL: srv.URL, Key: "k", RequestTimeout: 300 * time.Millisecond, HistoryPerMinute: -1})
	if err != nil {
		t.Fatal(err)
	}
	err = endsWithin(t, 10*time.Second, func() error {
		_, err := c.History(context.Background(), api.HistoryQuery{Serial: "s"})
		return err
	})
	if !errors.Is(err, api.ErrTimeout) {
		t.Fatalf("err = %v, want ErrTimeout", err)
	}
	for _, want := range []string{"ChatContentHistory", "still arriving", "request_timeout"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("%q does not say %q", err, want)
		}
	}
}

// TestRetriesStayWithinTheirBudget: the request timeout bounds each
// attempt; the waits between attempts have their own budget, and a wait
// that would overrun it is not begun: the last answer is the error, at once.
func TestRetriesStayWithinTheirBudget(t *testing.T) {
	srv := apitest.Start(t, apitest.Options{})
	srv.Inject(apitest.Fault{Status: 429, RetryAfter: "30", Times: 10})
	c, waits := newClient(t, srv, func(o *api.Options) {
		o.RequestTimeout = 10 * time.Second
		o.MaxRetryWait = time.Minute
		o.MaxRetryTotal = 45 * time.Second
	})
	_, err := c.Leads(context.Background(), api.LeadsQuery{Serial: apitest.DemoSerial})
	if !errors.Is(err, api.ErrRateLimited) || len(*waits) != 1 || len(srv.Requests()) != 2 {
		t.Fatalf("err = %v after %d waits and %d requests: want the 429 after one 30 s wait, the second not begun in a 45 s budget",
			err, len(*waits), len(srv.Requests()))
	}
	if !strings.Contains(err.Error(), "rate_limit") {
		t.Errorf("%q does not say to lower rate_limit", err)
	}
}
