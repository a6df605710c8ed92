package store

import (
	"context"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/neotui/neotui/api"
	"github.com/neotui/neotui/internal/pgtest"
)

// openPostgresTwice opens one fresh PostgreSQL database twice, as two
// servers would.
func openPostgresTwice(t testing.TB) (a, b *Store, url string) {
	t.Helper()
	url = pgtest.Database(t)
	for _, s := range []**Store{&a, &b} {
		st, err := Open(url)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { st.Close() })
		*s = st
	}
	return a, b, url
}

// nextNotice is the next notice on ch. The wait is no measure, only a
// bound on a test that would otherwise hang.
func nextNotice(t testing.TB, ch <-chan Notice) Notice {
	t.Helper()
	select {
	case n, ok := <-ch:
		if !ok {
			t.Fatal("the subscription ended")
		}
		return n
	case <-time.After(10 * time.Second):
		t.Fatal("no notice within 10 s")
	}
	return Notice{}
}

// subscribe subscribes to s's notices, and waits for it to listen.
func subscribe(t testing.TB, s *Store) <-chan Notice {
	t.Helper()
	ch, ok := s.Notices(t.Context())
	if !ok {
		t.Fatal("a PostgreSQL store offers no notices")
	}
	if n := nextNotice(t, ch); n.Kind != NoticeListening {
		t.Fatalf("first notice %+v, want %s", n, NoticeListening)
	}
	return ch
}

// TestNoticesReachAnotherStore: what one store commits, a subscriber of
// another store on the database hears of, with nothing polled: a status,
// a note, a sync; and nothing of a write that changed nothing.
func TestNoticesReachAnotherStore(t *testing.T) {
	a, b, _ := openPostgresTwice(t)
	ctx := context.Background()
	keys := saveTestLeads(t, a, testBot, 2)
	ch := subscribe(t, b)
	ch2 := subscribe(t, b) // a second session of the same server

	if _, err := a.SetStatus(ctx, testBot, keys[0], StatusContacted, -1, actAt, "ana"); err != nil {
		t.Fatal(err)
	}
	for _, ch := range []<-chan Notice{ch, ch2} {
		if n := nextNotice(t, ch); n != (Notice{Kind: NoticeTriage, Bot: testBot}) {
			t.Fatalf("after a status: %+v", n)
		}
	}
	if got := mustTriage(t, b, testBot, keys[0]).Status; got != StatusContacted {
		t.Errorf("b, woken, reads status %s", got)
	}

	// The same status again writes nothing, and says nothing; the note
	// after it is the next notice.
	if _, err := a.SetStatus(ctx, testBot, keys[0], StatusContacted, -1, actAt, "ana"); err != nil {
		t.Fatal(err)
	}
	if _, err := a.AddNote(ctx, testBot, keys[1], "ana", "call back", actAt); err != nil {
		t.Fatal(err)
	}
	if n := nextNotice(t, ch); n != (Notice{Kind: NoticeTriage, Bot: testBot}) {
		t.Fatalf("after a note: %+v", n)
	}
	if _, err := a.SaveLeads(ctx, "bot-b", 0, 0, fetchedAt, []api.Lead{{Name: "new", CreateTime: actAt}}); err != nil {
		t.Fatal(err)
	}
	if n := nextNotice(t, ch); n != (Notice{Kind: NoticeSync, Bot: "bot-b"}) {
		t.Fatalf("after a sync: %+v", n)
	}
	// A bot too long for a notice's payload is named as any bot.
	long := strings.Repeat("b", 9000)
	if _, err := a.SaveLeads(ctx, long, 0, 0, fetchedAt, []api.Lead{{Name: "new", CreateTime: actAt}}); err != nil {
		t.Fatal(err)
	}
	if n := nextNotice(t, ch); n != (Notice{Kind: NoticeSync}) {
		t.Fatalf("after a sync of a long-named bot: %+v", n)
	}
}

