package api

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"

	"github.com/neotui/neotui/internal/safetext"
)

// Endpoints, relative to the base URL.
const (
	EndpointLeads   = "LeadList"
	EndpointHistory = "ChatContentHistory"
	pathPrefix      = "/chat/Chatbot/"
)

// DefaultBaseURL is Neoagent's production API.
const DefaultBaseURL = "https://app.neoagent.co"

// Defaults for Options' zero values.
const (
	DefaultHistoryPerMinute = 10 // the vendor's recommended ceiling
	DefaultMaxResponseBytes = 256 << 20
	DefaultMaxAttempts      = 4
	DefaultMaxRetryWait     = 60 * time.Second
	DefaultMaxRetryTotal    = 5 * time.Minute
	DefaultBackoff          = time.Second
	DefaultIdleTimeout      = 60 * time.Second
	DefaultRequestTimeout   = 2 * time.Minute
	maxErrorBody            = 1 << 20
)

// Limiter paces requests: Wait blocks until one may be sent and fails only
// when ctx ends, or would end, first. *Budget is one; the store's Budget,
// shared by every neotui on a store, is another.
type Limiter interface {
	Wait(ctx context.Context) error
}

// Options configure a Client. Zero values mean the defaults above.
type Options struct {
	BaseURL          string
	Key              string // the raw secret key; never logged or printed
	UserAgent        string // e.g. "neotui/1.2.0"
	HTTPClient       *http.Client
	HistoryPerMinute float64       // client-side budget of the history endpoint (see Rate); <0 means none
	Limiter          Limiter       // paces history requests, retries included, instead of HistoryPerMinute
	MaxResponseBytes int64         // cap on one response after decompression, and on its records once decoded
	MaxAttempts      int           // tries of a failing request; a 429's are bounded by MaxRetryTotal instead
	MaxRetryWait     time.Duration // cap on any single wait, Retry-After included
	MaxRetryTotal    time.Duration // cap on all the waits of one call: how long a 429 is waited out
	Backoff          time.Duration // the first retry's base wait, doubled each time
	IdleTimeout      time.Duration // longest silence while a body arrives; default 60 s
	RequestTimeout   time.Duration // longest one attempt may take, the whole body included; default 2m
	Logger           *slog.Logger  // debug lines per request; nil for none
}

// Format keeps the key out of every fmt verb.
func (o Options) Format(f fmt.State, _ rune) {
	fmt.Fprintf(f, "api.Options{BaseURL: %q, Key: [redacted]}", o.BaseURL)
}

// Client talks to Neoagent. It is safe for concurrent use.
type Client struct {
	base      string
	key       string
	userAgent string
	http      *http.Client
	history   Limiter // nil: none
	maxBody   int64
	attempts  int
	maxWait   time.Duration
	maxTotal  time.Duration
	backoff   time.Duration
	idle      time.Duration
	timeout   time.Duration
	log       *slog.Logger

	sleep func(ctx context.Context, d time.Duration) error // replaced in tests
	now   func() time.Time
}

// Format keeps the key out of every fmt verb, %+v and %#v included.
func (c *Client) Format(f fmt.State, _ rune) {
	fmt.Fprintf(f, "api.Client{BaseURL: %q, Key: [redacted]}", c.base)
}

