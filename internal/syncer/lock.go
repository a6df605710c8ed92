package syncer

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/neotui/neotui/internal/safetext"
	"github.com/neotui/neotui/internal/store"
)

// The bot's sync lease in the store: how long one outlives a neotui killed
// mid-sync, and how often a sync waiting for it looks again.
const (
	leaseTTL  = 30 * time.Second
	leasePoll = 250 * time.Millisecond
)

// Waiting is the notice of a sync waiting for another to finish.
const Waiting = "another neotui is syncing this bot; waiting for it to finish"

// waitingFor is Waiting with how far the other sync says it is: text any
// neotui on a shared store may have written, made safe for a terminal.
func waitingFor(progress string) string {
	if progress = safetext.Line(progress); progress == "" {
		return Waiting
	}
	return "another neotui is syncing this bot (" + progress + "); waiting for it to finish"
}

// lock takes the bot's sync lease, waiting while another sync holds it, in
// this process or another: two syncs of one bot would fetch the same
// windows. joined is when the earliest sync it waited for began — what
// that stored is as fresh as what this one would fetch — or zero if it
// waited for none. unlock releases the lease; the lease is renewed until then.
//
// The sync runs in the returned context, which ends, with the cause
// store.ErrLeaseLost, if the lease is found lost while it runs. owner is
// the lease's holder, this sync. While it waits, it tells how far the
// other sync says it is, as that changes.
func (s *Syncer) lock(ctx context.Context) (held context.Context, unlock func(), joined time.Time, owner string, err error) {
	owner = fmt.Sprintf("%d-%s", os.Getpid(), rand.Text()[:8])
	told := ""
	for {
		ok, since, err := s.Store.TakeSync(ctx, s.Serial, owner, s.now(), leaseTTL)
		if err != nil {
			return nil, nil, time.Time{}, "", err
		}
		if ok {
			held, lost := context.WithCancelCause(ctx)
			release := s.renew(owner, lost)
			return held, func() { release(); lost(nil) }, joined, owner, nil
		}
		if s.OnProgress != nil {
			// Its progress unread is no reason to stop waiting.
			progress, _ := s.Store.SyncProgress(ctx, s.Serial)
			if notice := waitingFor(progress); notice != told {
				s.OnProgress(Progress{Notice: notice})
				told = notice
			}
		}
		if joined.IsZero() || since.Before(joined) {
			joined = since
		}
		select {
		case <-time.After(leasePoll):
		case <-ctx.Done():
			return nil, nil, time.Time{}, "", ctx.Err()
		}
	}
}

// renew keeps owner's lease alive until the returned func releases it. A
// failed renewal is tried again at the next tick, but a lease found lost
// ends the sync through lost; a failed release leaves a lease that lapses
// within leaseTTL.
func (s *Syncer) renew(owner string, lost context.CancelCauseFunc) (release func()) {
	stop, stopped := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(stopped)
		t := time.NewTicker(leaseTTL / 3)
		defer t.Stop()
		for {
			select {
			case <-stop:
				return
			case <-t.C:
				if err := s.Store.RenewSync(context.Background(), s.Serial, owner, s.now(), leaseTTL); errors.Is(err, store.ErrLeaseLost) {
					lost(err)
				}
			}
		}
	}()
	return func() {
		close(stop)
		<-stopped
		_ = s.Store.ReleaseSync(context.Background(), s.Serial, owner)
	}
}
