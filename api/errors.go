package api

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/neotui/neotui/internal/safetext"
)

// Kinds of failure. Every error the client returns wraps exactly one of
// these, so callers decide with errors.Is; *Error carries the details.
var (
	ErrBadRequest    = errors.New("bad request")
	ErrUnauthorized  = errors.New("unauthorized")
	ErrForbidden     = errors.New("forbidden")
	ErrNotFound      = errors.New("chatbot not found")
	ErrRangeTooLarge = errors.New("range too large")
	ErrRateLimited   = errors.New("rate limited")
	ErrServer        = errors.New("server error")
	ErrDecode        = errors.New("unreadable response")
	ErrTooLarge      = errors.New("response too large")
	ErrNetwork       = errors.New("network error")
	ErrTimeout       = errors.New("timed out")
)

// Error is a failed request: which endpoint, what the server said, and at
// which level (HTTP status or the body's Success/Code/Message).
type Error struct {
	Kind       error  // one of the Err… values above
	Endpoint   string // "LeadList" or "ChatContentHistory"
	Status     int    // HTTP status; 0 when no response arrived
	Code       int    // the body's Code, when the body said it
	Message    string // the body's Message, sanitized
	Excerpt    string // for a body that is not JSON: its start, sanitized
	RetryAfter time.Duration
	Attempts   int
	Err        error // the underlying cause, when there is one
}

func (e *Error) Unwrap() []error {
	if e.Err != nil {
		return []error{e.Kind, e.Err}
	}
	return []error{e.Kind}
}

// Error is one sentence: what happened and what to do about it.
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.what())
	if e.Message != "" {
		fmt.Fprintf(&b, ` (Neoagent says: "%s")`, e.Message)
	}
	if e.Excerpt != "" {
		fmt.Fprintf(&b, ` (the body begins: "%s")`, e.Excerpt)
	}
	if e.Attempts > 1 {
		fmt.Fprintf(&b, " after %d attempts", e.Attempts)
	}
	if todo := e.todo(); todo != "" {
		b.WriteString(": ")
		b.WriteString(todo)
	}
	return b.String()
}

func (e *Error) status() string {
	switch {
	case e.Status == http.StatusOK && e.Code != 0:
		return fmt.Sprintf("code %d in an HTTP 200 answer", e.Code)
	case e.Status != 0 && e.Code != 0 && e.Code != e.Status:
		return fmt.Sprintf("HTTP %d, code %d", e.Status, e.Code)
	case e.Status != 0:
		return fmt.Sprintf("HTTP %d", e.Status)
	case e.Code != 0:
		return fmt.Sprintf("code %d", e.Code)
	}
	return ""
}

func (e *Error) what() string {
	st := e.status()
	if st != "" {
		st = " (" + st + ")"
	}
	ep := e.Endpoint
	switch e.Kind {
	case ErrBadRequest:
		return fmt.Sprintf("Neoagent rejected the %s request as invalid%s", ep, st)
	case ErrUnauthorized:
		return "Neoagent rejected the API key" + st
	case ErrForbidden:
		return "the API key may not read this chatbot's data" + st
	case ErrNotFound:
		return "Neoagent does not know this chatbot" + st
	case ErrRangeTooLarge:
		return fmt.Sprintf("the %s date range is too large for Neoagent%s", ep, st)
	case ErrRateLimited:
		return "Neoagent is limiting our request rate" + st
	case ErrServer:
		return fmt.Sprintf("Neoagent had a server error on %s%s", ep, st)
	case ErrDecode:
		if e.Err != nil {
			return fmt.Sprintf("could not read Neoagent's %s response%s: %v", ep, st, e.Err)
		}
		return fmt.Sprintf("could not read Neoagent's %s response%s", ep, st)
	case ErrTooLarge:
		return fmt.Sprintf("Neoagent's %s response is larger than the %s limit", ep, e.Err)
	case ErrNetwork:
		return fmt.Sprintf("could not reach Neoagent (%v)", e.Err)
	case ErrTimeout:
		var t *timeoutError
		if errors.As(e.Err, &t) && t.partial {
			return fmt.Sprintf("Neoagent's %s answer was still arriving after %v", ep, t.after)
		} else if t != nil {
			return fmt.Sprintf("Neoagent sent nothing on %s for %v", ep, t.after)
		}
		return fmt.Sprintf("Neoagent did not answer %s in time", ep)
	}
	return fmt.Sprintf("the %s request failed%s", ep, st)
}

func (e *Error) todo() string {
	switch e.Kind {
	case ErrBadRequest:
		return "check the dates (YYYY-MM-DD) and the chatbot's serial number"
	case ErrUnauthorized:
		return "check NEOAGENT_API_KEY or the key in your config (Neoagent dashboard → Profile Settings → Webhooks API → Token Management)"
	case ErrForbidden:
		return "check the account's plan and permissions in the Neoagent dashboard"
	case ErrNotFound:
		return "check the serial number (NEOAGENT_SERIAL or the bot's serial in your config)"
	case ErrRangeTooLarge:
		return "try a shorter range"
	case ErrRateLimited:
		return "lower rate_limit in the config (history requests per minute), or try again later"
	case ErrServer, ErrNetwork:
		return "try again later"
	case ErrDecode:
		return "try again later; if it persists, Neoagent may have changed its format"
	case ErrTooLarge:
		return "use a shorter range or raise max_response_mb in the config"
	case ErrTimeout:
		return "check your connection, or raise request_timeout in the config"
	}
	return ""
}

// timeoutError is a request that ran out of time: after how long, and
// whether part of an answer had arrived.
type timeoutError struct {
	after   time.Duration
	partial bool
}

func (t *timeoutError) Error() string { return fmt.Sprintf("no full answer within %v", t.after) }

// kindOf maps an HTTP status or a body Code to a kind of failure.
func kindOf(code int) error {
	switch {
	case code == http.StatusBadRequest:
		return ErrBadRequest
	case code == http.StatusUnauthorized:
		return ErrUnauthorized
	case code == http.StatusForbidden:
		return ErrForbidden
	case code == http.StatusNotFound:
		return ErrNotFound
	case code == http.StatusRequestEntityTooLarge:
		return ErrRangeTooLarge
	case code == http.StatusTooManyRequests:
		return ErrRateLimited
	case code >= 500:
		return ErrServer
	}
	return ErrBadRequest
}

// excerpt is the sanitized start of a body that is not JSON — enough to
// recognize a proxy's error page, never enough to flood a terminal.
func excerpt(body []byte) string {
	s := string(body)
	if i := strings.Index(strings.ToLower(s), "<title>"); i >= 0 {
		s = s[i+len("<title>"):]
		if j := strings.Index(strings.ToLower(s), "</title>"); j >= 0 {
			s = s[:j]
		}
	}
	s = strings.Join(strings.Fields(safetext.Line(s)), " ")
	const max = 80
	if len(s) > max {
		cut := max
		for cut > 0 && !utf8RuneStart(s[cut]) {
			cut--
		}
		s = s[:cut] + "…"
	}
	return s
}

func utf8RuneStart(b byte) bool { return b&0xC0 != 0x80 }
