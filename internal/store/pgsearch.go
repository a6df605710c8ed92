package store

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"
)

// pgSearchPage is SearchPage on PostgreSQL: every word of query, folded
// (foldSearch), is a substring of the message's folded shown text. Words of
// three characters or more go through the trigram index (messages_search);
// shorter ones, which trigrams cannot index, through search_grams
// (pggrams.go) when they are rare, else they are tested on the messages the
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

// pgSearch finds the page, when a word of one or two characters is in no
// message, at once; when one is in few conversations, among their messages
// alone (search_grams; at 1.1M messages 1 to 40 ms, where reading every
// message took 215 to 650). Else as SQLite's search of short words does
// (shortHits): a walk of the newest sessions from the cursor on, each one's
// messages tested in turn, which fills a page within a few ms when the
// words are in many messages; when it does not, the words' matches, all of
// them, sorted (through the trigram index, or for short words alone
// message by message). The walk goes first over pgProbeSessions sessions,
// and on over probeSessions only if what it found there says that it
// would fill the page within them: a walk that finds little costs more
// than reading the few matches (6 to 15 µs a session). The plan is chosen
// here, not by the planner: its estimate of how many messages a LIKE
// matches comes from a sample of a hundred texts, and swings from one
// ANALYZE to the next between walking 100k sessions for a rare word and
// sorting a tenth of the messages for a common one (0.2 to 3.5 s at 1.1M
// messages).
//
// In a read-only transaction of its own, parallel workers are off: split
// between workers, a walk waits for them all to start and merge (130 to
// 230 ms, against 5 to 20 ms alone), and a read of every message gains
// nothing from them on a busy server. And each query is planned for its
// words: pgx prepares the statements it runs and keeps them, and after
// five runs PostgreSQL may plan one for any words, which for a one or two
// letter word reads the whole trigram index (4 s instead of 0.3).
func (s *Store) pgSearch(ctx context.Context, bot string, words []string, after Cursor, limit int) (found, error) {
	tx, err := s.db.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return found{}, err
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, `SELECT set_config('max_parallel_workers_per_gather', '0', true),
		set_config('plan_cache_mode', 'force_custom_plan', true)`); err != nil {
		return found{}, err
	}
	short, err := pgShortWords(ctx, tx, bot, words)
	if err != nil || short.none {
		return found{}, err
	}
	if short.rarest != "" {
		sqlText, args := pgHoldersSQL(bot, short.rarest, words, after, limit)
		return readHits(ctx, tx, bot, sqlText, args)
	}
	for _, sessions := range []int{pgProbeSessions, probeSessions} {
		if limit == 0 {
			break
		}
		bound, err := sessionsBound(ctx, tx, bot, after, sessions)
		if err != nil {
			return found{}, err
		}
		sqlText, args := pgWalkSQL(bot, words, bound, after, limit)
		f, err := readHits(ctx, tx, bot, sqlText, args)
		// Fewer sessions left than the walk's: it saw them all.
		if err != nil || bound == nil || len(f.hits) == limit {
			return f, err
		}
		if len(f.hits)*probeSessions < limit*sessions {
			break // at this rate the page would not fill in probeSessions
		}
	}
	sqlText, args := pgMatchesSQL(bot, words, after, limit)
	return readHits(ctx, tx, bot, sqlText, args)
}

// pgShort is what search_grams says of a query's words of one or two
// characters: that one of them is in no message, or which one the fewest
// conversations hold, if that one is rare (else "").
type pgShort struct {
	none   bool
	rarest string
}

// pgShortWords looks the query's short words up in search_grams, unless
// it lacks some messages' grams (search_grams_stale): then it says nothing.
func pgShortWords(ctx context.Context, q querier, bot string, words []string) (pgShort, error) {
	var short, args []string
	for _, w := range words {
		if f := foldSearch(w); utf8.RuneCountInString(f) <= 2 && !slices.Contains(short, f) {
			// In an array, text is not escaped for us (escapeArgs).
			short, args = append(short, f), append(args, escapeText(f))
		}
	}
	if len(short) == 0 {
		return pgShort{}, nil
	}
	// One round trip: a row at least, whose stale says whether to look.
	rows, err := q.QueryContext(ctx, `
		SELECT g.gram, cardinality(g.holders), s.stale
		FROM (SELECT EXISTS (SELECT 1 FROM search_grams_stale) AS stale) s
		LEFT JOIN search_grams g ON g.bot = ? AND g.gram = ANY(?)`, bot, args)
	if err != nil {
		return pgShort{}, err
	}
	defer rows.Close()
	var found pgShort
	known, least := 0, 0
	for rows.Next() {
		var gram sql.NullString
		var holders sql.NullInt64
		var stale bool
		if err := rows.Scan(&gram, &holders, &stale); err != nil || stale {
			return pgShort{}, err
		}
		if !gram.Valid {
			continue // none of the words is noted
		}
		known++
		if holders.Valid && (found.rarest == "" || int(holders.Int64) < least) {
			found.rarest, least = gram.String, int(holders.Int64)
		}
	}
	found.none = known < len(short)
	return found, rows.Err()
}

