package store

import (
	"context"
	"errors"
	"slices"
	"sync"
	"testing"
)

// TestOperatorRetriesOnItsOwnClash: two quick keys on one lead, both on the
// version the list showed. The store refuses the second over the first;
// the operator made the first, so it goes again on the first's version.
func TestOperatorRetriesOnItsOwnClash(t *testing.T) {
	s, ctx := openStore(t), context.Background()
	key := saveTestLeads(t, s, testBot, 1)[0]
	var op Operator
	if _, err := op.Act(0, func(v int64) (Change, error) {
		return s.SetStatus(ctx, testBot, key, StatusContacted, v, actAt, "ana")
	}); err != nil {
		t.Fatal(err)
	}
	var tried []int64
	ch, err := op.Act(0, func(v int64) (Change, error) {
		tried = append(tried, v)
		return s.SetStatus(ctx, testBot, key, StatusWon, v, actAt, "ana")
	})
	if err != nil {
		t.Fatalf("second key on the same version: %v", err)
	}
	if !slices.Equal(tried, []int64{0, 1}) {
		t.Errorf("tried versions %v, want 0 then the own clash's 1", tried)
	}
	if ch.After.Status != StatusWon || ch.After.Version != 2 {
		t.Errorf("after: %s at version %d, want won at 2", ch.After.Status, ch.After.Version)
	}
	if !op.Wrote(LeadRef{testBot, key}, 2) {
		t.Error("the retried write is not remembered")
	}
}

// TestOperatorRefusesATeammatesClash: a change by someone else between the
// version seen and now refuses the action, and the refusal names them even
// when this program's own change is newer.
func TestOperatorRefusesATeammatesClash(t *testing.T) {
	s, ctx := openStore(t), context.Background()
	key := saveTestLeads(t, s, testBot, 1)[0]
	var ana, bob Operator
	setStatus := func(op *Operator, st Status, expect int64, by string) (Change, error) {
		return op.Act(expect, func(v int64) (Change, error) { return s.SetStatus(ctx, testBot, key, st, v, actAt, by) })
	}
	if _, err := setStatus(&bob, StatusContacted, -1, "bob"); err != nil { // version 1
		t.Fatal(err)
	}
	if _, err := setStatus(&ana, StatusBooked, -1, "ana"); err != nil { // version 2
		t.Fatal(err)
	}
	tries := 0
	_, err := ana.Act(0, func(v int64) (Change, error) {
		tries++
		return s.SetStatus(ctx, testBot, key, StatusWon, v, actAt, "ana")
	})
	var ce *ConflictError
	if !errors.As(err, &ce) {
		t.Fatalf("err = %v, want a *ConflictError", err)
	}
	if tries != 1 {
		t.Errorf("tried %d times; a teammate's clash is not retried", tries)
	}
	if ce.By != "bob" || !slices.Equal(ce.Fields, []string{fieldStatus}) {
		t.Errorf("blamed %q for %v, want bob for the status", ce.By, ce.Fields)
	}
	if got := mustTriage(t, s, testBot, key).Status; got != StatusBooked {
		t.Errorf("status %s after the refusal, want booked", got)
	}
}

// TestOperatorRefusesUnknownClashes: when the log no longer tells who made
// the changes in between, nothing says they were this program's.
func TestOperatorRefusesUnknownClashes(t *testing.T) {
	var op Operator
	op.Act(-1, changeTo("b", "k", 1, false))
	tries := 0
	_, err := op.Act(0, func(int64) (Change, error) {
		tries++
		return Change{}, &ConflictError{Bot: "b", Key: "k", By: "bob"}
	})
	if !errors.Is(err, ErrConflict) || tries != 1 {
		t.Errorf("err = %v after %d tries, want the conflict after 1", err, tries)
	}
}

