// Package apitest is a faithful in-process fake of the Neoagent API, errors
// included, over a deterministic synthetic data set. It serves the client's,
// the syncer's and the CLI's tests, `neotui fake-api` and `neotui demo`, and
// the benchmarks (a generated bot scales to millions of messages without
// holding them).
//
// Ordering: LeadList answers newest first (like the docs' example),
// ChatContentHistory oldest first.
package apitest

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"math"
	"net/http"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/neotui/neotui/api"
)

// DefaultKey is the API key a Fake accepts unless Options.Key says otherwise.
const DefaultKey = "neotui-test-key"

// The endpoints, as named in Fault.Endpoint and Request.Endpoint, and their paths.
const (
	LeadList           = "LeadList"
	ChatContentHistory = "ChatContentHistory"
	MessageCount       = "GetMessageCountByChatbot"
	LeadListPath       = "/chat/Chatbot/LeadList"
	HistoryPath        = "/chat/Chatbot/ChatContentHistory"
	MessageCountPath   = "/chat/Chatbot/GetMessageCountByChatbot"
)

// Options configure a Fake. The zero value is a demo server on the real clock.
type Options struct {
	Key                string           // the accepted Authorization value; default DefaultKey
	Bots               []*Bot           // default DemoBots(Now())
	Now                func() time.Time // default time.Now; records after Now are not served
	MaxHistoryDays     int              // widest dated history request, days inclusive; default 31
	MaxUndatedSessions int              // most sessions a history request without both dates may match; default 2000
	// BusinessErrors answers API errors (400, 401, 404, 413) with HTTP 200 and
	// Success:false, as the docs warn can happen. Routing errors and faults
	// keep their HTTP status.
	BusinessErrors bool
	Latency        time.Duration // before every answer
	// HistoryPerMinute, if positive, holds each bot's history requests to
	// the docs' "at most N requests per minute", to the letter: a request
	// that would make N+1 served within any minute gets 429 with a
	// Retry-After (see api.PerMinute for a fractional N). Real time,
	// whatever Now says.
	HistoryPerMinute float64
	Minute           time.Duration // how long that minute lasts; default time.Minute: tests shorten it
	// NoMessageCount answers GetMessageCountByChatbot 404, as a server
	// without it would.
	NoMessageCount bool
}

// Fake is the fake Neoagent API, an http.Handler. Safe for concurrent use.
type Fake struct {
	opts Options
	bots map[string]*Bot

	mu       sync.Mutex
	faults   []Fault
	requests []*Request
	served   map[string][]time.Time // per bot, the history requests served within the last period of HistoryPerMinute
}

// Request is one request the Fake received, and what it answered.
type Request struct {
	Endpoint string // LeadList, ChatContentHistory, or the path when unknown
	Method   string
	Body     []byte // raw
	Header   http.Header
	Status   int       // HTTP status answered; 0 if the client left before the answer
	Code     int       // the envelope's Code; 0 for a non-JSON answer
	Time     time.Time // by Options.Now
	Arrived  time.Time // by the real clock, as HistoryPerMinute counts
}

// New returns a Fake serving opts.Bots.
func New(opts Options) *Fake {
	if opts.Key == "" {
		opts.Key = DefaultKey
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Bots == nil {
		opts.Bots = DemoBots(opts.Now())
	}
	if opts.MaxHistoryDays <= 0 {
		opts.MaxHistoryDays = 31
	}
	if opts.MaxUndatedSessions <= 0 {
		opts.MaxUndatedSessions = 2000
	}
	if opts.Minute <= 0 {
		opts.Minute = time.Minute
	}
	f := &Fake{opts: opts, bots: make(map[string]*Bot), served: make(map[string][]time.Time)}
	for _, b := range opts.Bots {
		if _, dup := f.bots[b.serial]; !dup {
			f.bots[b.serial] = b
		}
	}
	return f
}

// Key returns the API key the Fake accepts.
func (f *Fake) Key() string { return f.opts.Key }

// Bot returns the bot with this serial, or nil.
func (f *Fake) Bot(serial string) *Bot { return f.bots[serial] }

// Requests returns a copy of the requests received so far, oldest first.
func (f *Fake) Requests() []Request {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := make([]Request, len(f.requests))
	for i, r := range f.requests {
		out[i] = *r
	}
	return out
}

// ResetRequests forgets the requests received so far.
func (f *Fake) ResetRequests() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.requests = nil
}

