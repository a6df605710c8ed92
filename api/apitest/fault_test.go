package apitest

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"
)

const demoHistory = `{"SerialNumber":"` + DemoSerial + `","StartTime":"2025-05-01","EndTime":"2025-05-07"}`
const demoLeads = `{"serialNumber":"` + DemoSerial + `"}`

func TestFaultStatus(t *testing.T) {
	srv := startDemo(t, Options{BusinessErrors: true}) // faults keep their HTTP status even so
	srv.Inject(
		Fault{Status: 429, RetryAfter: "2"},
		Fault{Status: 503, RetryAfter: "Wed, 21 Oct 2015 07:28:00 GMT", Times: 2},
		Fault{Status: 500},
	)
	for _, want := range []struct {
		status     int
		retryAfter string
	}{{429, "2"}, {503, "Wed, 21 Oct 2015 07:28:00 GMT"}, {503, "Wed, 21 Oct 2015 07:28:00 GMT"}, {500, ""}, {200, ""}} {
		resp, env := post(t, srv, HistoryPath, srv.Key, demoHistory)
		if resp.StatusCode != want.status || env.Code != want.status || env.Success != (want.status == 200) || env.Message == "" && want.status != 200 {
			t.Errorf("HTTP %d %+v, want %d", resp.StatusCode, env, want.status)
		}
		if got := resp.Header.Get("Retry-After"); got != want.retryAfter {
			t.Errorf("Retry-After %q, want %q", got, want.retryAfter)
		}
	}

	// A fault strikes before the key is even looked at, as a gateway's would.
	srv.Inject(Fault{Status: 500})
	if resp, _ := post(t, srv, HistoryPath, "wrong", demoHistory); resp.StatusCode != 500 {
		t.Errorf("wrong key under a fault: %d, want 500", resp.StatusCode)
	}
}

func TestFaultEndpoint(t *testing.T) {
	srv := startDemo(t, Options{})
	srv.Inject(Fault{Endpoint: ChatContentHistory, Status: 502})
	if resp, _ := post(t, srv, LeadListPath, srv.Key, demoLeads); resp.StatusCode != 200 {
		t.Errorf("LeadList took a history fault: %d", resp.StatusCode)
	}
	if resp, _ := post(t, srv, HistoryPath, srv.Key, demoHistory); resp.StatusCode != 502 {
		t.Errorf("history: %d, want 502", resp.StatusCode)
	}
	if resp, _ := post(t, srv, HistoryPath, srv.Key, demoHistory); resp.StatusCode != 200 {
		t.Errorf("fault applied twice: %d", resp.StatusCode)
	}
}

func TestFaultHTML(t *testing.T) {
	srv := startDemo(t, Options{})
	srv.Inject(Fault{HTML: true})
	resp, raw, err := postRaw(t.Context(), srv.URL+LeadListPath, srv.Key, demoLeads)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != 502 || resp.Header.Get("Content-Type") != "text/html" || !strings.HasPrefix(string(raw), "<html>") {
		t.Fatalf("HTTP %d %q: %s", resp.StatusCode, resp.Header.Get("Content-Type"), raw)
	}
	if json.Unmarshal(raw, new(any)) == nil {
		t.Error("the HTML page decodes as JSON")
	}
	if r := srv.Requests()[0]; r.Status != 502 || r.Code != 0 {
		t.Errorf("recorded %+v", r)
	}
}

func TestFaultTruncate(t *testing.T) {
	srv := startDemo(t, Options{})
	srv.Inject(Fault{Truncate: true, Endpoint: ChatContentHistory})
	resp, raw, err := postRaw(t.Context(), srv.URL+HistoryPath, srv.Key, demoHistory)
	if resp == nil || resp.StatusCode != 200 {
		t.Fatalf("%v %v", resp, err)
	}
	if !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Errorf("reading the body: %v, want an unexpected EOF", err)
	}
	if json.Unmarshal(raw, new(any)) == nil || len(raw) < 100 {
		t.Errorf("the truncated body (%d bytes) decodes as JSON", len(raw))
	}
	// The next request is whole.
	if _, raw, err := postRaw(t.Context(), srv.URL+HistoryPath, srv.Key, demoHistory); err != nil || json.Unmarshal(raw, new(any)) != nil {
		t.Errorf("after the fault: %v", err)
	}
}