// TestOperatorActsOneAtATime: concurrent actions on the version a list
// showed all land, each on the one before it.
func TestOperatorActsOneAtATime(t *testing.T) {
	s, ctx := openStore(t), context.Background()
	key := saveTestLeads(t, s, testBot, 1)[0]
	var op Operator
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			if _, err := op.Act(0, func(v int64) (Change, error) {
				return s.ToggleStar(ctx, testBot, key, v, actAt, "ana")
			}); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if tr := mustTriage(t, s, testBot, key); tr.Version != 8 || tr.Starred {
		t.Errorf("version %d starred %v after 8 toggles, want 8 and unstarred", tr.Version, tr.Starred)
	}
}

// changeTo is a write that took lead bot/key to version v, starring or
// unstarring it when star differs from the version before.
func changeTo(bot, key string, v int64, star bool) func(int64) (Change, error) {
	return func(int64) (Change, error) {
		return Change{Bot: bot, Key: key, Before: Triage{Version: v - 1}, After: Triage{Version: v, Starred: star}}, nil
	}
}

func TestOperatorRemembersItsLastWrites(t *testing.T) {
	var op Operator
	ref, other := LeadRef{"b", "k"}, LeadRef{"b", "other"}
	for v := int64(1); v <= rememberWrites+1; v++ {
		op.Act(v-1, changeTo(ref.Bot, ref.Key, v, false))
	}
	op.Act(-1, func(int64) (Change, error) { // changed nothing: not a write
		return Change{Bot: "b", Key: "k", Before: Triage{Version: 99}, After: Triage{Version: 99}}, nil
	})
	for _, tc := range []struct {
		ref  LeadRef
		v    int64
		want bool
	}{
		{ref, 0, false},                  // never a write
		{ref, 1, false},                  // forgotten: the 17th write pushed it out
		{ref, 2, true},                   // the oldest of the 16 kept
		{ref, rememberWrites + 1, true},  // the newest
		{ref, rememberWrites + 2, false}, // not written
		{ref, 99, false},                 // an action that changed nothing
		{other, 2, false},                // another lead's version 2
		{LeadRef{"c", "k"}, 2, false},    // the same key under another bot
	} {
		if got := op.Wrote(tc.ref, tc.v); got != tc.want {
			t.Errorf("Wrote(%v, %d) = %v, want %v", tc.ref, tc.v, got, tc.want)
		}
	}
}

func TestOperatorRemembersItsStars(t *testing.T) {
	var op Operator
	ref := LeadRef{"b", "k"}
	if _, ok := op.StarredSince(ref, 0); ok {
		t.Error("a star remembered before any write")
	}
	op.Act(0, changeTo("b", "k", 1, false)) // a status, say: no star change
	op.Act(1, changeTo("b", "k", 2, true))  // starred
	op.Act(2, func(int64) (Change, error) { // a status while starred: the star stays version 2's
		return Change{Bot: "b", Key: "k", Before: Triage{Version: 2, Starred: true}, After: Triage{Version: 3, Starred: true}}, nil
	})
	for _, tc := range []struct {
		v           int64
		starred, ok bool
	}{
		{0, true, true},
		{1, true, true},
		{2, true, false}, // the list already shows version 2's star
		{3, true, false},
	} {
		if starred, ok := op.StarredSince(ref, tc.v); starred != tc.starred || ok != tc.ok {
			t.Errorf("StarredSince(%d) = %v, %v; want %v, %v", tc.v, starred, ok, tc.starred, tc.ok)
		}
	}
	op.Act(3, func(int64) (Change, error) { // unstarred
		return Change{Bot: "b", Key: "k", Before: Triage{Version: 3, Starred: true}, After: Triage{Version: 4}}, nil
	})
	if starred, ok := op.StarredSince(ref, 3); starred || !ok {
		t.Errorf("after unstarring: StarredSince(3) = %v, %v; want false, true", starred, ok)
	}
	if _, ok := op.StarredSince(LeadRef{"b", "other"}, 0); ok {
		t.Error("another lead's star remembered")
	}
}
