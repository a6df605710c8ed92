package store

import (
	"context"
	"fmt"
	"strings"
)

// pgSearchPage is SearchPage on PostgreSQL: every word of query, folded
// (foldSearch), is a substring of the message's folded shown text. Words of
// three characters or more go through the trigram index (messages_search);
// shorter ones, which trigrams cannot index, are tested on the messages the
// others, or the bot, leave. Unlike SQLite's, a short word also ignores
// accents and the case of letters beyond ASCII.
func (s *Store) pgSearchPage(ctx context.Context, bot, query string, after Cursor, limit int) (SearchPage, error) {
	words := strings.Fields(query)
	if len(words) == 0 {
		return SearchPage{}, nil
	}
	sqlText, args := pgSearchSQL(bot, words, after, limit)
	f, err := s.readHits(ctx, bot, sqlText, args)
	if err != nil {
		return SearchPage{}, fmt.Errorf("search messages for %q: %w", query, err)
	}
	return f.page(after, limit), nil
}

// pgSearchSQL is the query of pgSearchPage, reading what readHits reads.
func pgSearchSQL(bot string, words []string, after Cursor, limit int) (string, []any) {
	var conds strings.Builder
	args := append([]any{bot}, after.hitsArgs()...)
	for _, w := range words {
		conds.WriteString(` AND m.folded LIKE ? ESCAPE '\'`)
		args = append(args, "%"+likeEscaper.Replace(foldSearch(w))+"%")
	}
	return `
		SELECT s.day, s.create_ns, s.create_time, m.session_id, m.seq, m.type, m.content
		FROM messages m JOIN sessions s ON s.bot = m.bot AND s.session_id = m.session_id
		WHERE m.bot = ?` + after.hitsFrom() + conds.String() + `
		ORDER BY s.day DESC, s.create_ns DESC, s.session_id DESC, m.seq LIMIT ?`, append(args, sqlLimit(limit))
}