// fields are one endpoint's request field names: the two endpoints disagree
// on casing, and the fake, like the API, holds each to its own.
type fields struct{ serial, start, end, session string }

var endpoints = map[string]struct {
	name   string
	fields fields
}{
	LeadListPath:     {LeadList, fields{"serialNumber", "startTime", "endTime", "sessionID"}},
	HistoryPath:      {ChatContentHistory, fields{"SerialNumber", "StartTime", "EndTime", ""}},
	MessageCountPath: {MessageCount, fields{serial: "SerialNumber"}},
}

// ServeHTTP answers one request. Order of checks: path (404), method (405),
// queued fault and latency, key (401), body (400), serial (404), history
// rate (429), size (413).
func (f *Fake) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	ep, known := endpoints[r.URL.Path]
	name := ep.name
	if !known {
		name = r.URL.Path
	}
	arrived := time.Now() // real time, for HistoryPerMinute
	body, _ := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	rec := &Request{Endpoint: name, Method: r.Method, Body: body, Header: r.Header.Clone(), Time: f.opts.Now(), Arrived: arrived}
	f.mu.Lock()
	f.requests = append(f.requests, rec)
	f.mu.Unlock()
	a := &answer{f: f, w: w, rec: rec}

	if !known || name == MessageCount && f.opts.NoMessageCount {
		a.routeError(http.StatusNotFound, "no such endpoint: "+r.URL.Path)
		return
	}
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		a.routeError(http.StatusMethodNotAllowed, r.Method+" is not allowed: use POST")
		return
	}
	fault := f.takeFault(name)
	if !sleep(r.Context(), f.opts.Latency+fault.Latency) {
		return // the client gave up; Status stays 0
	}
	if fault.Status != 0 || fault.HTML {
		a.fault(fault)
		return
	}
	a.truncate = fault.Truncate
	if code, msg := f.authorize(r.Header.Get("Authorization")); code != 0 {
		a.apiError(code, msg)
		return
	}
	q, err := parseQuery(body, ep.fields)
	if err != nil {
		a.apiError(http.StatusBadRequest, err.Error())
		return
	}
	bot := f.bots[q.serial]
	if bot == nil {
		a.apiError(http.StatusNotFound, fmt.Sprintf("chatbot not found: no chatbot has the serial number %q", q.serial))
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	win := q.window().until(f.opts.Now())
	if name == MessageCount {
		n := bot.messageCount(f.opts.Now())
		a.send(http.StatusOK, http.StatusOK, func(w io.Writer) error {
			_, err := fmt.Fprintf(w, `{"Data":%d,"Version":"1.0.0","Success":true,"Code":200,"Message":""}`, n)
			return err
		})
		return
	}
	if name == LeadList {
		leads := bot.leadsIn(win)
		if q.hasSession {
			leads = slices.DeleteFunc(leads, func(l api.Lead) bool { return l.SessionID != q.sessionID })
		}
		a.send(http.StatusOK, http.StatusOK, func(w io.Writer) error { return WriteLeads(w, leads) })
		return
	}
	if wait := f.throttle(q.serial, arrived); wait > 0 {
		w.Header().Set("Retry-After", strconv.Itoa(int(math.Ceil(wait.Seconds()))))
		a.routeError(http.StatusTooManyRequests, fmt.Sprintf("too many requests: at most %g per minute, retry later", f.opts.HistoryPerMinute))
		return
	}
	if msg := f.tooLarge(bot, q, win); msg != "" {
		a.apiError(http.StatusRequestEntityTooLarge, msg)
		return
	}
	a.send(http.StatusOK, http.StatusOK, func(w io.Writer) error { return WriteHistory(w, bot.sessionsIn(win)) })
}

