package store

import (
	"context"
	"database/sql"
	"errors"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/neotui/neotui/api"
)

// actAt is when the operators of these tests act.
var actAt = time.Date(2024, 3, 1, 9, 30, 0, 0, time.UTC)

// saveTestLeads stores n leads of bot, one an hour from fetchedAt, and
// returns their keys, oldest first.
func saveTestLeads(t testing.TB, s *Store, bot string, n int) []string {
	t.Helper()
	var leads []api.Lead
	var keys []string
	for i := range n {
		l := api.Lead{Type: api.TypeLead, Name: "visitor", CreateTime: fetchedAt.Add(time.Duration(i) * time.Hour),
			SessionID: int64(100 + i)}
		leads = append(leads, l)
		keys = append(keys, LeadKey(bot, l))
	}
	if _, err := s.SaveLeads(context.Background(), bot, 0, 0, fetchedAt, leads); err != nil {
		t.Fatal(err)
	}
	return keys
}

func triageSeq(t testing.TB, s *Store) int64 {
	t.Helper()
	seq, err := s.TriageSeq(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return seq
}

func mustTriage(t testing.TB, s *Store, bot, key string) Triage {
	t.Helper()
	tr, err := s.Triage(context.Background(), bot, key)
	if err != nil {
		t.Fatal(err)
	}
	return tr
}

func TestParseStatus(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want Status
	}{
		{"new", StatusNew}, {"Contacted", StatusContacted}, {" QUALIFIED ", StatusQualified},
		{"booked", StatusBooked}, {"won", StatusWon}, {"lost", StatusLost}, {"Spam", StatusSpam},
	} {
		if got, err := ParseStatus(tc.in); err != nil || got != tc.want {
			t.Errorf("ParseStatus(%q) = %q, %v; want %q", tc.in, got, err, tc.want)
		}
	}
	for _, bad := range []string{"", "done", "news"} {
		_, err := ParseStatus(bad)
		if err == nil || !strings.Contains(err.Error(), "new, contacted, qualified, booked, won, lost, spam") {
			t.Errorf("ParseStatus(%q): err = %v, want one listing the statuses", bad, err)
		}
	}
	if len(Statuses) != 7 || Statuses[0] != StatusNew || Statuses[6] != StatusSpam {
		t.Errorf("Statuses = %v", Statuses)
	}
}

func TestStatusNamesParseBackInOrder(t *testing.T) {
	names := StatusNames()
	if got := strings.Join(names, " "); got != "new contacted qualified booked won lost spam" {
		t.Errorf("StatusNames() = %q", got)
	}
	for i, name := range names {
		if st, err := ParseStatus(name); err != nil || st != Statuses[i] {
			t.Errorf("ParseStatus(%q) = %q, %v; want %q", name, st, err, Statuses[i])
		}
	}
}

func TestSnoozed(t *testing.T) {
	until := actAt.Add(time.Hour)
	tr := Triage{SnoozedUntil: until}
	if !tr.Snoozed(actAt) || tr.Snoozed(until) || tr.Snoozed(until.Add(time.Second)) || (Triage{}).Snoozed(actAt) {
		t.Error("Snoozed should hold strictly before SnoozedUntil, and never for a zero time")
	}
}

