package api_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/neotui/neotui/api"
	"github.com/neotui/neotui/api/apitest"
)

// TestMessageCount: the history's size, as the fake's own data counts it;
// a server without the endpoint, or a wrong serial, is ErrNotFound.
func TestMessageCount(t *testing.T) {
	now := time.Date(2026, 3, 10, 12, 0, 0, 0, time.UTC)
	bot := apitest.Generate(apitest.Spec{Serial: "count-bot", Sessions: 50, Days: 10, End: now, Seed: 7})
	srv := apitest.Start(t, apitest.Options{Bots: []*apitest.Bot{bot}, Now: func() time.Time { return now }})
	c, _ := newClient(t, srv)
	ctx := context.Background()
	want := 0
	for _, s := range bot.Sessions(0, api.DayOf(now)) {
		want += len(s.Messages)
	}
	got, err := c.MessageCount(ctx, "count-bot")
	if err != nil || got != int64(want) || want == 0 {
		t.Errorf("count %d (%v), want %d", got, err, want)
	}
	if r := srv.Requests()[0]; r.Endpoint != apitest.MessageCount || string(r.Body) != `{"SerialNumber":"count-bot"}` {
		t.Errorf("request %s %s", r.Endpoint, r.Body)
	}
	if _, err := c.MessageCount(ctx, "no-such-bot"); !errors.Is(err, api.ErrNotFound) {
		t.Errorf("unknown serial: %v", err)
	}

	old := apitest.Start(t, apitest.Options{Bots: []*apitest.Bot{bot}, NoMessageCount: true})
	c, _ = newClient(t, old)
	if _, err := c.MessageCount(ctx, "count-bot"); !errors.Is(err, api.ErrNotFound) || len(old.Requests()) != 1 {
		t.Errorf("a server without the endpoint: %v after %d requests", err, len(old.Requests()))
	}
}
