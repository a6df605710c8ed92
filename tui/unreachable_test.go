package tui

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/neotui/neotui/api"
	"github.com/neotui/neotui/internal/pgtest"
	"github.com/neotui/neotui/internal/store"
	"github.com/neotui/neotui/internal/syncer"
)

// TestStoreStoppedAndStartedUnderTheBrowser: PostgreSQL is stopped under a
// running browser, then started again (see checkOutage).
func TestStoreStoppedAndStartedUnderTheBrowser(t *testing.T) {
	pg := pgtest.Private(t)
	checkOutage(t, pg.Database(t), pg.Stop, pg.Start)
}

// TestNetworkToTheStoreCut: the network between the browser and
// PostgreSQL is cut, its connections reset and new ones refused, then
// mended (see checkOutage); and cut silently, every byte held without an
// answer, which the browser finds out when its poll goes unanswered.
func TestNetworkToTheStoreCut(t *testing.T) {
	pg := pgtest.Private(t)
	p := startProxy(t, pg.Socket())
	// A database of each subtest's own, reached over TCP through the proxy.
	through := func(t *testing.T) string {
		u, err := url.Parse(pg.Database(t))
		if err != nil {
			t.Fatal(err)
		}
		u.Host, u.RawQuery = p.ln.Addr().String(), "sslmode=disable"
		return u.String()
	}
	t.Run("reset", func(t *testing.T) {
		checkOutage(t, through(t), func() { p.set(proxyCut) }, func() { p.set(proxyPass) })
	})
	t.Run("silent", func(t *testing.T) {
		checkOutage(t, through(t), func() { p.set(proxyHold) }, func() { p.set(proxyPass) })
	})
}

// checkOutage runs a browser on a PostgreSQL store at url and has cut
// take the store away, then restore bring it back. While it is away, the
// lists keep what they show, the status line says the store is
// unreachable and that neotui retries, and an action is refused saying
// so — at the key, and when the store call itself fails — and none is
// done later. Once the store is back, the browser sees it by itself, the
// status line clears, and the next action is saved.
func checkOutage(t *testing.T, where string, cut, restore func()) {
	st, _ := fillStoreAt(t, where, 60)
	ctx := context.Background()
	// A sync that reads the store, as the real one does first.
	var syncs atomic.Int32
	opts := testOptions(st)
	opts.Sync = func(ctx context.Context, _, _ api.Day, _ func(syncer.Progress)) (syncer.Report, error) {
		syncs.Add(1)
		_, err := st.LastSync(ctx, testSerial)
		return syncer.Report{}, err
	}
	m := New(opts)
	t.Cleanup(m.Close)
	m = settle(t, m, sizeCmd(120, 40), m.Init())
	l, ok := m.leads.selected()
	if !ok {
		t.Fatal("no lead selected")
	}
	before, err := st.Triage(ctx, l.Bot, l.Key)
	if err != nil {
		t.Fatal(err)
	}
	name := leadName(l)
	pollOnce := func(m Model) Model {
		next, cmd := m.Update(pollMsg{})
		return settle(t, next.(Model), cmd)
	}
	onScreen := func(m Model, want ...string) {
		t.Helper()
		s := screen(m)
		for _, w := range want {
			if !strings.Contains(s, w) {
				t.Errorf("the screen lacks %q:\n%s", w, s)
			}
		}
	}

	cut()
	m = pollOnce(m)
	m = awaitModel(t, m, func(m Model) bool { return m.status.down }) // a silent cut: after the poll's timeout
	down := "store unreachable (" + st.Where() + "): retrying — triage is paused"
	onScreen(m, down, name)
	m = settle(t, m, m.reload()) // a refresh while down: the lists stay
	onScreen(m, down, name)

	m = press(t, m, "*")
	onScreen(m, name+": not saved: the store is unreachable — try again when it is back")
	if silentCut(t) {
		// An action or a sync already sent when the network went silent
		// waits for TCP to give up; the poll says the store is gone
		// meanwhile.
	} else {
		convo := fmt.Sprintf("Conversation %d", l.SessionID)
		onScreen(m, convo)
		m = press(t, m, "enter") // opening a lead marks it seen: not now
		onScreen(m, name+": not marked seen: the store is unreachable", convo)
		m = press(t, m, "esc")
		m = press(t, m, "r") // a sync that the store's absence breaks
		if !store.IsUnreachable(m.status.err) {
			t.Errorf("a sync while the store is down: %v", m.status.err)
		}
		onScreen(m, down) // not the sync's error: why it failed
		// An action sent before the poll saw the store go: the store
		// refuses it.
		m.status.down = false
		next, cmd := m.Update(toggleStar(m.sh, l)())
		m = settle(t, next.(Model), cmd)
		onScreen(m, name+": not saved: the store is unreachable")
	}
	if undoCount(m) != 0 {
		t.Error("a refused action can be undone, as if it were done")
	}

	restore()
	back := time.Now()
	m = pollOnce(m)
	for deadline := time.Now().Add(30 * time.Second); !strings.Contains(screen(m), "the store is reachable again"); time.Sleep(200 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("30 s after the store came back, the browser still says:\n%s", screen(m))
		}
		m = pollOnce(m)
	}
	t.Logf("the browser saw the store back %s after it was", time.Since(back).Round(time.Millisecond))
	if !silentCut(t) {
		m = awaitModel(t, m, func(m Model) bool { return !m.status.syncing })
		if syncs.Load() != 3 || m.status.err != nil {
			t.Errorf("the sync the outage broke did not run again once the store was back (%d syncs in all, error %v)", syncs.Load(), m.status.err)
		}
	}
	onScreen(m, "the store is reachable again", name)
	if tr, err := st.Triage(ctx, l.Bot, l.Key); err != nil || tr != before {
		t.Errorf("an action refused while the store was down was done after all: %+v (%v)", tr, err)
	}
	m = press(t, m, "*")
	onScreen(m, name+": starred")
	if tr, err := st.Triage(ctx, l.Bot, l.Key); err != nil || !tr.Starred {
		t.Errorf("the first action after the store came back was not saved: %+v, %v", tr, err)
	}
}

