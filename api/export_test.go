package api

import (
	"context"
	"io"
	"time"
)

// Test hooks: decode without HTTP, and record retry waits instead of
// sleeping through them.
var (
	Decode            = func(r io.Reader) ([]Session, envelope, error) { return decode[Session](r, DefaultMaxResponseBytes) }
	DecodeLeads       = func(r io.Reader) ([]Lead, envelope, error) { return decode[Lead](r, DefaultMaxResponseBytes) }
	ParseRetryAfter   = parseRetryAfter
	ErrTruncatedCause = errTruncated
	LimitTokens       = func(r io.Reader) io.Reader { return newTokenLimiter(r) }
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