// New returns a client, or an error saying what is wrong with o.
func New(o Options) (*Client, error) {
	base := o.BaseURL
	if base == "" {
		base = DefaultBaseURL
	}
	u, err := url.Parse(base)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("base URL %q is not an http(s) URL like %s", safetext.Line(base), DefaultBaseURL)
	}
	if o.Key == "" {
		return nil, errors.New("no API key")
	}
	if strings.IndexFunc(o.Key, func(r rune) bool { return r < 0x20 || r == 0x7f }) >= 0 {
		return nil, errors.New("the API key contains a control character (a stray newline in a key file?)")
	}
	c := &Client{
		base:      strings.TrimRight(u.String(), "/"),
		key:       o.Key,
		userAgent: o.UserAgent,
		http:      o.HTTPClient,
		maxBody:   o.MaxResponseBytes,
		attempts:  o.MaxAttempts,
		maxWait:   o.MaxRetryWait,
		maxTotal:  o.MaxRetryTotal,
		backoff:   o.Backoff,
		idle:      o.IdleTimeout,
		timeout:   o.RequestTimeout,
		log:       o.Logger,
		sleep:     sleepCtx,
		now:       time.Now,
	}
	if c.userAgent == "" {
		c.userAgent = "neotui/dev"
	}
	if c.http == nil {
		c.http = defaultHTTPClient()
	}
	if c.maxBody <= 0 {
		c.maxBody = DefaultMaxResponseBytes
	}
	if c.attempts <= 0 {
		c.attempts = DefaultMaxAttempts
	}
	if c.maxWait <= 0 {
		c.maxWait = DefaultMaxRetryWait
	}
	if c.maxTotal <= 0 {
		c.maxTotal = DefaultMaxRetryTotal
	}
	if c.backoff <= 0 {
		c.backoff = DefaultBackoff
	}
	if c.idle <= 0 {
		c.idle = DefaultIdleTimeout
	}
	if c.timeout <= 0 {
		c.timeout = DefaultRequestTimeout
	}
	if c.log == nil {
		c.log = slog.New(slog.DiscardHandler)
	}
	perMinute := o.HistoryPerMinute
	if perMinute == 0 {
		perMinute = DefaultHistoryPerMinute
	}
	switch {
	case o.Limiter != nil:
		c.history = o.Limiter
	case perMinute > 0:
		c.history = NewBudget(PerMinute(perMinute))
	}
	return c, nil
}

// CloseIdleConnections closes the connections kept open for the next
// request: for a program done with Neoagent that goes on running.
func (c *Client) CloseIdleConnections() { c.http.CloseIdleConnections() }

// defaultHTTPClient bounds every phase but the body, which may legitimately
// take long for a big range; the caller's context bounds the whole.
func defaultHTTPClient() *http.Client {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.DialContext = (&net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second}).DialContext
	t.TLSHandshakeTimeout = 10 * time.Second
	t.ResponseHeaderTimeout = 90 * time.Second
	return &http.Client{Transport: t}
}

// LeadsQuery selects leads. Zero days mean no bound; SessionID 0 means any.
type LeadsQuery struct {
	Serial    string
	From, To  Day
	SessionID int64
}

// HistoryQuery selects conversations. Zero days mean no bound: beware, the
// API then returns all history, or 413.
type HistoryQuery struct {
	Serial   string
	From, To Day
}

// LeadList's body is camelCase…
type leadsBody struct {
	SerialNumber string `json:"serialNumber"`
	StartTime    string `json:"startTime,omitzero"`
	EndTime      string `json:"endTime,omitzero"`
	SessionID    int64  `json:"sessionID,omitzero"`
}

// …and ChatContentHistory's is PascalCase.
type historyBody struct {
	SerialNumber string `json:"SerialNumber"`
	StartTime    string `json:"StartTime,omitzero"`
	EndTime      string `json:"EndTime,omitzero"`
}

func dayParam(d Day) string {
	if d.IsZero() {
		return ""
	}
	return d.String()
}

// Leads fetches the leads and appointments that q selects.
func (c *Client) Leads(ctx context.Context, q LeadsQuery) ([]Lead, error) {
	if q.Serial == "" {
		return nil, &Error{Kind: ErrBadRequest, Endpoint: EndpointLeads, Message: "no serial number"}
	}
	body := leadsBody{q.Serial, dayParam(q.From), dayParam(q.To), q.SessionID}
	return post[Lead](ctx, c, EndpointLeads, body, nil)
}

// History fetches the conversations that q selects, within the client's
// rate limit for this endpoint.
func (c *Client) History(ctx context.Context, q HistoryQuery) ([]Session, error) {
	if q.Serial == "" {
		return nil, &Error{Kind: ErrBadRequest, Endpoint: EndpointHistory, Message: "no serial number"}
	}
	body := historyBody{q.Serial, dayParam(q.From), dayParam(q.To)}
	return post[Session](ctx, c, EndpointHistory, body, c.history)
}

