package store

import (
	"context"
	"database/sql"
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
	f, err := s.pgSearch(ctx, bot, words, after, limit)
	if err != nil {
		return SearchPage{}, fmt.Errorf("search messages for %q: %w", query, err)
	}
	return f.page(after, limit), nil
}

// pgSearch runs the query with parallel workers off, in a read-only
// transaction of its own. The planner's plan for a word in many messages
// walks the sessions newest first until the page is full; split between
// workers, each walks its own part and the first page waits for them all
// to start and merge: 130 to 230 ms for a word in 1.2% of 1.1M messages,
// against 5 to 20 ms alone. A word in few messages, read through the
// trigram index, loses nothing; a one or two letter word in no message,
// read message by message, gains nothing from workers on a busy server.
func (s *Store) pgSearch(ctx context.Context, bot string, words []string, after Cursor, limit int) (found, error) {
	tx, err := s.db.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return found{}, err
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, `SET LOCAL max_parallel_workers_per_gather = 0`); err != nil {
		return found{}, err
	}
	sqlText, args := pgSearchSQL(bot, words, after, limit)
	return readHits(ctx, tx, bot, sqlText, args)
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