func (f *Fake) authorize(key string) (int, string) {
	switch {
	case key == f.opts.Key:
		return 0, ""
	case key == "":
		return http.StatusUnauthorized, "missing API key: send it in the Authorization header"
	case key == "Bearer "+f.opts.Key:
		return http.StatusUnauthorized, `invalid API key: send the raw key in the Authorization header, without "Bearer "`
	}
	return http.StatusUnauthorized, "invalid API key"
}

// throttle is how much too soon under HistoryPerMinute a history request
// of serial arrived; 0 if it may be served, and is counted. Arrival counts,
// as at a gateway: a slow answer (a fault's Latency) does not move it.
func (f *Fake) throttle(serial string, arrived time.Time) time.Duration {
	if f.opts.HistoryPerMinute <= 0 {
		return 0
	}
	r := api.PerMinute(f.opts.HistoryPerMinute)
	per := time.Duration(float64(r.Per) * float64(f.opts.Minute) / float64(time.Minute))
	f.mu.Lock()
	defer f.mu.Unlock()
	served := f.served[serial]
	for len(served) > 0 && arrived.Sub(served[0]) >= per {
		served = served[1:]
	}
	if len(served) >= r.N {
		f.served[serial] = served
		return per - arrived.Sub(served[0])
	}
	f.served[serial] = append(served, arrived)
	return 0
}

// tooLarge says why a history request would answer too much, or "".
func (f *Fake) tooLarge(bot *Bot, q query, win window) string {
	if q.hasFrom && q.hasTo {
		if days := int(q.to-q.from) + 1; days > f.opts.MaxHistoryDays {
			return fmt.Sprintf("date range too large: %s to %s is %d days, at most %d are allowed; request smaller windows",
				q.from, q.to, days, f.opts.MaxHistoryDays)
		}
		return ""
	}
	if n := bot.countSessions(win); n > f.opts.MaxUndatedSessions {
		return fmt.Sprintf("too much history: %d sessions match, at most %d may without both StartTime and EndTime; request date windows",
			n, f.opts.MaxUndatedSessions)
	}
	return ""
}

// answer writes one response and records what was answered.
type answer struct {
	f        *Fake
	w        http.ResponseWriter
	rec      *Request
	truncate bool // cut the body in half and close the connection
}

// apiError answers an API-level error, with HTTP 200 in BusinessErrors mode.
func (a *answer) apiError(code int, msg string) {
	status := code
	if a.f.opts.BusinessErrors {
		status = http.StatusOK
	}
	a.w.Header().Set("Content-Type", "application/json; charset=utf-8")
	a.send(status, code, func(w io.Writer) error { return writeError(w, code, msg) })
}

// routeError answers a routing error: its HTTP status whatever the mode.
func (a *answer) routeError(code int, msg string) {
	a.w.Header().Set("Content-Type", "application/json; charset=utf-8")
	a.send(code, code, func(w io.Writer) error { return writeError(w, code, msg) })
}

// send records status and code, then writes the body: streamed, or whole and
// cut short when truncating.
func (a *answer) send(status, code int, body func(io.Writer) error) {
	a.f.mu.Lock()
	a.rec.Status, a.rec.Code = status, code
	a.f.mu.Unlock()
	if a.truncate {
		var buf bytes.Buffer
		_ = body(&buf)
		// Promise the whole length and deliver half: the server then closes
		// the connection, and the client reads an unexpected EOF.
		a.w.Header().Set("Content-Length", fmt.Sprint(buf.Len()))
		a.w.WriteHeader(status)
		_, _ = a.w.Write(buf.Bytes()[:buf.Len()/2])
		return
	}
	a.w.WriteHeader(status)
	bw := bufio.NewWriterSize(a.w, 32<<10)
	if body(bw) == nil {
		_ = bw.Flush()
	}
}

// sleep waits d, or less if ctx ends first; it reports whether d passed.
func sleep(ctx context.Context, d time.Duration) bool {
	if d <= 0 {
		return ctx.Err() == nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}
