package serve

import (
	"net"
	"sync"
	"sync/atomic"
	"time"

	"charm.land/log/v2"
	"golang.org/x/time/rate"
)

// Limits bound connections before authentication, where wish has none (its
// rate limiter runs after auth). Excess connections are closed at once,
// before the SSH handshake spends anything on them.
type Limits struct {
	PerAddress int     // unauthenticated connections open at once from one address; default 10
	Rate       float64 // new connections per second from one address, sustained; default 1
	Burst      int     // new connections from one address in a burst; default 10
	MaxPending int     // unauthenticated connections open at once in all; default 512

	idle time.Duration // a connection with no traffic for this long is closed; 0: never
}

func (l Limits) withDefaults() Limits {
	if l.PerAddress <= 0 {
		l.PerAddress = 10
	}
	if l.Rate <= 0 {
		l.Rate = 1
	}
	if l.Burst <= 0 {
		l.Burst = 10
	}
	if l.MaxPending <= 0 {
		l.MaxPending = 512
	}
	return l
}

// limitListener admits a connection only within the limits; an admitted
// connection holds its pending slot until it authenticates or closes.
type limitListener struct {
	net.Listener
	lim Limits
	log *log.Logger
	now func() time.Time

	mu        sync.Mutex
	addrs     map[string]*addrState
	pending   int
	lastSweep time.Time
	conns     map[*pendingConn]struct{} // every admitted connection still open
	closed    bool
	refused   atomic.Int64
}

// addrState is one address's (an IPv4 address, an IPv6 /64) pending
// connections and new-connection rate.
type addrState struct {
	pending int
	newConn *rate.Limiter
	warned  bool // its refusals were logged: once per burst of them
}

func newLimitListener(ln net.Listener, lim Limits, logger *log.Logger) *limitListener {
	return &limitListener{Listener: ln, lim: lim.withDefaults(), log: logger, now: time.Now,
		addrs: make(map[string]*addrState), conns: make(map[*pendingConn]struct{})}
}

// Accept returns the next admitted connection, closing refused ones.
func (l *limitListener) Accept() (net.Conn, error) {
	for {
		c, err := l.Listener.Accept()
		if err != nil {
			return nil, err
		}
		key := addrKey(c.RemoteAddr())
		pc := &pendingConn{Conn: c, l: l, key: key}
		if !l.admit(pc) {
			l.refused.Add(1)
			if tc, ok := c.(*net.TCPConn); ok {
				_ = tc.SetLinger(0) // a reset: no TIME_WAIT kept for a flood
			}
			_ = c.Close()
			continue
		}
		if l.lim.idle > 0 {
			pc.touch()
			pc.idleTimer = time.AfterFunc(l.lim.idle, pc.checkIdle)
		}
		return pc, nil
	}
}

func (l *limitListener) admit(pc *pendingConn) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.closed {
		return false
	}
	key, addr := pc.key, pc.RemoteAddr()
	now := l.now()
	l.sweepLocked(now)
	st := l.addrs[key]
	if st == nil {
		st = &addrState{newConn: rate.NewLimiter(rate.Limit(l.lim.Rate), l.lim.Burst)}
		l.addrs[key] = st
	}
	why := ""
	switch {
	case l.pending >= l.lim.MaxPending:
		why = "too many connections waiting to sign in"
	case st.pending >= l.lim.PerAddress:
		why = "too many connections from this address waiting to sign in"
	case !st.newConn.AllowN(now, 1): // last: only an admitted connection spends a token
		why = "too many new connections from this address"
	}
	if why != "" {
		if !st.warned {
			st.warned = true
			l.log.Warn("refused connection (further ones from this address are not logged)", "remote", addr.String(), "why", why)
		}
		return false
	}
	st.pending++
	st.warned = false
	l.pending++
	l.conns[pc] = struct{}{}
	return true
}

// sweepLocked forgets addresses with nothing pending and a full bucket, so
// the map stays as small as the traffic.
func (l *limitListener) sweepLocked(now time.Time) {
	if now.Sub(l.lastSweep) < 10*time.Second {
		return
	}
	l.lastSweep = now
	for k, st := range l.addrs {
		if st.pending == 0 && st.newConn.TokensAt(now) >= float64(l.lim.Burst) {
			delete(l.addrs, k)
		}
	}
}

func (l *limitListener) release(key string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.pending--
	if st := l.addrs[key]; st != nil {
		st.pending--
	}
}

func (l *limitListener) forget(pc *pendingConn) {
	l.mu.Lock()
	defer l.mu.Unlock()
	delete(l.conns, pc)
}

// closeAll closes the listener and every connection it admitted, signed in
// or not.
func (l *limitListener) closeAll() {
	l.mu.Lock()
	l.closed = true
	conns := make([]*pendingConn, 0, len(l.conns))
	for c := range l.conns {
		conns = append(conns, c)
	}
	l.mu.Unlock()
	_ = l.Listener.Close()
	for _, c := range conns {
		_ = c.Close()
	}
}

// pendingCount is the number of unauthenticated connections held.
func (l *limitListener) pendingCount() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.pending
}

// addrKey groups connections by client: an IPv4 address, or an IPv6 /64
// (one host commonly holds a whole /64).
func addrKey(a net.Addr) string {
	var ip net.IP
	switch a := a.(type) {
	case *net.TCPAddr:
		ip = a.IP
	default:
		host, _, err := net.SplitHostPort(a.String())
		if err != nil {
			return a.String()
		}
		ip = net.ParseIP(host)
	}
	if ip4 := ip.To4(); ip4 != nil {
		return ip4.String()
	}
	if ip == nil {
		return a.String()
	}
	return ip.Mask(net.CIDRMask(64, 128)).String() + "/64"
}

// pendingConn is an admitted connection; authenticated releases its pending
// slot, as does Close. It is closed after Limits.idle without traffic.
type pendingConn struct {
	net.Conn
	l         *limitListener
	key       string
	once      sync.Once
	active    atomic.Int64 // unix nanoseconds of the last read or write
	idleTimer *time.Timer
}

func (c *pendingConn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	if n > 0 {
		c.touch()
	}
	return n, err
}

func (c *pendingConn) Write(p []byte) (int, error) {
	n, err := c.Conn.Write(p)
	if n > 0 {
		c.touch()
	}
	return n, err
}

func (c *pendingConn) touch() { c.active.Store(time.Now().UnixNano()) }

func (c *pendingConn) checkIdle() {
	idle := time.Since(time.Unix(0, c.active.Load()))
	if idle >= c.l.lim.idle {
		_ = c.Close()
		return
	}
	c.idleTimer.Reset(c.l.lim.idle - idle)
}

func (c *pendingConn) authenticated() { c.once.Do(func() { c.l.release(c.key) }) }

func (c *pendingConn) Close() error {
	if c.idleTimer != nil {
		c.idleTimer.Stop()
	}
	c.authenticated()
	c.l.forget(c)
	return c.Conn.Close()
}