// silentCut reports whether t is the silent cut's subtest.
func silentCut(t *testing.T) bool { return strings.HasSuffix(t.Name(), "/silent") }

// proxy is the network between neotui and PostgreSQL: TCP in front of the
// server's Unix socket, which the test can cut.
type proxy struct {
	ln     net.Listener
	target string
	mu     sync.Mutex
	cond   *sync.Cond
	mode   proxyMode
	conns  map[net.Conn]bool
}

type proxyMode int

const (
	proxyPass proxyMode = iota // bytes flow
	proxyCut                   // connections reset, new ones closed at once
	proxyHold                  // bytes held: no answer, no error
)

func startProxy(t *testing.T, target string) *proxy {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &proxy{ln: ln, target: target, conns: map[net.Conn]bool{}}
	p.cond = sync.NewCond(&p.mu)
	t.Cleanup(func() {
		ln.Close()
		p.set(proxyCut)
	})
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go p.serve(c)
		}
	}()
	return p
}

// set changes the network: cutting it ends every connection through it.
func (p *proxy) set(m proxyMode) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.mode = m
	if m == proxyCut {
		for c := range p.conns {
			if tc, ok := c.(*net.TCPConn); ok {
				tc.SetLinger(0) // a reset, as a router gone sends
			}
			c.Close()
		}
	}
	p.cond.Broadcast()
}

func (p *proxy) serve(c net.Conn) {
	p.mu.Lock()
	if p.mode == proxyCut {
		p.mu.Unlock()
		c.Close()
		return
	}
	p.mu.Unlock()
	up, err := net.Dial("unix", p.target)
	if err != nil {
		c.Close()
		return
	}
	p.mu.Lock()
	p.conns[c], p.conns[up] = true, true
	p.mu.Unlock()
	defer func() {
		p.mu.Lock()
		delete(p.conns, c)
		delete(p.conns, up)
		p.mu.Unlock()
		c.Close()
		up.Close()
	}()
	done := make(chan struct{}, 2)
	go func() { p.pipe(up, c); done <- struct{}{} }()
	go func() { p.pipe(c, up); done <- struct{}{} }()
	<-done
}

// pipe copies from src to dst, holding the bytes while the network holds.
func (p *proxy) pipe(dst io.Writer, src io.Reader) {
	buf := make([]byte, 32<<10)
	for {
		n, err := src.Read(buf)
		if n > 0 {
			p.mu.Lock()
			for p.mode == proxyHold {
				p.cond.Wait()
			}
			cut := p.mode == proxyCut
			p.mu.Unlock()
			if cut {
				return
			}
			if _, err := dst.Write(buf[:n]); err != nil {
				return
			}
		}
		if err != nil {
			return
		}
	}
}

// TestFirstActionAfterABlip: the network to the store blinks (every
// connection reset, then mended at once) between two actions, too fast
// for the poll to see: the connections it broke are replaced, and the next
// action is saved, not refused.
func TestFirstActionAfterABlip(t *testing.T) {
	pg := pgtest.Private(t)
	p := startProxy(t, pg.Socket())
	u, err := url.Parse(pg.Database(t))
	if err != nil {
		t.Fatal(err)
	}
	u.Host, u.RawQuery = p.ln.Addr().String(), "sslmode=disable"
	st, _ := fillStoreAt(t, u.String(), 60)
	m := start(t, st, 120, 40)
	for i := range 3 {
		m = press(t, m, "*") // star, unstar, star: connections in the pool
		p.set(proxyCut)
		p.set(proxyPass)
		m = press(t, m, "*")
		if f := flashText(m); flashErr(m) {
			t.Fatalf("action %d after a blip: %s", i+1, f)
		}
	}
}
