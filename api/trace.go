package api

import (
	"context"
	"time"
)

// Trace hooks into the requests of one call, carried by its context as
// net/http/httptrace carries a ClientTrace: the syncer counts with it every
// request a sync made, retries included, and tells the user why it waits.
// The hooks run on the calling goroutine; any may be nil.
type Trace struct {
	Request func()                               // before each HTTP request, retries included
	Retry   func(err *Error, wait time.Duration) // a request failed and goes again after wait
}

type traceKey struct{}

// WithTrace returns ctx carrying t for the calls made with it.
func WithTrace(ctx context.Context, t *Trace) context.Context {
	return context.WithValue(ctx, traceKey{}, t)
}

// traceOf is ctx's Trace; nil, whose hooks do nothing, when it has none.
func traceOf(ctx context.Context) *Trace {
	t, _ := ctx.Value(traceKey{}).(*Trace)
	return t
}

func (t *Trace) request() {
	if t != nil && t.Request != nil {
		t.Request()
	}
}

func (t *Trace) retry(e *Error, wait time.Duration) {
	if t != nil && t.Retry != nil {
		t.Retry(e, wait)
	}
}
