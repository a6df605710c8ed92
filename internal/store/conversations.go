package store

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/neotui/neotui/api"
)

// Found is a conversation with the messages Search matched in it.
type Found struct {
	SessionID  int64
	CreateTime time.Time
	URI        string
	Matches    []Hit
}

// SearchConversations finds the bot's conversations of the UTC days
// from..to (zero: unbounded) with a message that Search matches, newest
// first, each with its matching messages in order; limit 0 means all.
func (s *Store) SearchConversations(ctx context.Context, bot, query string, from, to api.Day, limit int) ([]Found, error) {
	lo, hi := dayBounds(from, to)
	in := func(h Hit) bool { d := int64(api.DayOf(h.CreateTime)); return lo <= d && d <= hi }
	// Search caps messages, not conversations: ask for a few, then more
	// until limit conversations are complete or every match is in. Hits
	// come a conversation at a time, so only the last may lack matches.
	var found []Found
	for n := 500; ; n *= 4 {
		if limit == 0 {
			n = 0
		}
		hits, err := s.Search(ctx, bot, query, n)
		if err != nil {
			return nil, err
		}
		found = byConversation(hits, in)
		if n == 0 || len(hits) < n {
			break
		}
		complete := len(found)
		if complete > 0 && found[complete-1].SessionID == hits[len(hits)-1].SessionID {
			complete--
		}
		if complete >= limit {
			break
		}
	}
	if limit > 0 && len(found) > limit {
		found = found[:limit]
	}
	return found, s.fillURIs(ctx, bot, found)
}

// byConversation gathers hits, which come a conversation at a time, by
// conversation, keeping those that in accepts.
func byConversation(hits []Hit, in func(Hit) bool) []Found {
	var out []Found
	for _, h := range hits {
		if !in(h) {
			continue
		}
		if n := len(out); n == 0 || out[n-1].SessionID != h.SessionID {
			out = append(out, Found{SessionID: h.SessionID, CreateTime: h.CreateTime})
		}
		out[len(out)-1].Matches = append(out[len(out)-1].Matches, h)
	}
	return out
}

// fillURIs reads the pages of the conversations found, a few hundred at a
// time.
func (s *Store) fillURIs(ctx context.Context, bot string, found []Found) error {
	const chunk = 500
	for start := 0; start < len(found); start += chunk {
		part := found[start:min(start+chunk, len(found))]
		args := []any{bot}
		at := map[int64]*Found{}
		for i := range part {
			args = append(args, part[i].SessionID)
			at[part[i].SessionID] = &part[i]
		}
		rows, err := s.db.QueryContext(ctx, `SELECT session_id, uri FROM sessions WHERE bot = ? AND session_id IN (`+
			strings.TrimSuffix(strings.Repeat("?, ", len(part)), ", ")+`)`, args...)
		if err != nil {
			return fmt.Errorf("read the pages of the conversations found: %w", err)
		}
		for rows.Next() {
			var id int64
			var uri string
			if err := rows.Scan(&id, &uri); err != nil {
				rows.Close()
				return err
			}
			at[id].URI = uri
		}
		err = rows.Err()
		rows.Close()
		if err != nil {
			return err
		}
	}
	return nil
}