func TestTriageActions(t *testing.T) {
	s := openStore(t)
	ctx := context.Background()
	key := saveTestLeads(t, s, testBot, 1)[0]
	if got := mustTriage(t, s, testBot, key); got != (Triage{Status: StatusNew}) {
		t.Fatalf("a lead never touched reads as %+v", got)
	}

	at := func(i int) time.Time {
		return actAt.Add(time.Duration(i) * time.Minute).In(time.FixedZone("CET", 3600))
	}
	utc := func(i int) time.Time { return actAt.Add(time.Duration(i) * time.Minute) }
	until := time.Date(2024, 3, 2, 9, 0, 0, 0, time.UTC)
	steps := []struct {
		name, by string
		act      func(expect int64, at time.Time, by string) (Change, error)
		want     Triage // without UpdatedAt, UpdatedBy, Version
	}{
		{"seen", "ana", func(v int64, at time.Time, by string) (Change, error) {
			return s.SetSeen(ctx, testBot, key, true, v, at, by)
		}, Triage{Status: StatusNew, SeenAt: utc(1)}},
		{"status", "ana", func(v int64, at time.Time, by string) (Change, error) {
			return s.SetStatus(ctx, testBot, key, StatusContacted, v, at, by)
		}, Triage{Status: StatusContacted, SeenAt: utc(1)}},
		{"star", "bo", func(v int64, at time.Time, by string) (Change, error) {
			return s.SetStarred(ctx, testBot, key, true, v, at, by)
		}, Triage{Status: StatusContacted, Starred: true, SeenAt: utc(1)}},
		{"snooze", "bo", func(v int64, at time.Time, by string) (Change, error) {
			return s.Snooze(ctx, testBot, key, until, v, at, by)
		}, Triage{Status: StatusContacted, Starred: true, SnoozedUntil: until, SeenAt: utc(1)}},
		{"wake", "bo", func(v int64, at time.Time, by string) (Change, error) {
			return s.Snooze(ctx, testBot, key, time.Time{}, v, at, by)
		}, Triage{Status: StatusContacted, Starred: true, SeenAt: utc(1)}},
		{"unstar", "ana", func(v int64, at time.Time, by string) (Change, error) {
			return s.SetStarred(ctx, testBot, key, false, v, at, by)
		}, Triage{Status: StatusContacted, SeenAt: utc(1)}},
		{"unseen", "ana", func(v int64, at time.Time, by string) (Change, error) {
			return s.SetSeen(ctx, testBot, key, false, v, at, by)
		}, Triage{Status: StatusContacted}},
		{"status new again", "ana", func(v int64, at time.Time, by string) (Change, error) {
			return s.SetStatus(ctx, testBot, key, "", v, at, by)
		}, Triage{Status: StatusNew}},
	}
	before := mustTriage(t, s, testBot, key)
	for i, st := range steps {
		seq := triageSeq(t, s)
		c, err := st.act(before.Version, at(i+1), st.by)
		if err != nil {
			t.Fatalf("%s: %v", st.name, err)
		}
		want := st.want
		want.Version, want.UpdatedAt, want.UpdatedBy = int64(i+1), utc(i+1), st.by
		if st.name == "seen" || st.name == "unseen" {
			// Being opened is no decision: the last change stays the one before.
			want.UpdatedAt, want.UpdatedBy = before.UpdatedAt, before.UpdatedBy
		}
		if c.Bot != testBot || c.Key != key || c.Before != before || c.After != want || !c.Changed() {
			t.Errorf("%s: change = %+v\nwant before %+v\n      after %+v", st.name, c, before, want)
		}
		if got := mustTriage(t, s, testBot, key); got != c.After {
			t.Errorf("%s: stored %+v, want %+v", st.name, got, c.After)
		}
		if got := triageSeq(t, s); got != seq+1 {
			t.Errorf("%s: TriageSeq went from %d to %d", st.name, seq, got)
		}
		before = c.After
	}

	// Doing again what is done writes nothing: no version, no log entry.
	if _, err := s.SetSeen(ctx, testBot, key, true, -1, at(20), "ana"); err != nil {
		t.Fatal(err)
	}
	seen := mustTriage(t, s, testBot, key)
	seq := triageSeq(t, s)
	c, err := s.SetSeen(ctx, testBot, key, true, -1, at(21), "bo")
	if err != nil || c.Changed() || c.Before != seen || c.After != seen {
		t.Errorf("marking a seen lead seen again: %+v, %v; want no change", c, err)
	}
	if !seen.SeenAt.Equal(at(20)) || triageSeq(t, s) != seq {
		t.Errorf("the first SeenAt should stay (%v) and nothing be logged", seen.SeenAt)
	}
}

func TestTriageRefusals(t *testing.T) {
	s := openStore(t)
	ctx := context.Background()
	key := saveTestLeads(t, s, testBot, 1)[0]
	for _, tc := range []struct {
		name string
		err  func() error
		is   error
	}{
		{"unknown lead", func() error { _, err := s.SetStarred(ctx, testBot, "nope", true, -1, actAt, "ana"); return err }, ErrNotFound},
		{"other bot's lead", func() error { _, err := s.SetStarred(ctx, "bot-b", key, true, -1, actAt, "ana"); return err }, ErrNotFound},
		{"unknown lead's triage", func() error { _, err := s.Triage(ctx, testBot, "nope"); return err }, ErrNotFound},
		{"no bot", func() error { _, err := s.SetStarred(ctx, "", key, true, -1, actAt, "ana"); return err }, nil},
		{"no time", func() error { _, err := s.SetStarred(ctx, testBot, key, true, -1, time.Time{}, "ana"); return err }, nil},
		{"no author", func() error { _, err := s.SetStarred(ctx, testBot, key, true, -1, actAt, ""); return err }, nil},
		{"escape in author", func() error { _, err := s.SetStarred(ctx, testBot, key, true, -1, actAt, "ana\x1b[2J"); return err }, nil},
		{"newline in author", func() error { _, err := s.SetStarred(ctx, testBot, key, true, -1, actAt, "ana\nroot"); return err }, nil},
		{"C1 in author", func() error { _, err := s.SetStarred(ctx, testBot, key, true, -1, actAt, "ana\u009b"); return err }, nil},
		{"bidi in author", func() error { _, err := s.SetStarred(ctx, testBot, key, true, -1, actAt, "ana\u202e"); return err }, nil},
		{"bad UTF-8 author", func() error { _, err := s.SetStarred(ctx, testBot, key, true, -1, actAt, "ana\xff"); return err }, nil},
		{"long author", func() error {
			_, err := s.SetStarred(ctx, testBot, key, true, -1, actAt, strings.Repeat("a", nameMax+1))
			return err
		}, nil},
		{"unknown status", func() error { _, err := s.SetStatus(ctx, testBot, key, "done", -1, actAt, "ana"); return err }, nil},
		{"status in capitals", func() error { _, err := s.SetStatus(ctx, testBot, key, "Won", -1, actAt, "ana"); return err }, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.err()
			if err == nil || tc.is != nil && !errors.Is(err, tc.is) {
				t.Fatalf("err = %v, want a refusal (%v)", err, tc.is)
			}
			if strings.ContainsAny(err.Error(), "\x1b\n\u009b\u202e") {
				t.Errorf("the error %q carries the control character", err)
			}
		})
	}
	if got := mustTriage(t, s, testBot, key); got.Version != 0 || triageSeq(t, s) != 0 {
		t.Errorf("a refused action changed the lead: %+v", got)
	}
	// Names may be any printable text.
	if _, err := s.SetStarred(ctx, testBot, key, true, -1, actAt, "José 山田 🙂"); err != nil {
		t.Error(err)
	}
}

