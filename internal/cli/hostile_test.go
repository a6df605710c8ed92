package cli

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/neotui/neotui/api/apitest"
)

// serveHostile points c at a server that answers with handler, which must
// return once done is closed: when the test ends.
func (c *cli) serveHostile(handler func(w http.ResponseWriter, r *http.Request, done <-chan struct{})) {
	done := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// Read whole, so that a client hanging up cancels r's context.
		body, _ := io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(body))
		handler(w, r, done)
	}))
	c.t.Cleanup(func() {
		close(done)
		srv.Close()
	})
	c.env["NEOAGENT_BASE_URL"] = srv.URL
}

// TestSilentNeoagentEndsAtRequestTimeout: a server that accepts and never
// answers ends the sync at request_timeout from the config, with a sentence
// naming the endpoint and the setting.
func TestSilentNeoagentEndsAtRequestTimeout(t *testing.T) {
	c := newCLI(t, apitest.Options{})
	c.serveHostile(func(w http.ResponseWriter, r *http.Request, done <-chan struct{}) {
		select {
		case <-r.Context().Done():
		case <-done:
		}
	})
	c.writeConfig("rate_limit: 100000\nrequest_timeout: 500ms\n", 0o600)
	c.run("sync", "--since", "7d").failsWith(t, 1, "syncing leads", "sent nothing on LeadList for 500ms", "raise request_timeout")
}

// TestSyncCountsLeadsWithoutATime: the summary says how many leads came
// without a usable time and were left out; the others are stored.
func TestSyncCountsLeadsWithoutATime(t *testing.T) {
	c := newCLI(t, apitest.Options{})
	yesterday := time.Now().UTC().Add(-24 * time.Hour).Format(time.RFC3339)
	c.serveHostile(func(w http.ResponseWriter, r *http.Request, done <-chan struct{}) {
		if r.URL.Path != apitest.LeadListPath {
			io.WriteString(w, `{"Data":[],"Success":true,"Code":200}`)
			return
		}
		io.WriteString(w, `{"Data":[
			{"Type":"Lead","Name":"Ana","SessionID":1,"CreateTime":"`+yesterday+`"},
			{"Type":"Lead","Name":"Nobody","SessionID":2,"CreateTime":""}
		],"Success":true,"Code":200}`)
	})
	out := c.mustRun("sync", "--since", "7d").stdout
	if !strings.Contains(out, "1 new lead, 1 lead without a time skipped") {
		t.Errorf("summary %q does not count the lead without a time", out)
	}
	leads := c.mustRun("leads", "--offline", "--since", "7d").stdout
	if !strings.Contains(leads, "Ana") || strings.Contains(leads, "Nobody") {
		t.Errorf("leads:\n%s", leads)
	}
}

// TestTranscriptOfALeadWithoutATime: a missing conversation is dated by its
// lead; a lead without a time dates nothing, rather than sending Neoagent
// a request for the year 1.
func TestTranscriptOfALeadWithoutATime(t *testing.T) {
	c := newCLI(t, apitest.Options{})
	c.serveHostile(func(w http.ResponseWriter, r *http.Request, done <-chan struct{}) {
		body, _ := io.ReadAll(r.Body)
		switch {
		case bytes.Contains(body, []byte(`"0001-01-01"`)):
			w.WriteHeader(http.StatusBadRequest)
			io.WriteString(w, `{"Data":null,"Success":false,"Code":400,"Message":"invalid date"}`)
		case r.URL.Path == apitest.LeadListPath:
			io.WriteString(w, `{"Data":[{"Type":"Lead","Name":"Nobody","SessionID":42}],"Success":true,"Code":200}`)
		default:
			io.WriteString(w, `{"Data":[],"Success":true,"Code":200}`)
		}
	})
	c.run("sessions", "--session", "42").failsWith(t, 1, "conversation 42 was not found", "no lead that dates it")
}
