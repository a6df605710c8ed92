package api_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"testing"
	"testing/iotest"
	"unicode/utf8"

	"github.com/go-json-experiment/json/jsontext"

	"github.com/neotui/neotui/api"
)

// serveBody answers every request with body, gzip-encoded if gz: the way a
// proxy or a broken Neoagent would send it.
func serveBody(t *testing.T, body []byte, gz bool) *httptest.Server {
	t.Helper()
	if gz {
		var b bytes.Buffer
		z := gzip.NewWriter(&b)
		z.Write(body)
		z.Close()
		body = b.Bytes()
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		if gz {
			w.Header().Set("Content-Encoding", "gzip")
		}
		w.Write(body)
	}))
	t.Cleanup(srv.Close)
	return srv
}

// history asks srv for history with a response cap of maxBytes, once.
func history(t *testing.T, srv *httptest.Server, maxBytes int64) ([]api.Session, error) {
	t.Helper()
	c, err := api.New(api.Options{BaseURL: srv.URL, Key: "k", MaxResponseBytes: maxBytes, MaxAttempts: 1, HistoryPerMinute: -1})
	if err != nil {
		t.Fatal(err)
	}
	return c.History(context.Background(), api.HistoryQuery{Serial: "s"})
}

// allocated is how many bytes f allocated on the heap.
func allocated(f func()) uint64 {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

// sessionsBody is a history response whose Data is the given elements.
func sessionsBody(elems ...string) []byte {
	return []byte(`{"Data":[` + strings.Join(elems, ",") + `],"Version":"1.0.0","Success":true,"Code":200,"Message":""}`)
}

// TestGzipBombIsRefusedAtTheCap: 64 KB of gzip that expands to one 16 MB
// string is refused once the cap's worth is read, without holding the string.
func TestGzipBombIsRefusedAtTheCap(t *testing.T) {
	bomb := sessionsBody(`{"SessionID":1,"URI":"` + strings.Repeat("x", 16<<20) + `"}`)
	srv := serveBody(t, bomb, true)
	var err error
	alloc := allocated(func() { _, err = history(t, srv, 1<<20) })
	if !errors.Is(err, api.ErrTooLarge) || !strings.Contains(err.Error(), "1 MB limit") {
		t.Fatalf("err = %v, want ErrTooLarge naming the 1 MB limit", err)
	}
	if alloc > 8<<20 {
		t.Errorf("refusing a 1 MB-capped bomb allocated %d MB", alloc>>20)
	}
}

// TestBodyOverTheCapWhateverItsShape: the cap counts the bytes after
// decompression, and what the records take once decoded, however the body is
// laid out.
func TestBodyOverTheCapWhateverItsShape(t *testing.T) {
	const max = 1 << 20
	bigMessage := `{"SessionID":1,"Messages":[{"Type":"User","Content":"` + strings.Repeat("z", 100<<10) + `"}]}`
	small := `{"SessionID":1,"URI":"https://shop.example/` + strings.Repeat("p", 100) + `"}`
	tests := []struct {
		name string
		body []byte
		gz   bool
	}{
		{"one 2 MB string", sessionsBody(`{"SessionID":1,"URI":"` + strings.Repeat("u", 2<<20) + `"}`), false},
		{"2 MB of whitespace", sessionsBody(strings.Repeat(" ", 2<<20)), false},
		{"2 MB of 100 KB messages", sessionsBody(repeat(bigMessage, 20)...), false},
		{"2 MB of small records", sessionsBody(repeat(small, 2<<20/len(small))...), false},
		{"2 MB of small records, gzipped to less than the cap", sessionsBody(repeat(small, 2<<20/len(small))...), true},
		{"0.9 MB of empty records, each far bigger decoded", sessionsBody(repeat("{}", 300_000)...), false},
		{"0.9 MB of empty messages in one record", sessionsBody(`{"Messages":[` + strings.Join(repeat("{}", 300_000), ",") + `]}`), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sessions, err := history(t, serveBody(t, tt.body, tt.gz), max)
			if !errors.Is(err, api.ErrTooLarge) || !strings.Contains(err.Error(), "max_response_mb") {
				t.Fatalf("%d sessions, err = %v: want ErrTooLarge saying what to change", len(sessions), err)
			}
		})
	}
}

func repeat(s string, n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = s
	}
	return out
}

