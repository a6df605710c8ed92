package store

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
)

// Live changes across processes. On PostgreSQL every transaction that moves
// the triage sequence (TriageSeq) or commits synced data also sends a
// NOTIFY, inside the transaction, so it is delivered on commit only. One
// connection per Store LISTENs, and fans each notice out to the Store's
// subscribers (a serve's sessions all share it). SQLite has no such thing:
// there Notices offers nothing, and readers poll.

// noticeChannel is the channel neotui's NOTIFYs go on, database-wide.
const noticeChannel = "neotui_changes"

// NoticeKind says what a Notice is about.
type NoticeKind string

const (
	// NoticeTriage: a triage action, a note, or an undo of either was
	// committed; TriageSeq moved.
	NoticeTriage NoticeKind = "triage"
	// NoticeSync: synced data (a window and its sync marks) was committed;
	// the bot's lists and LastSync may have changed.
	NoticeSync NoticeKind = "sync"
	// NoticeListening: the store (re)started listening, after the first
	// subscription or a dropped connection. Notices may have been missed
	// before it: anything may have changed, re-read all of it.
	NoticeListening NoticeKind = "listening"
	// NoticeLost: the listening connection failed (the server stopped, the
	// network dropped); the store listens again once it can, and says so
	// with NoticeListening. Meanwhile reads and writes may fail too.
	NoticeLost NoticeKind = "lost"
)

// Notice tells a subscriber that something was committed to the store, by
// any process sharing it (this one included).
type Notice struct {
	Kind NoticeKind
	Bot  string // the bot it concerns; "": any (always so for NoticeListening and NoticeLost)
}

// notify sends the notice of kind for bot within tx, to be delivered
// when tx commits. On SQLite it does nothing.
func (s *Store) notify(ctx context.Context, tx *sql.Tx, kind NoticeKind, bot string) error {
	if s.dialect != postgresDialect {
		return nil
	}
	if len(bot) > maxNoticeBot {
		bot = "" // a payload holds 8000 bytes at most
	}
	_, err := tx.ExecContext(ctx, `SELECT pg_notify(?, ?)`, noticeChannel, string(kind)+" "+bot)
	return err
}

// maxNoticeBot is the longest bot a notice names; a notice of a longer one
// names none, which means it may be any.
const maxNoticeBot = 256

// parseNotice reads a NOTIFY's payload; ok is false for one neotui did not
// send.
func parseNotice(payload string) (Notice, bool) {
	kind, bot, ok := strings.Cut(payload, " ")
	switch k := NoticeKind(kind); {
	case !ok:
		return Notice{}, false
	case k == NoticeTriage, k == NoticeSync:
		return Notice{Kind: k, Bot: bot}, true
	}
	return Notice{}, false
}

// noticeBuffer is how many notices wait for a slow subscriber; past that
// the oldest is dropped, never blocking the others, and the newest says
// that some were (NoticeListening: re-read all of it). A subscriber that
// passes over some notices (another bot's sync) would otherwise miss, in a
// full buffer, the one it wanted.
const noticeBuffer = 16

// Notices subscribes to the changes committed to the store by every
// process sharing it, this one included, until ctx ends or the store
// closes; then the channel is closed. The subscription's first notice,
// once the store listens, is NoticeListening, and so is the first after a
// lost connection comes back: re-read everything then. ok is false where the store cannot
// tell (SQLite): poll it instead.
func (s *Store) Notices(ctx context.Context) (_ <-chan Notice, ok bool) {
	if s.listener == nil {
		return nil, false
	}
	return s.listener.subscribe(ctx), true
}

// listener is a Store's one LISTEN connection and its subscribers.
type listener struct {
	cfg *pgx.ConnConfig

	mu        sync.Mutex
	subs      map[chan Notice]struct{}
	started   bool
	listening bool // the connection is up: a new subscriber is told at once
	closed    bool
	cancel    context.CancelFunc
	done      chan struct{}
}

// listenRetry bounds the wait between attempts to listen again: from its
// first value, doubling up to the second.
var listenRetry = [2]time.Duration{100 * time.Millisecond, 5 * time.Second}