// TestNoticesOnlyOnCommit: a write that fails (a conflict) rolls its
// notice back with it.
func TestNoticesOnlyOnCommit(t *testing.T) {
	a, b, _ := openPostgresTwice(t)
	ctx := context.Background()
	keys := saveTestLeads(t, a, testBot, 1)
	ch := subscribe(t, b)
	if _, err := a.SetStatus(ctx, testBot, keys[0], StatusWon, 7, actAt, "ana"); err == nil {
		t.Fatal("a change from a version never read was taken")
	}
	if _, err := a.SetStarred(ctx, testBot, keys[0], true, -1, actAt, "ana"); err != nil {
		t.Fatal(err)
	}
	if _, err := a.SaveLeads(ctx, "bot-b", 0, 0, fetchedAt, []api.Lead{{Name: "new", CreateTime: actAt}}); err != nil {
		t.Fatal(err)
	}
	// Notices come in the order of commits: the refused change's would
	// come first.
	for _, want := range []Notice{{Kind: NoticeTriage, Bot: testBot}, {Kind: NoticeSync, Bot: "bot-b"}} {
		if n := nextNotice(t, ch); n != want {
			t.Fatalf("notice %+v, want %+v", n, want)
		}
	}
	if got := mustTriage(t, b, testBot, keys[0]); got.Status != StatusNew || !got.Starred {
		t.Errorf("triage %+v: want new and starred", got)
	}
}

// TestNoticesSurviveALostConnection: the store's one listening connection,
// whatever its subscribers, killed by the server, comes back by itself,
// says so to each (notices may have been lost), and hears what comes
// after.
func TestNoticesSurviveALostConnection(t *testing.T) {
	a, b, url := openPostgresTwice(t)
	ctx := context.Background()
	keys := saveTestLeads(t, a, testBot, 1)
	ch, ch2 := subscribe(t, b), subscribe(t, b)

	admin, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close(ctx)
	var killed int
	if err := admin.QueryRow(ctx, `
		SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity
		WHERE datname = current_database() AND query = 'LISTEN `+noticeChannel+`'`).Scan(&killed); err != nil {
		t.Fatal(err)
	}
	if killed != 1 { // b's: a has no subscriber, so no listener
		t.Fatalf("%d listening connections killed, want 1", killed)
	}
	for _, ch := range []<-chan Notice{ch, ch2} {
		// Told it is lost (the browser then finds the store unreachable,
		// or not), then that it listens again.
		for _, want := range []NoticeKind{NoticeLost, NoticeListening} {
			if n := nextNotice(t, ch); n.Kind != want {
				t.Fatalf("after the connection was lost: %+v, want %s", n, want)
			}
		}
	}
	if _, err := a.SetStatus(ctx, testBot, keys[0], StatusLost, -1, actAt, "ana"); err != nil {
		t.Fatal(err)
	}
	if n := nextNotice(t, ch); n.Kind != NoticeTriage {
		t.Fatalf("after a status: %+v", n)
	}
}

// TestNoticesAfterSilence: a connection that hears nothing for a while is
// pinged, and stays: the next change is heard on it, no reconnection.
func TestNoticesAfterSilence(t *testing.T) {
	was := listenPing
	t.Cleanup(func() { listenPing = was }) // after the stores close: run last
	listenPing = 10 * time.Millisecond
	a, b, _ := openPostgresTwice(t)
	ctx := context.Background()
	keys := saveTestLeads(t, a, testBot, 1)
	ch := subscribe(t, b)
	time.Sleep(200 * time.Millisecond) // silent: pinged a few times
	if _, err := a.SetStatus(ctx, testBot, keys[0], StatusLost, -1, actAt, "ana"); err != nil {
		t.Fatal(err)
	}
	if n := nextNotice(t, ch); n.Kind != NoticeTriage {
		t.Fatalf("after a silence and a status: %+v, want %s", n, NoticeTriage)
	}
}

// TestNoticesEnd: a subscription ends with its context, and all of them
// with the store.
func TestNoticesEnd(t *testing.T) {
	_, b, _ := openPostgresTwice(t)
	ctx, cancel := context.WithCancel(context.Background())
	ch, _ := b.Notices(ctx)
	other := subscribe(t, b)
	cancel()
	waitClosed(t, ch)
	b.Close()
	waitClosed(t, other)
	if ch, ok := b.Notices(context.Background()); !ok || !isClosed(ch) {
		t.Error("a closed store took a subscription")
	}
}