// openTwice opens the same store file twice, as two processes would.
func openTwice(t *testing.T) (a, b *Store) {
	path := newStoreAt(t)
	var err error
	if a, err = Open(path); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close() })
	if b, err = Open(path); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { b.Close() })
	return a, b
}

func TestTriageConflict(t *testing.T) {
	a, b := openTwice(t)
	ctx := context.Background()
	key := saveTestLeads(t, a, testBot, 1)[0]
	for i, st := range []Status{StatusContacted, StatusQualified, StatusBooked} {
		if _, err := a.SetStatus(ctx, testBot, key, st, int64(i), actAt, "ana"); err != nil {
			t.Fatal(err)
		}
	}
	read := mustTriage(t, a, testBot, key) // A shows version 3
	if read.Version != 3 {
		t.Fatalf("version %d after three changes", read.Version)
	}
	bAt := actAt.Add(time.Minute)
	changed, err := b.SetStarred(ctx, testBot, key, true, 3, bAt, "bo")
	if err != nil {
		t.Fatal(err)
	}
	seq := triageSeq(t, a)

	// A changes the star B just changed: refused, naming B and the field.
	_, err = a.SetStarred(ctx, testBot, key, false, 3, actAt.Add(2*time.Minute), "ana")
	var ce *ConflictError
	if !errors.Is(err, ErrConflict) || !errors.As(err, &ce) {
		t.Fatalf("unstar: err = %v, want ErrConflict", err)
	}
	if msg := err.Error(); !strings.Contains(msg, "bo changed its star at 2024-03-01T09:31:00Z") || !strings.Contains(msg, "reload") {
		t.Errorf("error %q should name bo, the star, when, and what to do", msg)
	}
	if ce.Read != 3 || ce.Current != changed.After || ce.By != "bo" || !ce.At.Equal(bAt) {
		t.Errorf("conflict %+v, want the current state %+v by bo", ce, changed.After)
	}
	if got := mustTriage(t, a, testBot, key); got != changed.After || triageSeq(t, a) != seq {
		t.Errorf("a refused action changed the lead: %+v, want %+v", got, changed.After)
	}
	// Doing what B just did is no conflict, and writes nothing.
	if c, err := a.SetStarred(ctx, testBot, key, true, 3, actAt, "ana"); err != nil || c.Changed() || triageSeq(t, a) != seq {
		t.Errorf("star as B did: %+v, %v; want a no-op", c, err)
	}
	// A field B did not touch: A's change goes in on top of B's.
	won, err := a.SetStatus(ctx, testBot, key, StatusWon, 3, actAt.Add(2*time.Minute), "ana")
	if err != nil || won.After.Status != StatusWon || !won.After.Starred || won.After.Version != 5 {
		t.Fatalf("status beside bo's star: %+v, %v", won.After, err)
	}
	// B, still at version 4, sets the status A just set otherwise: refused.
	if _, err := b.SetStatus(ctx, testBot, key, StatusLost, 4, actAt.Add(3*time.Minute), "bo"); !errors.Is(err, ErrConflict) ||
		!strings.Contains(err.Error(), "ana changed its status") {
		t.Errorf("bo's status after ana's: err = %v, want a conflict naming ana's status", err)
	}
	// Every clashing change is named by its version, newest first; the
	// star (4) does not clash with a status.
	if _, err := b.SetStatus(ctx, testBot, key, StatusLost, 1, actAt, "bo"); !errors.As(err, &ce) || len(ce.Clashes) != 3 ||
		ce.Clashes[0].Version != 5 || ce.Clashes[1].Version != 3 || ce.Clashes[2].Version != 2 ||
		ce.Clashes[0].By != "ana" || ce.Clashes[0].Field != "status" {
		t.Errorf("status over versions 2..5: %v, clashes %+v; want 5, 3, 2, the newest ana's status", err, ce.Clashes)
	}

	// Opening the lead (seen) does not stand in anyone's way.
	if _, err := b.SetSeen(ctx, testBot, key, true, -1, actAt.Add(3*time.Minute), "bo"); err != nil {
		t.Fatal(err)
	}
	if c, err := a.Snooze(ctx, testBot, key, bAt.Add(time.Hour), 5, actAt.Add(4*time.Minute), "ana"); err != nil || !c.Changed() {
		t.Errorf("snooze after bo opened the lead: %+v, %v", c, err)
	}

	// When the log no longer holds the changes in between, refuse.
	v := mustTriage(t, a, testBot, key).Version
	if _, err := a.db.Exec(`DELETE FROM triage_log`); err != nil {
		t.Fatal(err)
	}
	if _, err := a.SetStatus(ctx, testBot, key, StatusBooked, v-1, actAt, "ana"); !errors.As(err, &ce) || len(ce.Clashes) != 0 {
		t.Errorf("with the log pruned: err = %v, want ErrConflict naming no versions", err)
	}

	// Marking seen on open applies regardless.
	c, err := a.SetSeen(ctx, testBot, key, false, -1, actAt.Add(3*time.Minute), "ana")
	if err != nil || c.After.Version != v+1 || !c.After.SeenAt.IsZero() || !c.After.Starred {
		t.Errorf("expect -1: %+v, %v", c.After, err)
	}
}