// TestOversizeFieldsAreCutWithAMark: a field over its limit is cut at a
// character boundary and marked; the rest of the record and of the response
// arrive whole.
func TestOversizeFieldsAreCutWithAMark(t *testing.T) {
	// Escapes may not be split, and an escaped quote does not end the string.
	long := strings.Repeat(`\u00e9a\"\\`, api.MaxTextBytes/11+1000)
	name := strings.Repeat("N", api.MaxLineBytes+1000)
	body := sessionsBody(
		`{"SessionID":1,"URI":"`+name+`","Messages":[{"Type":"User","Content":"`+long+`"},{"Type":"AI","Content":"ok"}]}`,
		`{"SessionID":2,"URI":"https://shop.example/","Messages":[{"Type":"AI","Content":"hi"}]}`,
	)
	sessions, err := history(t, serveBody(t, body, false), 64<<20)
	if err != nil {
		t.Fatal(err)
	}
	if len(sessions) != 2 || len(sessions[0].Messages) != 2 || sessions[0].Messages[1].Content != "ok" ||
		sessions[1].URI != "https://shop.example/" || sessions[1].Messages[0].Content != "hi" {
		t.Fatalf("the records around the long fields did not arrive whole: %d sessions", len(sessions))
	}
	content := sessions[0].Messages[0].Content
	if !strings.HasSuffix(content, api.CutMark) || len(content) > api.MaxTextBytes+len(api.CutMark) ||
		!utf8.ValidString(content) || strings.ContainsRune(content, utf8.RuneError) ||
		!strings.HasPrefix(content, `éa"\éa"\`) {
		t.Errorf("content of %d bytes, ends %q: want at most %d bytes of éa\"\\, cut and marked", len(content), tail(content), api.MaxTextBytes)
	}
	uri := sessions[0].URI
	if !strings.HasSuffix(uri, api.CutMark) || len(uri) > api.MaxLineBytes+len(api.CutMark) {
		t.Errorf("URI of %d bytes, ends %q: want at most %d, marked", len(uri), tail(uri), api.MaxLineBytes)
	}
}

// TestLeadFieldsAreCut: a lead's one-line fields have the short limit, its
// content the long one.
func TestLeadFieldsAreCut(t *testing.T) {
	huge := strings.Repeat("é", api.MaxTextBytes)
	body := []byte(`{"Data":[{"Type":"Lead","Name":"` + huge + `","Email":"` + huge + `","PhoneNumber":"` + huge +
		`","Content":"` + huge + `","SessionID":7,"CreateTime":"2025-01-02T03:04:05Z","URI":"x"}],"Success":true}`)
	c, err := api.New(api.Options{BaseURL: serveBody(t, body, false).URL, Key: "k", MaxAttempts: 1})
	if err != nil {
		t.Fatal(err)
	}
	leads, err := c.Leads(context.Background(), api.LeadsQuery{Serial: "s"})
	if err != nil || len(leads) != 1 {
		t.Fatalf("%d leads, err %v", len(leads), err)
	}
	l := leads[0]
	for field, v := range map[string]string{"Name": l.Name, "Email": l.Email, "PhoneNumber": l.PhoneNumber} {
		if len(v) > api.MaxLineBytes+len(api.CutMark) || !strings.HasSuffix(v, api.CutMark) || !utf8.ValidString(v) {
			t.Errorf("%s of %d bytes, ends %q", field, len(v), tail(v))
		}
	}
	if len(l.Content) <= api.MaxLineBytes || !strings.HasSuffix(l.Content, api.CutMark) {
		t.Errorf("Content of %d bytes, ends %q: want the long limit", len(l.Content), tail(l.Content))
	}
	if l.SessionID != 7 || l.URI != "x" {
		t.Errorf("the short fields after the long ones: %+v", l.SessionID)
	}
}

// TestOversizeNumberIsRefused: a number is never long; a 2 MB one is a
// broken response, not something to hold.
func TestOversizeNumberIsRefused(t *testing.T) {
	body := sessionsBody(`{"SessionID":` + strings.Repeat("1", 2<<20) + `}`)
	_, err := history(t, serveBody(t, body, false), 64<<20)
	if !errors.Is(err, api.ErrDecode) || !strings.Contains(err.Error(), "number") {
		t.Fatalf("err = %v, want ErrDecode about the number", err)
	}
}

func tail(s string) string { return s[max(0, len(s)-24):] }

// FuzzTokenLimiter: JSON without long tokens passes the limiter unchanged
// but for whitespace, and anything at all passes without a panic.
func FuzzTokenLimiter(f *testing.F) {
	f.Add(docsHistory)
	f.Add(`{"a":"\"\\\u00e9\ud83d\ude00", "b" : [1.5e-3, -2, true, null]}`)
	f.Add("{\"Data\":[\"a\xffb\"]}")
	f.Fuzz(func(t *testing.T, in string) {
		out, err := io.ReadAll(api.LimitTokens(iotest.OneByteReader(strings.NewReader(in))))
		if err != nil || !jsontext.Value(in).IsValid(jsontext.AllowInvalidUTF8(true)) {
			return
		}
		want, got := jsontext.Value(in), jsontext.Value(out)
		if want.Compact(jsontext.AllowInvalidUTF8(true)) != nil || got.Compact(jsontext.AllowInvalidUTF8(true)) != nil ||
			!bytes.Equal(want, got) {
			t.Fatalf("%q became %q", in, out)
		}
	})
}