// waitClosed waits for ch to be closed, passing what notices are left.
func waitClosed(t *testing.T, ch <-chan Notice) {
	t.Helper()
	deadline := time.After(10 * time.Second)
	for {
		select {
		case _, ok := <-ch:
			if !ok {
				return
			}
		case <-deadline:
			t.Fatal("the subscription did not end within 10 s")
		}
	}
}

func isClosed(ch <-chan Notice) bool {
	_, ok := <-ch
	return !ok
}

func TestNoticesNotOnSQLite(t *testing.T) {
	s, err := Open(filepath.Join(t.TempDir(), "neotui.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if ch, ok := s.Notices(t.Context()); ok || ch != nil {
		t.Error("SQLite offers notices: nothing would send them")
	}
}

func TestParseNotice(t *testing.T) {
	for payload, want := range map[string]Notice{
		"triage bot-a":   {Kind: NoticeTriage, Bot: "bot-a"},
		"sync a bot":     {Kind: NoticeSync, Bot: "a bot"},
		"sync ":          {Kind: NoticeSync},
		"listening":      {},
		"listening x":    {},
		"something else": {},
		"":               {},
	} {
		got, ok := parseNotice(payload)
		if got != want || ok != (want != Notice{}) {
			t.Errorf("parseNotice(%q) = %+v, %v; want %+v", payload, got, ok, want)
		}
	}
}

// BenchmarkTriageRoundTrip: a status set through one store, until a
// subscriber of another store on the database is woken and has read it:
// what a teammate on another server waits for.
func BenchmarkTriageRoundTrip(b *testing.B) {
	sa, sb, _ := openPostgresTwice(b)
	ctx := context.Background()
	keys := saveTestLeads(b, sa, testBot, 1)
	ch := subscribe(b, sb)
	var took []time.Duration
	statuses := []Status{StatusContacted, StatusWon}
	for i := 0; b.Loop(); i++ {
		want := statuses[i%2]
		start := time.Now()
		if _, err := sa.SetStatus(ctx, testBot, keys[0], want, -1, actAt, "ana"); err != nil {
			b.Fatal(err)
		}
		for n := nextNotice(b, ch); n.Kind != NoticeTriage; n = nextNotice(b, ch) {
		}
		if got := mustTriage(b, sb, testBot, keys[0]).Status; got != want {
			b.Fatalf("woken, b reads %s, want %s", got, want)
		}
		took = append(took, time.Since(start))
	}
	sort.Slice(took, func(i, j int) bool { return took[i] < took[j] })
	b.ReportMetric(float64(took[len(took)/2].Microseconds())/1000, "ms-median")
	b.ReportMetric(float64(took[len(took)*99/100].Microseconds())/1000, "ms-p99")
}

// TestNoticesOverflowSaysSo: a subscriber that reads none of many
// notices finds, once it reads, that some were dropped (NoticeListening,
// newest): never a full buffer of other notices with the one it wanted
// dropped after them.
func TestNoticesOverflowSaysSo(t *testing.T) {
	a, b, _ := openPostgresTwice(t)
	ctx := context.Background()
	keys := saveTestLeads(t, a, testBot, 1)
	ch := subscribe(t, b)
	statuses := []Status{StatusContacted, StatusQualified}
	for i := range noticeBuffer + 4 {
		if _, err := a.SetStatus(ctx, testBot, keys[0], statuses[i%2], -1, actAt, "ana"); err != nil {
			t.Fatal(err)
		}
	}
	// The last change's notice has arrived when a write after it has.
	if _, err := a.SaveLeads(ctx, "bot-b", 0, 0, fetchedAt, []api.Lead{{Name: "new", CreateTime: actAt}}); err != nil {
		t.Fatal(err)
	}
	// All 21 delivered before anything is read: the buffer fills, and
	// the rest arrive within moments of it.
	for deadline := time.Now().Add(10 * time.Second); len(ch) < noticeBuffer; time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("%d notices waiting after 10 s, want the buffer full", len(ch))
		}
	}
	time.Sleep(300 * time.Millisecond)
	var got []Notice
	for len(ch) > 0 {
		got = append(got, <-ch)
	}
	if len(got) != noticeBuffer || got[len(got)-1].Kind != NoticeListening {
		t.Errorf("after %d changes unread, the notices were %+v: want the buffer's %d, the newest saying some were dropped",
			noticeBuffer+5, got, noticeBuffer)
	}
}
