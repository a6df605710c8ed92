package store

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/neotui/neotui/api"
)

func TestLeadsFilters(t *testing.T) {
	s := openStore(t)
	ctx := context.Background()
	leads := []api.Lead{
		// 18:36 at −08:00 is 02:36 UTC the next day: UTC day 2023-11-24.
		{Type: api.TypeLead, CreateTime: mustTime(t, "2023-11-23T18:36:21.512302-08:00"), SessionID: 1},
		{Type: api.TypeAppointment, CreateTime: mustTime(t, "2023-11-23T23:59:59.999999999Z"), SessionID: 2},
		{Type: api.TypeLead, CreateTime: mustTime(t, "2023-11-24T00:00:00Z"), SessionID: 2},
		{Type: api.TypeAppointment, CreateTime: mustTime(t, "2023-11-25T08:00:00+09:00"), SessionID: 3}, // 24th UTC
		{Type: api.TypeLead, CreateTime: mustTime(t, "2023-11-26T12:00:00Z"), SessionID: 4},
	}
	if _, err := s.SaveLeads(ctx, testBot, 0, 0, fetchedAt, leads); err != nil {
		t.Fatal(err)
	}
	d := func(day string) api.Day { return mustDay(t, day) }
	for _, tc := range []struct {
		name string
		q    LeadQuery
		want []int // indexes into leads, in order
	}{
		{"all, newest first", LeadQuery{}, []int{4, 3, 0, 2, 1}},
		{"one UTC day", LeadQuery{From: d("2023-11-24"), To: d("2023-11-24")}, []int{3, 0, 2}},
		{"the day before in UTC", LeadQuery{From: d("2023-11-23"), To: d("2023-11-23")}, []int{1}},
		{"from only", LeadQuery{From: d("2023-11-25")}, []int{4}},
		{"to only", LeadQuery{To: d("2023-11-23")}, []int{1}},
		{"appointments", LeadQuery{Type: api.TypeAppointment}, []int{3, 1}},
		{"one session", LeadQuery{SessionID: 2}, []int{2, 1}},
		{"session and type", LeadQuery{SessionID: 2, Type: api.TypeLead}, []int{2}},
		{"limit", LeadQuery{Limit: 2}, []int{4, 3}},
		{"nothing", LeadQuery{SessionID: 42}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tc.q.Bot = testBot
			got, err := s.Leads(ctx, tc.q)
			if err != nil {
				t.Fatal(err)
			}
			var keys, want []string
			for _, l := range got {
				keys = append(keys, l.Key)
			}
			for _, i := range tc.want {
				want = append(want, LeadKey(testBot, leads[i]))
			}
			if !slices.Equal(keys, want) {
				t.Errorf("got %d leads %v, want %v", len(got), keys, want)
			}
		})
	}
}

func TestSessionsFilters(t *testing.T) {
	s := openStore(t)
	ctx := context.Background()
	start := mustTime(t, "2024-01-01T00:00:00Z")
	var sessions []api.Session
	for i := range 10 { // one session every 12 hours: two a day, 2024-01-01..05
		sessions = append(sessions, api.Session{SessionID: int64(100 + i), CreateTime: start.Add(time.Duration(i) * 12 * time.Hour),
			Messages: []api.Message{msg(api.RoleUser, "hi")}})
	}
	// Same instant as 104: the higher SessionID counts as newer.
	sessions = append(sessions, api.Session{SessionID: 200, CreateTime: sessions[4].CreateTime})
	if _, err := s.SaveHistory(ctx, testBot, 0, 0, fetchedAt, sessions); err != nil {
		t.Fatal(err)
	}
	d := func(day string) api.Day { return mustDay(t, day) }
	for _, tc := range []struct {
		name string
		q    SessionQuery
		want []int64
	}{
		{"all, newest first", SessionQuery{}, []int64{109, 108, 107, 106, 105, 200, 104, 103, 102, 101, 100}},
		{"one day", SessionQuery{From: d("2024-01-03"), To: d("2024-01-03")}, []int64{105, 200, 104}},
		{"range and limit", SessionQuery{From: d("2024-01-02"), To: d("2024-01-04"), Limit: 3}, []int64{107, 106, 105}},
		{"before any", SessionQuery{To: d("2023-12-31")}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tc.q.Bot = testBot
			sums, err := s.Sessions(ctx, tc.q)
			if err != nil {
				t.Fatal(err)
			}
			var ids []int64
			for _, ss := range sums {
				ids = append(ids, ss.SessionID)
			}
			if !slices.Equal(ids, tc.want) {
				t.Errorf("Sessions = %v, want %v", ids, tc.want)
			}
			whole, err := s.Transcripts(ctx, tc.q)
			if err != nil {
				t.Fatal(err)
			}
			ids = ids[:0]
			for _, ss := range whole {
				ids = append(ids, ss.SessionID)
			}
			if !slices.Equal(ids, tc.want) {
				t.Errorf("Transcripts = %v, want %v", ids, tc.want)
			}
			ids = ids[:0]
			if err := s.EachSession(ctx, tc.q, func(r SessionRow) { ids = append(ids, r.SessionID) }); err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(ids, tc.want) {
				t.Errorf("EachSession = %v, want %v", ids, tc.want)
			}
			for _, n := range []int{2, 3, 8} {
				parts := make([][]int64, n)
				if err := s.EachSessionParts(ctx, tc.q, n, func(p int, r SessionRow) { parts[p] = append(parts[p], r.SessionID) }); err != nil {
					t.Fatal(err)
				}
				if ids := slices.Concat(parts...); !slices.Equal(ids, tc.want) {
					t.Errorf("EachSessionParts in %d = %v, want %v", n, parts, tc.want)
				}
			}
		})
	}
}

func TestSessionNotFound(t *testing.T) {
	s := openStore(t)
	_, err := s.Session(context.Background(), testBot, 12345)
	if !errors.Is(err, ErrNotFound) {
		t.Errorf("err = %v, want ErrNotFound", err)
	}
}