// post sends one request, retrying what is worth retrying: each attempt
// within the request timeout, the waits between them within MaxRetryTotal.
func post[T any](ctx context.Context, c *Client, endpoint string, body any, limit Limiter) ([]T, error) {
	payload, err := json.Marshal(body)
	if err != nil {
		return nil, err
	}
	trace := traceOf(ctx)
	var waited time.Duration
	for attempt := 1; ; attempt++ {
		// Waiting for our own rate limit is not Neoagent's slowness: the
		// attempt's deadline starts after it.
		if err := waitTurn(ctx, endpoint, limit); err != nil {
			return nil, err
		}
		start := c.now()
		trace.request()
		attemptCtx, cancel := context.WithTimeoutCause(ctx, c.timeout, errTimedOut)
		items, err := once[T](attemptCtx, c, endpoint, payload)
		cancel()
		if err == nil {
			c.log.Debug("request", "endpoint", endpoint, "attempt", attempt, "items", len(items), "took", time.Since(start))
			return items, nil
		}
		var e *Error
		if !errors.As(err, &e) {
			return nil, err // the caller's context ended
		}
		e.Attempts = attempt
		c.log.Debug("request failed", "endpoint", endpoint, "attempt", attempt, "status", e.Status, "code", e.Code, "kind", e.Kind)
		wait := c.wait(attempt, e.RetryAfter)
		if !c.retrying(e, attempt, waited+wait) {
			return nil, e
		}
		waited += wait
		trace.retry(e, wait)
		if err := c.sleep(ctx, wait); err != nil {
			return nil, e
		}
	}
}

// waitTurn waits until limit allows a request; a nil limit always does.
func waitTurn(ctx context.Context, endpoint string, limit Limiter) error {
	if limit == nil {
		return nil
	}
	if err := limit.Wait(ctx); err != nil {
		if ctx.Err() != nil {
			return fmt.Errorf("%s: %w", endpoint, context.Cause(ctx))
		}
		// The wait would outlast the context's deadline.
		return fmt.Errorf("%s: waiting for the rate limit: %w", endpoint, context.DeadlineExceeded)
	}
	return nil
}

// once sends one request and decodes its answer. A server that goes quiet
// for the idle timeout, before or during the body, ends the request: a
// stalled connection must not hang a sync forever. One that trickles is
// ended by the request timeout, in parent.
func once[T any](parent context.Context, c *Client, endpoint string, payload []byte) ([]T, error) {
	ctx, cancel := context.WithCancelCause(parent)
	defer cancel(nil)
	stall := time.AfterFunc(c.idle, func() { cancel(errStalled) })
	defer stall.Stop()
	heard := false // any byte of an answer
	items, err := request[T](ctx, c, endpoint, payload, func() { heard = true; stall.Reset(c.idle) })
	if err == nil {
		return items, nil
	}
	switch context.Cause(ctx) {
	case errStalled:
		if parent.Err() == nil {
			return nil, &Error{Kind: ErrNetwork, Endpoint: endpoint, Err: fmt.Errorf("%w for %v", errStalled, c.idle)}
		}
	case errTimedOut:
		return nil, &Error{Kind: ErrTimeout, Endpoint: endpoint, Err: &timeoutError{after: c.timeout, partial: heard}}
	}
	return nil, err
}

// errTimedOut ends a call that reached the request timeout.
var errTimedOut = errors.New("request timeout")

// errStalled is a server that stopped sending; worth another try.
var errStalled = errors.New("Neoagent stopped sending")

func request[T any](ctx context.Context, c *Client, endpoint string, payload []byte, alive func()) ([]T, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.base+pathPrefix+endpoint, bytes.NewReader(payload))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Authorization", c.key)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", c.userAgent)
	resp, err := c.http.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return nil, fmt.Errorf("%s: %w", endpoint, context.Cause(ctx))
		}
		return nil, &Error{Kind: ErrNetwork, Endpoint: endpoint, Err: netCause(err)}
	}
	defer resp.Body.Close()
	alive()

	if resp.StatusCode != http.StatusOK {
		e := &Error{Kind: kindOf(resp.StatusCode), Endpoint: endpoint, Status: resp.StatusCode,
			RetryAfter: parseRetryAfter(resp.Header.Get("Retry-After"), c.now())}
		raw, _ := io.ReadAll(io.LimitReader(resp.Body, maxErrorBody))
		if env, ok := decodeErrorBody(raw); ok {
			e.Code, e.Message = env.Code, safetext.Line(env.Message)
		} else if len(bytes.TrimSpace(raw)) > 0 {
			e.Excerpt = excerpt(raw)
		}
		return nil, e
	}

	body, isJSON := peekBody(&cappedReader{r: resp.Body, max: c.maxBody, read: alive})
	if !isJSON {
		raw, _ := io.ReadAll(io.LimitReader(body, maxErrorBody))
		return nil, &Error{Kind: ErrDecode, Endpoint: endpoint, Status: resp.StatusCode,
			Excerpt: excerpt(raw), Err: errors.New("the body is not JSON")}
	}
	items, env, err := decode[T](body, c.maxBody)
	switch {
	case errors.Is(err, errTooLarge):
		return nil, &Error{Kind: ErrTooLarge, Endpoint: endpoint, Status: resp.StatusCode, Err: sizeError(c.maxBody)}
	case errors.Is(err, errLongNumber):
		return nil, &Error{Kind: ErrDecode, Endpoint: endpoint, Status: resp.StatusCode, Err: errLongNumber}
	case ctx.Err() != nil:
		return nil, fmt.Errorf("%s: %w", endpoint, context.Cause(ctx))
	case errors.Is(err, io.ErrUnexpectedEOF):
		return nil, &Error{Kind: ErrDecode, Endpoint: endpoint, Status: resp.StatusCode, Err: errTruncated}
	case isConnError(err):
		return nil, &Error{Kind: ErrNetwork, Endpoint: endpoint, Status: resp.StatusCode, Err: netCause(err)}
	case err != nil:
		return nil, &Error{Kind: ErrDecode, Endpoint: endpoint, Status: resp.StatusCode, Err: decodeCause(err)}
	case !env.ok():
		return nil, &Error{Kind: kindOf(env.Code), Endpoint: endpoint, Status: resp.StatusCode,
			Code: env.Code, Message: safetext.Line(env.Message)}
	}
	return items, nil
}

