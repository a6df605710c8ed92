package demo

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/neotui/neotui/api/apitest"
	"github.com/neotui/neotui/internal/store"
)

var testNow = time.Date(2025, 3, 7, 15, 4, 5, 0, time.UTC)

func TestFillSavesWhatASyncWould(t *testing.T) {
	st, err := store.Open(filepath.Join(t.TempDir(), "neotui.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	bots := apitest.DemoBotsOf(testNow, 2000)[:2]
	var calls [][2]int
	ctx := context.Background()
	if err := Fill(ctx, st, testNow, func(done, total int) { calls = append(calls, [2]int{done, total}) }, bots...); err != nil {
		t.Fatal(err)
	}
	for _, b := range bots {
		first, last := b.Days()
		sums, err := st.Sessions(ctx, store.SessionQuery{Bot: b.Serial()})
		if err != nil {
			t.Fatal(err)
		}
		if len(sums) != b.Len() {
			t.Errorf("%s: %d conversations stored, want %d", b.Name(), len(sums), b.Len())
		}
		leads, err := st.Leads(ctx, store.LeadQuery{Bot: b.Serial()})
		if err != nil {
			t.Fatal(err)
		}
		var want int
		for _, l := range b.Leads(first, last) {
			if !l.CreateTime.After(testNow) { // a lead not made yet is not served yet
				want++
			}
		}
		if len(leads) != want {
			t.Errorf("%s: %d leads stored, want %d", b.Name(), len(leads), want)
		}
		marks, err := st.Marks(ctx, b.Serial(), store.EndpointHistory, first, last)
		if err != nil {
			t.Fatal(err)
		}
		if len(marks) != int(last-first)+1 {
			t.Errorf("%s: %d of the days %s…%s marked fetched", b.Name(), len(marks), first, last)
		}
	}
	total := bots[0].Len() + bots[1].Len()
	if len(calls) < 2 || calls[len(calls)-1] != [2]int{total, total} {
		t.Fatalf("progress = %v, want it to end at %d of %d", calls, total, total)
	}
	for i := 1; i < len(calls); i++ {
		if calls[i][0] < calls[i-1][0] {
			t.Fatalf("progress went back: %v", calls)
		}
	}
}