// TestTriageRace: writers that all read the same version, in processes of
// their own, cannot both win.
func TestTriageRace(t *testing.T) {
	path := newStoreAt(t)
	const writers = 6
	stores := make([]*Store, writers)
	for i := range stores {
		s, err := Open(path)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		stores[i] = s
	}
	key := saveTestLeads(t, stores[0], testBot, 1)[0]
	ctx := context.Background()
	for round := range 5 {
		v := mustTriage(t, stores[0], testBot, key).Version
		var wg sync.WaitGroup
		errs := make([]error, writers)
		for i, s := range stores {
			wg.Go(func() {
				// Every writer changes something: a no-op would succeed beside the winner.
				until := actAt.Add(time.Duration(round*writers+i+1) * time.Minute)
				_, errs[i] = s.Snooze(ctx, testBot, key, until, v, actAt, "op")
			})
		}
		wg.Wait()
		won := 0
		for _, err := range errs {
			switch {
			case err == nil:
				won++
			case !errors.Is(err, ErrConflict):
				t.Fatal(err)
			}
		}
		if got := mustTriage(t, stores[0], testBot, key).Version; won != 1 || got != v+1 {
			t.Fatalf("round %d: %d writers won, version %d→%d; want exactly one", round, won, v, got)
		}
	}
}

func TestUndo(t *testing.T) {
	a, b := openTwice(t)
	ctx := context.Background()
	key := saveTestLeads(t, a, testBot, 1)[0]
	seen, err := a.SetSeen(ctx, testBot, key, true, 0, actAt, "ana")
	if err != nil {
		t.Fatal(err)
	}
	snoozed, err := a.Snooze(ctx, testBot, key, actAt.Add(24*time.Hour), 1, actAt, "ana")
	if err != nil {
		t.Fatal(err)
	}
	won, err := a.SetStatus(ctx, testBot, key, StatusWon, 2, actAt, "ana")
	if err != nil {
		t.Fatal(err)
	}

	later := actAt.Add(time.Hour)
	undid, err := a.Undo(ctx, won, later, "ana")
	if err != nil {
		t.Fatal(err)
	}
	got := undid.After
	want := snoozed.After
	want.Version, want.UpdatedAt = 4, later
	if got != want || mustTriage(t, a, testBot, key) != want {
		t.Errorf("undo of the status = %+v, want %+v", got, want)
	}
	// Undoing twice: the status is back already, nothing to do.
	if again, err := a.Undo(ctx, won, later, "ana"); err != nil || again.After != got || again.Changed() {
		t.Errorf("a second undo = %+v, %v; want nothing changed", again, err)
	}

	// Someone else changed the field since: the undo is refused and changes nothing.
	resnoozed, err := b.Snooze(ctx, testBot, key, actAt.Add(48*time.Hour), 4, later, "bo")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.Undo(ctx, snoozed, later, "ana"); !errors.Is(err, ErrConflict) || !strings.Contains(err.Error(), "bo") {
		t.Errorf("undo after bo's change: err = %v, want ErrConflict naming bo", err)
	}
	if got := mustTriage(t, a, testBot, key); got != resnoozed.After {
		t.Errorf("a refused undo changed the lead: %+v", got)
	}
	// Someone else changed another field: the undo puts back only its own.
	starred, err := b.SetStarred(ctx, testBot, key, true, 5, later, "bo")
	if err != nil {
		t.Fatal(err)
	}
	unsnooze, err := b.Snooze(ctx, testBot, key, time.Time{}, 6, later, "bo")
	if err != nil {
		t.Fatal(err)
	}
	starredToo, err := a.SetStatus(ctx, testBot, key, StatusLost, 5, later, "ana")
	if err != nil || !starredToo.After.Starred {
		t.Fatalf("status beside bo's star: %+v, %v", starredToo.After, err)
	}
	backc, err := b.Undo(ctx, unsnooze, later, "bo")
	back := backc.After
	if err != nil || back.Status != StatusLost || !back.SnoozedUntil.Equal(resnoozed.After.SnoozedUntil) {
		t.Errorf("bo's undo of the wake-up = %+v, %v; want ana's status kept and the snooze back", back, err)
	}
	// Undo of the star: only the star goes back.
	unstarc, err := a.Undo(ctx, starred, later, "ana")
	unstar := unstarc.After
	if err != nil || unstar.Starred || unstar.Status != StatusLost || unstar.SnoozedUntil.IsZero() {
		t.Fatalf("undo of bo's star = %+v, %v; want unstarred, the rest kept", unstar, err)
	}
	c, _ := a.Snooze(ctx, testBot, key, time.Time{}, unstar.Version, later, "ana")
	c2, _ := a.SetSeen(ctx, testBot, key, false, c.After.Version, later, "ana")
	undonec, err := a.Undo(ctx, c2, later, "ana")
	undone := undonec.After
	if err != nil || undone.SeenAt != seen.After.SeenAt || undone.Version != c2.After.Version+1 {
		t.Errorf("undo of unseen = %+v, %v; want seen again at %v", undone, err, seen.After.SeenAt)
	}

	// A change that changed nothing undoes to nothing.
	noop, _ := a.SetSeen(ctx, testBot, key, true, -1, later, "ana")
	seq := triageSeq(t, a)
	if got, err := a.Undo(ctx, noop, later, "ana"); err != nil || got.After != undone || got.Changed() || triageSeq(t, a) != seq {
		t.Errorf("undo of a no-op = %+v, %v; want nothing changed", got, err)
	}
}

