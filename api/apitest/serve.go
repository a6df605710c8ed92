package apitest

import (
	"net"
	"net/http"
	"net/http/httptest"
	"time"
)

// Listen opens addr and returns a server for a Fake, ready for
// srv.Serve(ln): what `neotui fake-api --listen ADDR` runs. ln.Addr() tells
// the port when addr asked for any.
func Listen(addr string, opts Options) (*http.Server, net.Listener, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, nil, err
	}
	return &http.Server{Handler: New(opts), ReadHeaderTimeout: 10 * time.Second}, ln, nil
}

// Transport returns a RoundTripper that hands requests straight to the Fake,
// with no socket: `neotui demo` runs on it without touching the network.
// Whole responses are buffered, so use Start or Listen for big ones.
func (f *Fake) Transport() http.RoundTripper { return transport{f} }

type transport struct{ h http.Handler }

func (t transport) RoundTrip(req *http.Request) (*http.Response, error) {
	sreq := req.Clone(req.Context())
	if sreq.Body == nil {
		sreq.Body = http.NoBody
	}
	defer sreq.Body.Close()
	rec := httptest.NewRecorder()
	t.h.ServeHTTP(rec, sreq)
	if err := req.Context().Err(); err != nil {
		return nil, err
	}
	resp := rec.Result()
	resp.Request = req
	return resp, nil
}
