//go:build !race

package serve

import (
	"testing"
	"time"

	gossh "golang.org/x/crypto/ssh"
)

// TestWindowChangesDoNotHangARefusedSession: a window change that comes
// once a session has started but nothing takes it any more (a command
// refused, a browser gone) must not hang charm.land/ssh's request loop.
//
// Not under the race detector: a window change while the handler starts is
// a data race inside charm.land/ssh v0.4.1 (its request loop writes the
// session's Pty.Window, unlocked, as Session.Pty reads it).
func TestWindowChangesDoNotHangARefusedSession(t *testing.T) {
	ts := startServer(t, Options{})
	c := ts.dial(t, ts.ana)
	for range 3 {
		ch := openRaw(t, c)
		ch.SendRequest("exec", false, gossh.Marshal(struct{ Cmd string }{"ls"}))
		for range 3 {
			ch.SendRequest("window-change", false, gossh.Marshal(windowChange{Cols: 100, Rows: 30}))
		}
		out := make([]byte, 512)
		for {
			if _, err := ch.Read(out); err != nil {
				break
			}
		}
		ch.Close()
	}
	c.Close()
	waitUntil(t, 3*time.Second, "the session request loops ended", func() bool { return stuckSessions() == 0 })
}
