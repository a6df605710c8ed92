package api

import (
	"context"
	"time"
)

// Test hooks: decode without HTTP, and record retry waits instead of
// sleeping through them.
var (
	Decode            = decode[Session]
	DecodeLeads       = decode[Lead]
	ParseRetryAfter   = parseRetryAfter
	ErrTruncatedCause = errTruncated
)

func (c *Client) RecordSleeps() *[]time.Duration {
	var waits []time.Duration
	c.sleep = func(ctx context.Context, d time.Duration) error {
		waits = append(waits, d)
		return ctx.Err()
	}
	return &waits
}

func (e envelope) OK() bool { return e.ok() }
