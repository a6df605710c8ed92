package cli

import (
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/neotui/neotui/api/apitest"
)

// serveHostile points c at a server that answers with handler, which must
// return once done is closed: when the test ends.
func (c *cli) serveHostile(handler func(w http.ResponseWriter, r *http.Request, done <-chan struct{})) {
	done := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body) // so that a client hanging up cancels r's context
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
