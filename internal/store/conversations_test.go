package store

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/neotui/neotui/api"
)

func TestSearchConversations(t *testing.T) {
	s := openStore(t)
	ctx := context.Background()
	at := func(day int) time.Time { return time.Date(2024, 2, day, 10, 0, 0, 0, time.UTC) }
	// The newest conversation matches 600 times: more than a first search
	// asks for, so its matches must all come in before it counts.
	chatty := api.Session{SessionID: 5, CreateTime: at(5), URI: "shop.example/chat"}
	for i := range 600 {
		chatty.Messages = append(chatty.Messages, msg(api.RoleUser, fmt.Sprintf("preventivo numero %d", i)))
	}
	sessions := []api.Session{
		{SessionID: 1, CreateTime: at(1), URI: "shop.example/a", Messages: []api.Message{
			msg(api.RoleUser, "un preventivo, per favore"), msg(api.RoleAI, "Certo!"), msg(api.RoleAI, "Il preventivo è pronto")}},
		{SessionID: 2, CreateTime: at(2), URI: "shop.example/b", Messages: []api.Message{msg(api.RoleUser, "nothing here")}},
		{SessionID: 3, CreateTime: at(3), URI: "shop.example/c", Messages: []api.Message{msg(api.RoleAI, "PREVENTIVO gratuito")}},
		chatty,
	}
	if _, err := s.SaveHistory(ctx, testBot, 0, 0, fetchedAt, sessions); err != nil {
		t.Fatal(err)
	}
	indexedOrNot(t, s, func(t *testing.T) { wantConversationsFound(t, s) })
}

func wantConversationsFound(t *testing.T, s *Store) {
	ctx := context.Background()
	at := func(day int) time.Time { return time.Date(2024, 2, day, 10, 0, 0, 0, time.UTC) }
	summary := func(found []Found) string {
		var out string
		for _, f := range found {
			out += fmt.Sprintf("%d@%s:%d ", f.SessionID, f.URI, len(f.Matches))
		}
		return out
	}
	day := func(d int) api.Day { return api.DayOf(at(d)) }
	for _, tc := range []struct {
		from, to api.Day
		limit    int
		want     string
	}{
		{0, 0, 0, "5@shop.example/chat:600 3@shop.example/c:1 1@shop.example/a:2 "},
		{0, 0, 1, "5@shop.example/chat:600 "},
		{0, 0, 2, "5@shop.example/chat:600 3@shop.example/c:1 "},
		{day(1), day(3), 0, "3@shop.example/c:1 1@shop.example/a:2 "},
		{day(2), day(2), 0, ""},
		{day(3), 0, 1, "5@shop.example/chat:600 "},
	} {
		found, err := s.SearchConversations(ctx, testBot, "preventivo", tc.from, tc.to, tc.limit)
		if err != nil {
			t.Fatal(err)
		}
		if got := summary(found); got != tc.want {
			t.Errorf("%s..%s limit %d: %q, want %q", tc.from, tc.to, tc.limit, got, tc.want)
		}
	}
	found, _ := s.SearchConversations(ctx, testBot, "preventivo", day(1), day(1), 0)
	if m := found[0].Matches; m[0].Seq != 0 || m[1].Seq != 2 || m[1].Type != api.RoleAI || m[1].Content != "Il preventivo è pronto" {
		t.Errorf("the matches of conversation 1: %+v", m)
	}
}
