package apitest

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/neotui/neotui/api"
)

// testNow is the clock of most tests: DemoBots(testNow) ends here.
var testNow = time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)

func startDemo(t *testing.T, opts Options) *Server {
	t.Helper()
	if opts.Now == nil {
		opts.Now = func() time.Time { return testNow }
	}
	if opts.Bots == nil {
		opts.Bots = DemoBots(opts.Now())
	}
	return Start(t, opts)
}

type envelope struct {
	Data    json.RawMessage
	Version string
	Success bool
	Code    int
	Message string
}

// post sends body to path with key, as the client does, and decodes the envelope.
func post(t *testing.T, srv *Server, path, key, body string) (*http.Response, envelope) {
	t.Helper()
	resp, raw, err := postRaw(context.Background(), srv.URL+path, key, body)
	if err != nil {
		t.Fatalf("POST %s: %v", path, err)
	}
	var env envelope
	if err := json.Unmarshal(raw, &env); err != nil {
		t.Fatalf("POST %s %s: body is not a JSON envelope: %v\n%.300s", path, body, err, raw)
	}
	return resp, env
}

func postRaw(ctx context.Context, url, key, body string) (*http.Response, []byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, strings.NewReader(body))
	if err != nil {
		return nil, nil, err
	}
	if key != "" {
		req.Header.Set("Authorization", key)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "neotui-test")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, nil, err
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	return resp, raw, err
}

func decodeSessions(t *testing.T, env envelope) []api.Session {
	t.Helper()
	var ss []api.Session
	if err := json.Unmarshal(env.Data, &ss); err != nil {
		t.Fatalf("Data is not a list of sessions: %v", err)
	}
	return ss
}

func decodeLeads(t *testing.T, env envelope) []api.Lead {
	t.Helper()
	var ls []api.Lead
	if err := json.Unmarshal(env.Data, &ls); err != nil {
		t.Fatalf("Data is not a list of leads: %v", err)
	}
	return ls
}

// inUTC puts every time in UTC, so that decoded and generated records compare
// equal with reflect.DeepEqual whatever the machine's zone.
func inUTC[T api.Lead | api.Session](xs []T) []T {
	out := make([]T, len(xs))
	for i, x := range xs {
		switch v := any(&x).(type) {
		case *api.Lead:
			v.CreateTime = v.CreateTime.UTC()
		case *api.Session:
			v.CreateTime = v.CreateTime.UTC()
		}
		out[i] = x
	}
	return out
}

func day(s string) api.Day {
	d, err := api.ParseDay(s)
	if err != nil {
		panic(err)
	}
	return d
}