func TestFaultLatency(t *testing.T) {
	srv := startDemo(t, Options{})
	srv.Inject(Fault{Latency: time.Minute})
	ctx, cancel := context.WithTimeout(t.Context(), 50*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, _, err := postRaw(ctx, srv.URL+LeadListPath, srv.Key, demoLeads)
	if !errors.Is(err, context.DeadlineExceeded) || time.Since(start) > 10*time.Second {
		t.Fatalf("err %v after %v, want the deadline", err, time.Since(start))
	}
	// The handler notices the client left, answers nothing, and frees itself.
	if r := srv.Requests(); len(r) != 1 || r[0].Status != 0 {
		t.Errorf("recorded %+v, want one request with Status 0", r)
	}
	if resp, _ := post(t, srv, LeadListPath, srv.Key, demoLeads); resp.StatusCode != 200 {
		t.Errorf("after the fault: %d", resp.StatusCode)
	}

	// A latency that passes delays a normal answer.
	srv.Inject(Fault{Latency: 30 * time.Millisecond, Status: 503})
	start = time.Now()
	if resp, _ := post(t, srv, LeadListPath, srv.Key, demoLeads); resp.StatusCode != 503 || time.Since(start) < 30*time.Millisecond {
		t.Errorf("HTTP %d after %v", resp.StatusCode, time.Since(start))
	}
}

func TestGlobalLatency(t *testing.T) {
	srv := startDemo(t, Options{Latency: 30 * time.Millisecond})
	start := time.Now()
	if resp, _ := post(t, srv, LeadListPath, srv.Key, demoLeads); resp.StatusCode != 200 || time.Since(start) < 30*time.Millisecond {
		t.Errorf("HTTP %d after %v", resp.StatusCode, time.Since(start))
	}
}

func TestFaultsAreThreadSafe(t *testing.T) {
	srv := startDemo(t, Options{})
	srv.Inject(Fault{Status: 500, Times: 20})
	done := make(chan int)
	for range 40 {
		go func() {
			resp, _, err := postRaw(t.Context(), srv.URL+LeadListPath, srv.Key, demoLeads)
			if err != nil {
				done <- 0
				return
			}
			done <- resp.StatusCode
		}()
	}
	count := map[int]int{}
	for range 40 {
		count[<-done]++
	}
	if count[500] != 20 || count[http.StatusOK] != 20 {
		t.Errorf("statuses %v, want 20 × 500 and 20 × 200", count)
	}
}

// TestHistoryPerMinute: the fake holds each bot's history requests to the
// documented rate, to the letter: N in any minute are served, at once if
// they come at once; one more within that minute is refused with 429 and a
// Retry-After for when the oldest leaves it, and not counted.
func TestHistoryPerMinute(t *testing.T) {
	srv := startDemo(t, Options{HistoryPerMinute: 2})
	other := `{"SerialNumber":"` + SecondSerial + `","StartTime":"2025-05-01","EndTime":"2025-05-07"}`
	for i, want := range []struct {
		path, body string
		status     int
	}{
		{HistoryPath, demoHistory, 200},
		{HistoryPath, demoHistory, 200}, // at once: within the budget
		{HistoryPath, demoHistory, 429}, // the third within the minute
		{HistoryPath, demoHistory, 429}, // a refusal is not counted, nor frees a slot
		{LeadListPath, demoLeads, 200},  // leads are not limited
		{HistoryPath, other, 200},       // nor is another bot
	} {
		resp, env := post(t, srv, want.path, srv.Key, want.body)
		if resp.StatusCode != want.status || env.Code != want.status {
			t.Fatalf("request %d: HTTP %d %+v, want %d", i, resp.StatusCode, env, want.status)
		}
		if want.status != 429 {
			continue
		}
		if ra, _ := strconv.Atoi(resp.Header.Get("Retry-After")); ra < 59 || ra > 60 {
			t.Errorf("Retry-After %q, want the rest of the minute", resp.Header.Get("Retry-After"))
		}
		if !strings.Contains(env.Message, "2 per minute") {
			t.Errorf("message %q does not state the limit", env.Message)
		}
	}
}

// TestHistoryPerMinuteSlides: a request is served again once the oldest of
// the minute's N has left it, not at a fixed minute boundary. (A minute of
// 200 ms here.)
func TestHistoryPerMinuteSlides(t *testing.T) {
	srv := startDemo(t, Options{HistoryPerMinute: 2, Minute: 200 * time.Millisecond})
	status := func() int {
		resp, _ := post(t, srv, HistoryPath, srv.Key, demoHistory)
		return resp.StatusCode
	}
	start := time.Now()
	if a, b := status(), status(); a != 200 || b != 200 {
		t.Fatalf("the first two: %d %d, want 200 200", a, b)
	}
	if got := status(); got != 429 && time.Since(start) < 200*time.Millisecond {
		t.Fatalf("a third within the minute: %d, want 429", got)
	}
	time.Sleep(250 * time.Millisecond)
	if a, b := status(), status(); a != 200 || b != 200 {
		t.Errorf("a minute later, two more: %d %d, want 200 200", a, b)
	}
}
