package store

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"testing"
	"time"

	"github.com/neotui/neotui/api"
)

// crashChildEnv, set to a store path, turns the test binary into a process
// that saves windows into that store until it is killed (see TestMain).
const crashChildEnv = "NEOTUI_STORE_CRASH_CHILD"

const (
	crashBot          = "crash-bot"
	crashFirstDay     = api.Day(19000)
	crashWindowDays   = 7
	crashSessions     = 40 // per window
	crashMessagesEach = 5
)

// crashWindow is window w of the crash test: its days and its sessions.
func crashWindow(w int) (from, to api.Day, sessions []api.Session) {
	from = crashFirstDay + api.Day(w*crashWindowDays)
	for i := range crashSessions {
		s := api.Session{
			SessionID:  int64(w*1000 + i),
			CreateTime: from.Time().Add(time.Duration(i) * time.Hour),
			URI:        "https://example.com/crash",
		}
		for j := range crashMessagesEach {
			s.Messages = append(s.Messages, api.Message{Type: api.RoleUser, Content: fmt.Sprintf("window %d session %d message %d", w, i, j)})
		}
		sessions = append(sessions, s)
	}
	return from, from + crashWindowDays - 1, sessions
}

// crashChild saves window after window into the store at path, forever.
func crashChild(path string) {
	s, err := Open(path)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	for w := 0; ; w++ {
		from, to, sessions := crashWindow(w)
		if _, err := s.SaveHistory(context.Background(), crashBot, from, to, time.Now(), sessions); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		if w == 0 {
			fmt.Println("saving") // the parent's clock starts now
		}
	}
}

func TestCrashMidSync(t *testing.T) {
	path := newStoreAt(t)
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), crashChildEnv+"="+path)
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	if _, err := bufio.NewReader(out).ReadString('\n'); err != nil {
		cmd.Process.Kill()
		cmd.Wait()
		t.Fatalf("the saving process did not start: %v", err)
	}
	time.Sleep(300 * time.Millisecond)
	if err := cmd.Process.Kill(); err != nil { // SIGKILL: no chance to clean up
		t.Fatal(err)
	}
	cmd.Wait()

	s, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	checkIntegrity(t, s)

	ctx := context.Background()
	windows := 0
	for w := 0; ; w++ {
		from, to, want := crashWindow(w)
		marks, err := s.Marks(ctx, crashBot, EndpointHistory, from, to)
		if err != nil {
			t.Fatal(err)
		}
		sums, err := s.Sessions(ctx, SessionQuery{Bot: crashBot, From: from, To: to})
		if err != nil {
			t.Fatal(err)
		}
		if len(marks) == 0 && len(sums) == 0 {
			break
		}
		windows++
		if len(marks) != crashWindowDays || len(sums) != len(want) {
			t.Fatalf("window %d is half saved: %d of %d marks, %d of %d sessions",
				w, len(marks), crashWindowDays, len(sums), len(want))
		}
		for _, ss := range sums {
			if ss.MessageCount != crashMessagesEach {
				t.Fatalf("window %d, session %d: %d messages", w, ss.SessionID, ss.MessageCount)
			}
		}
	}
	var stored int
	s.db.QueryRow(`SELECT count(*) FROM sessions WHERE bot = ?`, crashBot).Scan(&stored)
	if stored != windows*crashSessions {
		t.Errorf("%d sessions stored beyond the %d whole windows", stored-windows*crashSessions, windows)
	}
	var messages int
	s.db.QueryRow(`SELECT count(*) FROM messages WHERE bot = ?`, crashBot).Scan(&messages)
	if messages != stored*crashMessagesEach {
		t.Errorf("%d messages for %d sessions", messages, stored)
	}
	t.Logf("%d whole windows survived the kill", windows)
}
