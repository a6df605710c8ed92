package apitest

import (
	"fmt"
	"io"
	"net/http"
	"time"
)

// Fault is a failure the Fake plays for matching requests, before it looks at
// the key or the body: the way a gateway, a rate limiter or a flaky network
// fails.
type Fault struct {
	Endpoint   string        // LeadList, ChatContentHistory, or "" for either
	Status     int           // e.g. 429, 500, 502, 503, with a JSON error envelope unless HTML
	RetryAfter string        // sent as the Retry-After header if non-empty ("2" or an HTTP date)
	HTML       bool          // the body is a proxy's HTML error page (Status defaults to 502)
	Truncate   bool          // a normal answer whose body is cut off halfway (connection closed early)
	Latency    time.Duration // wait before answering; a cancelled request gets no answer
	Times      int           // how many matching requests it applies to; 0 means 1
}

// Inject queues faults; each request takes the first one that matches its
// endpoint, until its Times are used up.
func (f *Fake) Inject(faults ...Fault) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, ft := range faults {
		ft.Times = max(ft.Times, 1)
		f.faults = append(f.faults, ft)
	}
}

// takeFault consumes one use of the first fault matching endpoint; the zero
// Fault if none does.
func (f *Fake) takeFault(endpoint string) Fault {
	f.mu.Lock()
	defer f.mu.Unlock()
	for i := range f.faults {
		ft := &f.faults[i]
		if ft.Endpoint != "" && ft.Endpoint != endpoint {
			continue
		}
		taken := *ft
		if ft.Times--; ft.Times == 0 {
			f.faults = append(f.faults[:i], f.faults[i+1:]...)
		}
		return taken
	}
	return Fault{}
}

// fault answers a Status or HTML fault.
func (a *answer) fault(ft Fault) {
	status := ft.Status
	if status == 0 {
		status = http.StatusBadGateway
	}
	if ft.RetryAfter != "" {
		a.w.Header().Set("Retry-After", ft.RetryAfter)
	}
	a.truncate = ft.Truncate
	text := fmt.Sprintf("%d %s", status, http.StatusText(status))
	if ft.HTML {
		a.w.Header().Set("Content-Type", "text/html")
		a.send(status, 0, func(w io.Writer) error {
			_, err := fmt.Fprintf(w, "<html>\r\n<head><title>%s</title></head>\r\n<body>\r\n<center><h1>%s</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n", text, text)
			return err
		})
		return
	}
	msg := http.StatusText(status)
	if status == http.StatusTooManyRequests {
		msg = "too many requests: at most 10 per minute, retry later"
	}
	a.routeError(status, msg)
}