// errTruncated marks a body that ended early: a dropped connection, worth
// another try.
var errTruncated = errors.New("the response was cut short")

type sizeError int64

func (s sizeError) Error() string { return fmt.Sprintf("%d MB", int64(s)>>20) }

// decodeCause keeps a decoder's message short and free of visitor text.
func decodeCause(err error) error {
	var se *jsontext.SyntacticError
	if errors.As(err, &se) {
		return fmt.Errorf("invalid JSON at byte %d", se.ByteOffset)
	}
	var je *json.SemanticError
	if errors.As(err, &je) {
		return fmt.Errorf("unexpected JSON at %s", safetext.Line(string(je.JSONPointer)))
	}
	return errors.New(safetext.Line(err.Error()))
}

// netCause drops the *url.Error wrapper, whose text repeats the URL.
func netCause(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}

// isConnError reports a connection that failed while the body was read.
func isConnError(err error) bool {
	var oe *net.OpError
	return errors.As(err, &oe) || errors.Is(err, syscall.ECONNRESET)
}

// retryable: rate limits, server errors but 501, timeouts, resets and
// truncated bodies — never a request the server understood and refused.
func retryable(e *Error) bool {
	switch e.Kind {
	case ErrRateLimited:
		return true
	case ErrServer:
		return e.Status != http.StatusNotImplemented && e.Code != http.StatusNotImplemented
	case ErrDecode:
		return errors.Is(e.Err, errTruncated)
	case ErrNetwork:
		if errors.Is(e.Err, errStalled) {
			return true
		}
		var ne net.Error
		return errors.As(e.Err, &ne) && ne.Timeout() || isConnError(e.Err) && !errors.Is(e.Err, syscall.ECONNREFUSED) ||
			errors.Is(e.Err, io.EOF) || errors.Is(e.Err, io.ErrUnexpectedEOF)
	}
	return false
}

// retrying decides whether a failed attempt goes again, once all the waits
// so far come to waited: a rate limit as long as they stay within maxTotal,
// however many attempts that takes (the server said when to come back);
// any other retryable failure up to the attempts allowed.
func (c *Client) retrying(e *Error, attempt int, waited time.Duration) bool {
	switch {
	case !retryable(e) || waited > c.maxTotal:
		return false
	case e.Kind == ErrRateLimited:
		return true
	}
	return attempt < c.attempts
}

// wait is the pause before retry n+1: Retry-After when the server gave one,
// else exponential backoff with jitter; never more than maxWait.
func (c *Client) wait(attempt int, retryAfter time.Duration) time.Duration {
	d := retryAfter
	if d <= 0 {
		base := c.backoff << min(attempt-1, 16) // a long 429 must not overflow the shift
		d = base/2 + rand.N(base/2+1)
	}
	return min(d, c.maxWait)
}

// parseRetryAfter reads delay-seconds or an HTTP date.
func parseRetryAfter(v string, now time.Time) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	if secs, err := strconv.Atoi(v); err == nil {
		return max(time.Duration(secs)*time.Second, 0)
	}
	if t, err := http.ParseTime(v); err == nil {
		return max(t.Sub(now), 0)
	}
	return 0
}

func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
