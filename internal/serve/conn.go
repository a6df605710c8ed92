package serve

import (
	"context"
	"net"
	"sync"
	"time"

	"charm.land/log/v2"
	"charm.land/ssh"
	gossh "golang.org/x/crypto/ssh"
)

// maxChannels is how many sessions one connection may hold open at once,
// as OpenSSH's MaxSessions: the session cap counts browsers, and a client
// could otherwise open channels that never ask for one by the thousand.
const maxChannels = 10

// NoForwarding is what a client asking for a forward is told.
const NoForwarding = "neotui serves only the browser: no port forwarding"

// connState is one signed-in connection's session channels: it caps them and
// closes a connection that holds none for a grace period (ssh -N, or a client
// whose sessions all ended), since nothing else can be done with it here.
type connState struct {
	ctx    context.Context // ends when the connection closes
	conn   net.Conn
	grace  time.Duration
	log    *log.Logger
	remote string

	mu     sync.Mutex
	open   int
	timer  *time.Timer
	warned bool // a forward refusal was logged: once per connection
}

func newConnState(ctx context.Context, c net.Conn, grace time.Duration, l *log.Logger) *connState {
	return &connState{ctx: ctx, conn: c, grace: grace, log: l, remote: c.RemoteAddr().String()}
}

// signedIn starts the wait for a first session.
func (cs *connState) signedIn() {
	cs.mu.Lock()
	defer cs.mu.Unlock()
	cs.armLocked()
}

func (cs *connState) armLocked() {
	if cs.open > 0 || cs.ctx.Err() != nil {
		return
	}
	if cs.timer != nil {
		cs.timer.Stop()
	}
	cs.timer = time.AfterFunc(cs.grace, cs.expire)
}

func (cs *connState) expire() {
	cs.mu.Lock()
	open := cs.open
	cs.mu.Unlock()
	if open > 0 || cs.ctx.Err() != nil { // a session came, or the client left
		return
	}
	cs.log.Info("closed: no session", "remote", cs.remote, "after", cs.grace)
	_ = cs.conn.Close()
}

// enter counts a new session channel, or says it is one too many.
func (cs *connState) enter() bool {
	cs.mu.Lock()
	defer cs.mu.Unlock()
	if cs.open >= maxChannels {
		return false
	}
	cs.open++
	if cs.timer != nil {
		cs.timer.Stop()
	}
	return true
}

// leave counts a session channel gone; the last one starts the grace period.
func (cs *connState) leave() {
	cs.mu.Lock()
	defer cs.mu.Unlock()
	cs.open--
	cs.armLocked()
}

// refusedForward logs a forwarding attempt, once per connection.
func (cs *connState) refusedForward(kind string) {
	cs.mu.Lock()
	first := !cs.warned
	cs.warned = true
	cs.mu.Unlock()
	if first {
		cs.log.Info("forwarding refused (further attempts on this connection are not logged)",
			"remote", cs.remote, "kind", logText(kind))
	}
}

func connStateOf(ctx ssh.Context) *connState {
	cs, _ := ctx.Value(keyConnState).(*connState)
	return cs
}

// sessionChannel is charm.land/ssh's session handler, minus the requests it
// would grant that nothing here serves (see filteredChannel), and at most
// maxChannels at once on a connection.
func sessionChannel(srv *ssh.Server, conn *gossh.ServerConn, ch gossh.NewChannel, ctx ssh.Context) {
	if cs := connStateOf(ctx); cs != nil {
		if !cs.enter() {
			_ = ch.Reject(gossh.ResourceShortage, "too many sessions on one connection")
			return
		}
		defer cs.leave()
	}
	ssh.DefaultSessionHandler(srv, conn, filteredChannel{NewChannel: ch}, ctx)
}

// refuseChannel answers every other channel type — direct-tcpip (ssh -L,
// -D), direct-streamlocal, x11 — with a reason the client prints.
func refuseChannel(_ *ssh.Server, _ *gossh.ServerConn, ch gossh.NewChannel, ctx ssh.Context) {
	if cs := connStateOf(ctx); cs != nil {
		cs.refusedForward(ch.ChannelType())
	}
	_ = ch.Reject(gossh.Prohibited, NoForwarding)
}

// refuseForward answers ssh -R: global requests carry no reason, but the
// attempt is logged.
func refuseForward(ctx ssh.Context, _ *ssh.Server, req *gossh.Request) (bool, []byte) {
	if cs := connStateOf(ctx); cs != nil {
		cs.refusedForward(req.Type)
	}
	return false, nil
}