// pgHoldersSQL reads the messages that hold the words among those of the
// conversations search_grams lists for gram, and sorts them.
func pgHoldersSQL(bot, gram string, words []string, after Cursor, limit int) (string, []any) {
	conds, condArgs := pgWordConds(words)
	args := append([]any{bot, bot, gram}, condArgs...)
	args = append(append(args, after.hitsArgs()...), sqlLimit(limit))
	return `
		SELECT s.day, s.create_ns, s.create_time, s.session_id, m.seq, m.type, m.content
		FROM sessions s JOIN messages m ON m.bot = s.bot AND m.session_id = s.session_id
		WHERE s.bot = ? AND s.session_id IN (SELECT unnest(holders) FROM search_grams WHERE bot = ? AND gram = ?)` +
		conds + after.hitsFrom() + `
		ORDER BY s.day DESC, s.create_ns DESC, s.session_id DESC, m.seq LIMIT ?`, args
}

// pgProbeSessions is how many sessions a search walks first.
const pgProbeSessions = probeSessions / 8

// pgWordConds tests each word on the messages m, with its argument.
func pgWordConds(words []string) (string, []any) {
	var conds strings.Builder
	var args []any
	for _, w := range words {
		conds.WriteString(` AND m.folded LIKE ? ESCAPE '\'`)
		args = append(args, pgLikePattern(w))
	}
	return conds.String(), args
}

// pgLikePattern is the LIKE pattern of a word found anywhere in folded text.
func pgLikePattern(word string) string {
	return "%" + likeEscaper.Replace(foldSearch(word)) + "%"
}

// pgWalkSQL walks the bot's sessions newest first from the cursor on, down
// to bound (day, create_ns, session_id) unless nil, and reads each one's
// messages that hold the words. The lateral subquery's ORDER BY keeps it
// a lookup per session: the planner cannot turn it into a join of all the
// words' matches. The queries read what readHits reads.
func pgWalkSQL(bot string, words []string, bound []any, after Cursor, limit int) (string, []any) {
	conds, args := pgWordConds(words)
	where := ``
	args = append(args, bot)
	if bound != nil {
		where = ` AND (s.day, s.create_ns, s.session_id) >= (?, ?, ?)`
		args = append(args, bound...)
	}
	args = append(append(args, after.hitsArgs()...), sqlLimit(limit))
	return `
		SELECT s.day, s.create_ns, s.create_time, s.session_id, m.seq, m.type, m.content
		FROM sessions s CROSS JOIN LATERAL (
			SELECT m.seq, m.type, m.content FROM messages m
			WHERE m.bot = s.bot AND m.session_id = s.session_id` + conds + `
			ORDER BY m.seq) m
		WHERE s.bot = ?` + where + after.hitsFrom() + `
		ORDER BY s.day DESC, s.create_ns DESC, s.session_id DESC, m.seq LIMIT ?`, args
}

// pgMatchesSQL reads all of the bot's messages that hold the words (the
// planner picks how: the trigram index, or every message) and sorts those
// after the cursor.
func pgMatchesSQL(bot string, words []string, after Cursor, limit int) (string, []any) {
	conds, condArgs := pgWordConds(words)
	args := append(append([]any{bot}, condArgs...), bot)
	args = append(append(args, after.hitsArgs()...), sqlLimit(limit))
	return `
		WITH m AS MATERIALIZED (
			SELECT m.session_id, m.seq, m.type, m.content FROM messages m
			WHERE m.bot = ?` + conds + `)
		SELECT s.day, s.create_ns, s.create_time, m.session_id, m.seq, m.type, m.content
		FROM m JOIN sessions s ON s.session_id = m.session_id
		WHERE s.bot = ?` + after.hitsFrom() + `
		ORDER BY s.day DESC, s.create_ns DESC, s.session_id DESC, m.seq LIMIT ?`, args
}
