package apitest

import (
	"net/http/httptest"
	"testing"
)

// Server is a Fake serving on loopback.
type Server struct {
	URL string // base URL, no trailing slash
	Key string
	*Fake
}

// Start serves a Fake on 127.0.0.1 for the duration of a test.
func Start(tb testing.TB, opts Options) *Server {
	tb.Helper()
	f := New(opts)
	ts := httptest.NewServer(f)
	tb.Cleanup(func() {
		ts.CloseClientConnections() // end requests still waiting out a Latency
		ts.Close()
	})
	return &Server{URL: ts.URL, Key: f.Key(), Fake: f}
}