func newListener(cfg *pgx.ConnConfig) *listener {
	return &listener{cfg: cfg, subs: make(map[chan Notice]struct{}), done: make(chan struct{})}
}

func (l *listener) subscribe(ctx context.Context) <-chan Notice {
	ch := make(chan Notice, noticeBuffer)
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.closed {
		close(ch)
		return ch
	}
	l.subs[ch] = struct{}{}
	if l.listening {
		ch <- Notice{Kind: NoticeListening}
	}
	if !l.started {
		l.started = true
		run, cancel := context.WithCancel(context.Background())
		l.cancel = cancel
		go l.run(run)
	}
	context.AfterFunc(ctx, func() { l.unsubscribe(ch) })
	return ch
}

func (l *listener) unsubscribe(ch chan Notice) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if _, ok := l.subs[ch]; ok {
		delete(l.subs, ch)
		close(ch)
	}
}

// setListening records whether the connection is up, and tells every
// subscriber when it comes up or goes down.
func (l *listener) setListening(up bool) {
	l.mu.Lock()
	l.listening = up
	l.mu.Unlock()
	if up {
		l.broadcast(Notice{Kind: NoticeListening})
	} else {
		l.broadcast(Notice{Kind: NoticeLost})
	}
}

// broadcast hands n to every subscriber that has room for it.
func (l *listener) broadcast(n Notice) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for ch := range l.subs {
		select {
		case ch <- n:
		default: // full: only this broadcast sends on it, so a slot freed stays free
			select {
			case <-ch:
			default:
			}
			ch <- Notice{Kind: NoticeListening}
		}
	}
}

// close stops listening and closes every subscription.
func (l *listener) close() {
	l.mu.Lock()
	l.closed = true
	for ch := range l.subs {
		close(ch)
	}
	clear(l.subs)
	started := l.started
	l.mu.Unlock()
	if started {
		l.cancel()
		<-l.done
	}
}

// run listens until ctx ends, connecting again, after a wait, whenever the
// connection fails.
func (l *listener) run(ctx context.Context) {
	defer close(l.done)
	wait := listenRetry[0]
	for ctx.Err() == nil {
		conn, err := l.listen(ctx)
		if err != nil {
			select {
			case <-time.After(wait):
			case <-ctx.Done():
			}
			wait = min(2*wait, listenRetry[1])
			continue
		}
		wait = listenRetry[0]
		l.setListening(true)
		l.hear(ctx, conn)
		l.setListening(false)
		closeCtx, cancel := context.WithTimeout(context.Background(), time.Second)
		conn.Close(closeCtx)
		cancel()
	}
}

// listenPing is how long the listening connection may stay silent before
// it is pinged: one that died without a word (a network cut) is found in
// at most this plus pingWait, not when TCP gives up, minutes later.
var listenPing = time.Minute

// pingWait bounds a ping's answer.
const pingWait = 10 * time.Second

// hear passes the notices conn hears on, until ctx ends or conn fails.
func (l *listener) hear(ctx context.Context, conn *pgx.Conn) {
	for ctx.Err() == nil {
		wait, cancel := context.WithTimeout(ctx, listenPing)
		pn, err := conn.WaitForNotification(wait)
		cancel()
		switch {
		case err == nil:
			if n, ok := parseNotice(pn.Payload); ok {
				l.broadcast(n)
			}
		case ctx.Err() == nil && errors.Is(err, context.DeadlineExceeded) && !conn.IsClosed():
			ping, cancel := context.WithTimeout(ctx, pingWait)
			err := conn.Ping(ping)
			cancel()
			if err != nil {
				return
			}
		default:
			return
		}
	}
}

// listen opens the listening connection.
func (l *listener) listen(ctx context.Context) (*pgx.Conn, error) {
	conn, err := pgx.ConnectConfig(ctx, l.cfg)
	if err != nil {
		return nil, err
	}
	if _, err := conn.Exec(ctx, "LISTEN "+noticeChannel); err != nil {
		conn.Close(context.Background())
		return nil, err
	}
	return conn, nil
}