func TestTriageSurvivesResync(t *testing.T) {
	s := openStore(t)
	ctx := context.Background()
	lead := sampleLeads(t)[1]
	day := api.DayOf(lead.CreateTime)
	if _, err := s.SaveLeads(ctx, testBot, day, day, fetchedAt, []api.Lead{lead}); err != nil {
		t.Fatal(err)
	}
	key := LeadKey(testBot, lead)
	for _, act := range []func(v int64) (Change, error){
		func(v int64) (Change, error) { return s.SetSeen(ctx, testBot, key, true, v, actAt, "ana") },
		func(v int64) (Change, error) { return s.SetStatus(ctx, testBot, key, StatusBooked, v, actAt, "ana") },
		func(v int64) (Change, error) { return s.SetStarred(ctx, testBot, key, true, v, actAt, "ana") },
		func(v int64) (Change, error) {
			return s.Snooze(ctx, testBot, key, actAt.Add(48*time.Hour), v, actAt, "ana")
		},
	} {
		if _, err := act(mustTriage(t, s, testBot, key).Version); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.AddNote(ctx, testBot, key, "ana", "called, call back Monday", actAt); err != nil {
		t.Fatal(err)
	}
	want := mustTriage(t, s, testBot, key)
	wantNotes, _ := s.Notes(ctx, testBot, key)
	seq := triageSeq(t, s)

	changed := lead
	changed.Name, changed.Email, changed.PhoneNumber, changed.Content = "José Yamada", "JOSE@example.es", "+34 600 000 001", "new text"
	for _, resave := range [][]api.Lead{{lead}, {changed}, {lead}} {
		if _, err := s.SaveLeads(ctx, testBot, day, day, fetchedAt.Add(time.Hour), resave); err != nil {
			t.Fatal(err)
		}
		leads, err := s.Leads(ctx, LeadQuery{Bot: testBot})
		if err != nil || len(leads) != 1 || leads[0].Key != key {
			t.Fatalf("leads = %+v, %v", leads, err)
		}
		if leads[0].Triage() != want || leads[0].Name != resave[0].Name {
			t.Errorf("after a re-save the lead reads %q %+v, want %q %+v", leads[0].Name, leads[0].Triage(), resave[0].Name, want)
		}
		if notes, _ := s.Notes(ctx, testBot, key); !slices.Equal(notes, wantNotes) {
			t.Errorf("notes after a re-save: %+v, want %+v", notes, wantNotes)
		}
	}
	if triageSeq(t, s) != seq {
		t.Error("SaveLeads moved TriageSeq")
	}
}

func TestLeadsTriageFilters(t *testing.T) {
	s := openStore(t)
	ctx := context.Background()
	keys := saveTestLeads(t, s, testBot, 6) // keys[5] is the newest
	other := saveTestLeads(t, s, "bot-b", 2)
	today := time.Date(2024, 3, 1, 10, 0, 0, 0, time.UTC)
	tomorrow := today.Add(24 * time.Hour)
	must := func(_ Change, err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(s.SetStatus(ctx, testBot, keys[0], StatusWon, -1, today, "ana"))
	must(s.SetStatus(ctx, testBot, keys[1], StatusSpam, -1, today, "ana"))
	must(s.SetStatus(ctx, testBot, keys[2], StatusNew, -1, today, "ana")) // touched, still new: a no-op
	must(s.SetStarred(ctx, testBot, keys[2], true, -1, today, "ana"))
	must(s.SetStarred(ctx, testBot, keys[3], true, -1, today, "ana"))
	must(s.SetStatus(ctx, testBot, keys[3], StatusContacted, -1, today, "ana"))
	must(s.SetSeen(ctx, testBot, keys[0], true, -1, today, "ana"))
	must(s.SetSeen(ctx, testBot, keys[3], true, -1, today, "ana"))
	must(s.Snooze(ctx, testBot, keys[4], tomorrow, -1, today, "ana"))              // back tomorrow
	must(s.Snooze(ctx, testBot, keys[5], today.Add(-time.Hour), -1, today, "ana")) // already awake
	must(s.SetStarred(ctx, "bot-b", other[1], true, -1, today, "bo"))
	for range 3 {
		if _, err := s.AddNote(ctx, testBot, keys[3], "ana", "note", today); err != nil {
			t.Fatal(err)
		}
	}

	for _, tc := range []struct {
		name string
		q    LeadQuery
		want []string
	}{
		{"all", LeadQuery{}, []string{keys[5], keys[4], keys[3], keys[2], keys[1], keys[0]}},
		{"status new", LeadQuery{Status: StatusNew}, []string{keys[5], keys[4], keys[2]}},
		{"status won", LeadQuery{Status: StatusWon}, []string{keys[0]}},
		{"unseen", LeadQuery{Unseen: true}, []string{keys[5], keys[4], keys[2], keys[1]}},
		{"starred", LeadQuery{Starred: true}, []string{keys[3], keys[2]}},
		{"starred and unseen", LeadQuery{Starred: true, Unseen: true}, []string{keys[2]}},
		{"snoozed hidden today", LeadQuery{HideSnoozedAt: today}, []string{keys[5], keys[3], keys[2], keys[1], keys[0]}},
		{"back the day after", LeadQuery{HideSnoozedAt: tomorrow.Add(24 * time.Hour)}, []string{keys[5], keys[4], keys[3], keys[2], keys[1], keys[0]}},
		{"back at the instant", LeadQuery{HideSnoozedAt: tomorrow}, []string{keys[5], keys[4], keys[3], keys[2], keys[1], keys[0]}},
		{"new, not snoozed, limit", LeadQuery{Status: StatusNew, HideSnoozedAt: today, Limit: 1}, []string{keys[5]}},
		// Same instants in both bots: the tie goes to the later bot name.
		{"all bots", LeadQuery{AllBots: true}, []string{keys[5], keys[4], keys[3], keys[2], other[1], keys[1], other[0], keys[0]}},
		{"all bots, starred", LeadQuery{AllBots: true, Starred: true, Bot: "ignored"}, []string{keys[3], keys[2], other[1]}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.q.Bot == "" && !tc.q.AllBots {
				tc.q.Bot = testBot
			}
			leads, err := s.Leads(ctx, tc.q)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, l := range leads {
				got = append(got, l.Key)
				if want := mustTriage(t, s, l.Bot, l.Key); l.Triage() != want {
					t.Errorf("lead %s carries %+v, want %+v", l.Key, l.Triage(), want)
				}
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("got %v\nwant %v", got, tc.want)
			}
		})
	}

	leads, _ := s.Leads(ctx, LeadQuery{Bot: testBot, Starred: true})
	if tr := leads[0].Triage(); tr.Notes != 3 || tr.Status != StatusContacted || !tr.SeenAt.Equal(today) ||
		tr.UpdatedBy != "ana" || tr.Version != 3 || leads[0].Bot != testBot {
		t.Errorf("keys[3] reads %+v", tr)
	}
	if leads, _ := s.Leads(ctx, LeadQuery{AllBots: true, Starred: true}); leads[2].Bot != "bot-b" {
		t.Errorf("an AllBots row should carry its bot, got %q", leads[2].Bot)
	}
	if leads, _ := s.Leads(ctx, LeadQuery{Bot: "bot-b"}); leads[1].Key != other[0] || leads[1].Triage() != (Triage{Status: StatusNew}) {
		t.Errorf("an untouched lead reads %+v", leads[1].Triage())
	}
	// Most leads are untouched: those hold no Triage of their own (128
	// bytes), read a whole day at a time or by pages.
	for _, q := range []LeadQuery{{Bot: "bot-b"}, {Bot: "bot-b", Limit: 2}} {
		if leads, _ := s.Leads(ctx, q); leads[1].triage != nil {
			t.Errorf("an untouched lead read with limit %d holds %+v", q.Limit, *leads[1].triage)
		}
	}
	if _, err := s.Leads(ctx, LeadQuery{Starred: true}); err == nil {
		t.Error("a query with neither Bot nor AllBots should fail")
	}
}

func TestVisits(t *testing.T) {
	s := openStore(t)
	ctx := context.Background()
	last := func(bot, user string) time.Time {
		t.Helper()
		at, err := s.LastVisit(ctx, bot, user)
		if err != nil {
			t.Fatal(err)
		}
		return at
	}
	if !last(testBot, "ana").IsZero() {
		t.Error("a first visit should read as zero")
	}
	t1, t2 := actAt, actAt.Add(time.Hour)
	for _, v := range []struct {
		bot, user string
		at        time.Time
	}{{testBot, "ana", t1}, {testBot, "bo", t2}, {"bot-b", "ana", t2}, {testBot, "ana", t2}, {testBot, "bo", t1}} {
		if err := s.RecordVisit(ctx, v.bot, v.user, v.at.In(time.FixedZone("X", -7*3600))); err != nil {
			t.Fatal(err)
		}
	}
	if got := last(testBot, "ana"); got != t2 {
		t.Errorf("ana's last visit = %v, want %v", got, t2)
	}
	if got := last(testBot, "bo"); got != t2 {
		t.Errorf("bo's last visit = %v, want %v: an older visit recorded late must not move it back", got, t2)
	}
	if got := last("bot-b", "ana"); got != t2 || !last("bot-b", "bo").IsZero() {
		t.Error("visits should be per bot")
	}
	if err := s.RecordVisit(ctx, testBot, "ana\x1b", t1); err == nil {
		t.Error("a name with an escape was accepted")
	}
	if err := s.RecordVisit(ctx, "", "ana", t1); err == nil {
		t.Error("a visit without a bot was accepted")
	}
	if triageSeq(t, s) != 0 {
		t.Error("visits are not triage: TriageSeq moved")
	}
}

func TestTriageSeq(t *testing.T) {
	a, b := openTwice(t)
	ctx := context.Background()
	keys := saveTestLeads(t, a, testBot, 2)
	if triageSeq(t, b) != 0 {
		t.Fatal("a new store's TriageSeq should be 0")
	}
	var note Note
	steps := []func() error{
		func() error { _, err := a.SetSeen(ctx, testBot, keys[0], true, -1, actAt, "ana"); return err },
		func() error { _, err := a.SetStatus(ctx, testBot, keys[0], StatusLost, -1, actAt, "ana"); return err },
		func() error { _, err := a.SetStarred(ctx, testBot, keys[1], true, -1, actAt, "ana"); return err },
		func() error {
			_, err := a.Snooze(ctx, testBot, keys[1], actAt.Add(time.Hour), -1, actAt, "ana")
			return err
		},
		func() error {
			c, err := a.SetStatus(ctx, testBot, keys[1], StatusWon, -1, actAt, "ana")
			if err == nil {
				_, err = a.Undo(ctx, c, actAt, "ana")
			}
			return err
		},
		func() (err error) { note, err = a.AddNote(ctx, testBot, keys[0], "ana", "hello", actAt); return err },
		func() (err error) { note, err = a.EditNote(ctx, note, "hello again", actAt, "ana"); return err },
		func() (err error) { note, err = a.DeleteNote(ctx, note, "ana"); return err },
		func() error { _, err := a.RestoreNote(ctx, note); return err },
	}
	prev := int64(0)
	for i, step := range steps {
		if err := step(); err != nil {
			t.Fatal(err)
		}
		if got := triageSeq(t, b); got <= prev { // b: another process sees it
			t.Errorf("step %d: TriageSeq %d did not grow from %d", i, got, prev)
		} else {
			prev = got
		}
	}
	if _, err := a.SaveLeads(ctx, testBot, 0, 0, fetchedAt, []api.Lead{{Name: "new lead", CreateTime: actAt}}); err != nil {
		t.Fatal(err)
	}
	if _, err := a.EditNote(ctx, note, "hello again", actAt, "ana"); err != nil { // unchanged: no write
		t.Fatal(err)
	}
	if got := triageSeq(t, b); got != prev {
		t.Errorf("SaveLeads or an unchanged note moved TriageSeq from %d to %d", prev, got)
	}
}

func TestTriageLogPruned(t *testing.T) {
	s := openStore(t)
	ctx := context.Background()
	key := saveTestLeads(t, s, testBot, 1)[0]
	defer func(keep int64) { triageLogKeep = keep }(triageLogKeep)
	triageLogKeep = 5
	for i := range 20 {
		if _, err := s.SetStarred(ctx, testBot, key, i%2 == 0, -1, actAt, "ana"); err != nil {
			t.Fatal(err)
		}
	}
	var rows, minSeq int64
	s.db.QueryRow(`SELECT count(*), min(seq) FROM triage_log`).Scan(&rows, &minSeq)
	if rows != 5 || minSeq != 16 || triageSeq(t, s) != 20 {
		t.Errorf("log of %d rows from seq %d, TriageSeq %d; want the newest 5 and 20", rows, minSeq, triageSeq(t, s))
	}
}

// TestMigrateVersion1 opens a store written by a neotui that knew only
// migration 1, as two processes at once.
func TestMigrateVersion1(t *testing.T) {
	sqliteOnly(t, "SQLite's history of migrations; PostgreSQL's starts at today's schema")
	path := filepath.Join(t.TempDir(), "neotui.db")
	db, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	old := []struct{ email, phone string }{
		{" Ana@Example.COM ", "+39 338 123 4567"},
		{"ana@example.com", "0039 338-123-4567"},
		{"", "12"},
	}
	for _, q := range []string{migrations[0], "PRAGMA user_version = 1"} {
		if _, err := db.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	for i, o := range old {
		if _, err := db.Exec(`INSERT INTO leads (bot, key, type, name, email, phone, create_time, create_ns, day, content, session_id, uri, count, hash)
			VALUES (?, ?, 'Lead', 'x', ?, ?, '2024-01-01T00:00:00Z', ?, 0, '', ?, '', 0, x'00')`,
			testBot, "k"+string(rune('0'+i)), o.email, o.phone, i, i); err != nil {
			t.Fatal(err)
		}
	}
	for _, q := range []string{
		`INSERT INTO triage (bot, lead_key, status, starred) VALUES ('bot-a', 'k0', 'won', 1)`,
		`INSERT INTO notes (id, bot, lead_key, author, body, created_at, updated_at) VALUES (7, 'bot-a', 'k0', 'ana', 'old', 1, 1)`,
	} {
		if _, err := db.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	db.Close()

	stores := make([]*Store, 3)
	errs := make([]error, len(stores))
	var wg sync.WaitGroup
	for i := range stores {
		wg.Go(func() { stores[i], errs[i] = Open(path) })
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { stores[i].Close() })
	}
	s := stores[0]
	ctx := context.Background()
	var version int
	s.db.QueryRow("PRAGMA user_version").Scan(&version)
	if version != len(migrations) {
		t.Fatalf("user_version = %d", version)
	}
	rows, _ := s.db.Query(`SELECT email_norm, phone_norm FROM leads ORDER BY key`)
	var got []string
	for rows.Next() {
		var e, p string
		rows.Scan(&e, &p)
		got = append(got, e+" "+p)
	}
	rows.Close()
	want := []string{"ana@example.com +393381234567", "ana@example.com +393381234567", " "}
	if !slices.Equal(got, want) {
		t.Errorf("filled contacts %q, want %q", got, want)
	}
	if tr := mustTriage(t, s, testBot, "k0"); tr.Version != 1 || tr.Status != StatusWon || !tr.Starred || tr.Notes != 1 {
		t.Errorf("an old triage row reads %+v", tr)
	}
	if _, err := s.SetStarred(ctx, testBot, "k0", false, 1, actAt, "ana"); err != nil {
		t.Error(err)
	}
	// The old note keeps its id; a deleted note's id is never given again.
	deleted, err := s.DeleteNote(ctx, Note{ID: 7, Version: 1}, "ana")
	if err != nil || deleted.Body != "old" {
		t.Fatalf("DeleteNote(7) = %+v, %v", deleted, err)
	}
	if n, err := s.AddNote(ctx, testBot, "k0", "ana", "new", actAt); err != nil || n.ID <= 7 {
		t.Errorf("a new note got id %d, %v; want above 7", n.ID, err)
	}
	related, err := s.Related(ctx, Lead{Bot: testBot, Key: "k0", Lead: api.Lead{Email: "ana@example.com"}})
	if err != nil || len(related) != 1 || related[0].Key != "k1" {
		t.Errorf("Related after the migration = %+v, %v", related, err)
	}
	checkIntegrity(t, s)
}

// TestTriageQueryPlans keeps the triage reads on their indexes.
func TestTriageQueryPlans(t *testing.T) {
	sqliteOnly(t, "SQLite's query plans; PostgreSQL's planner chooses by the statistics of tables, which a test's have not")
	s := openStore(t)
	leads, leadArgs := leadsQuery(LeadQuery{Bot: "b", Status: StatusNew, Unseen: true, HideSnoozedAt: actAt, Limit: 500})
	related, relatedArgs := relatedQuery("a@b.c", "+391234567", "b", "k")
	allBots, allBotsArgs := leadsQuery(LeadQuery{AllBots: true, Starred: true, Limit: 500})
	for _, tc := range []struct {
		name, query string
		args        []any
		want        []string
	}{
		{"triage filters", leads, leadArgs, []string{"INDEX leads_report", "SEARCH t USING PRIMARY KEY"}},
		{"related", related, relatedArgs, []string{"INDEX leads_by_email", "INDEX leads_by_phone"}},
		{"all bots", allBots, allBotsArgs, []string{"INDEX leads_all_newest", "SEARCH t USING PRIMARY KEY"}},
		{"triage seq", triageSeqQuery, nil, nil},
		{"clash", clashQuery, []any{"b", "k", 1, 3}, []string{"INDEX triage_log_by_lead"}},
	} {
		rows, err := s.db.Query("EXPLAIN QUERY PLAN "+tc.query, tc.args...)
		if err != nil {
			t.Fatal(err)
		}
		var plan strings.Builder
		for rows.Next() {
			var id, parent, unused int
			var detail string
			rows.Scan(&id, &parent, &unused, &detail)
			plan.WriteString(detail + "\n")
		}
		rows.Close()
		p := plan.String()
		bad := strings.Contains(p, "SCAN ") || tc.name != "related" && strings.Contains(p, "TEMP B-TREE")
		for _, w := range tc.want {
			bad = bad || !strings.Contains(p, w)
		}
		if bad {
			t.Errorf("plan of %s:\n%s", tc.name, p)
		}
	}
}

// TestTriageNoOpsTakeNoLock: a sync holding the write lock must not make
// opening a seen lead, or a refused action, wait for it.
func TestTriageNoOpsTakeNoLock(t *testing.T) {
	a, b := openTwice(t)
	ctx := context.Background()
	key := saveTestLeads(t, a, testBot, 1)[0]
	seen, err := a.SetSeen(ctx, testBot, key, true, -1, actAt, "ana")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.SetStarred(ctx, testBot, key, true, -1, actAt, "ana"); err != nil {
		t.Fatal(err)
	}
	sync, err := b.begin(ctx, lockTriage) // the write lock, as another writer has it
	if err != nil {
		t.Fatal(err)
	}
	defer sync.Rollback()
	start := time.Now()
	if c, err := a.SetSeen(ctx, testBot, key, true, -1, actAt.Add(time.Hour), "bo"); err != nil || c.Changed() {
		t.Errorf("opening a seen lead: %+v, %v", c, err)
	}
	if _, err := a.SetStarred(ctx, testBot, key, false, seen.After.Version, actAt, "bo"); !errors.Is(err, ErrConflict) {
		t.Errorf("a clashing version: err = %v, want ErrConflict", err)
	}
	if d := time.Since(start); d > time.Second {
		t.Errorf("took %v: waited for the write lock", d)
	}
}
