package store

import (
	"context"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"
)

// Hit is one message found by Search.
type Hit struct {
	Bot        string
	SessionID  int64
	CreateTime time.Time // the session's
	Seq        int       // the message's position in its session, from 0
	Type       string
	Content    string
}

// likeEscaper makes user text literal inside LIKE '%…%' ESCAPE '\'.
var likeEscaper = strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)

// denseMatches is how many index matches make a search walk the sessions
// newest first rather than sort all matches: with 1M messages, sorting 100k
// matches takes 400 ms, while walking until limit of them turn up takes a few
// ms; with few matches it is the other way round.
const denseMatches = 2000

// Search finds the bot's messages whose text contains every whitespace-separated
// word of query, ignoring case, newest session first and in order within a
// session; limit 0 means no limit. Words of three or more characters go
// through the trigram index, which also ignores accents ("jose" finds "José");
// shorter ones, which trigrams cannot index, through LIKE, which ignores
// ASCII case only.
func (s *Store) Search(ctx context.Context, bot, query string, limit int) ([]Hit, error) {
	if err := requireBot(bot); err != nil {
		return nil, err
	}
	var phrases, conds []string
	var condArgs []any
	for _, w := range strings.Fields(query) {
		if utf8.RuneCountInString(w) >= 3 {
			// A double-quoted FTS5 string is literal: *, (, ), :, AND, NEAR
			// inside it are text, and a quote is escaped by doubling it.
			phrases = append(phrases, `"`+strings.ReplaceAll(w, `"`, `""`)+`"`)
			continue
		}
		conds = append(conds, ` AND coalesce(m.shown, m.content) LIKE ? ESCAPE '\'`)
		condArgs = append(condArgs, "%"+likeEscaper.Replace(w)+"%")
	}
	match := strings.Join(phrases, " ") // juxtaposed FTS5 strings must all match
	if match == "" && len(conds) == 0 {
		return nil, nil
	}

	walk := match == ""
	if !walk && limit > 0 {
		var n int
		if err := s.db.QueryRowContext(ctx, `
			SELECT count(*) FROM (SELECT 1 FROM messages_fts WHERE messages_fts MATCH ? LIMIT ?)`,
			match, denseMatches).Scan(&n); err != nil {
			return nil, fmt.Errorf("search messages for %q: %w", query, err)
		}
		if walk = n == denseMatches; walk {
			conds = append(conds, ` AND m.id IN (SELECT rowid FROM messages_fts WHERE messages_fts MATCH ?)`)
			condArgs = append(condArgs, match)
		}
	}

	var sqlText string
	var args []any
	if walk {
		// Sessions newest first, stopping once limit messages matched.
		sqlText = `
			SELECT m.session_id, s.create_time, m.seq, m.type, m.content
			FROM sessions s CROSS JOIN messages m ON m.bot = s.bot AND m.session_id = s.session_id
			WHERE s.bot = ?` + strings.Join(conds, "") + `
			ORDER BY s.day DESC, s.create_ns DESC, s.session_id DESC, m.seq LIMIT ?`
		args = append(append([]any{bot}, condArgs...), sqlLimit(limit))
	} else {
		// The index's matches, sorted. CROSS JOIN keeps SQLite from walking
		// all of the bot's messages to test each against the index.
		sqlText = `
			SELECT m.session_id, s.create_time, m.seq, m.type, m.content
			FROM messages_fts f CROSS JOIN messages m ON m.id = f.rowid
			JOIN sessions s ON s.bot = m.bot AND s.session_id = m.session_id
			WHERE messages_fts MATCH ? AND m.bot = ?` + strings.Join(conds, "") + `
			ORDER BY s.day DESC, s.create_ns DESC, m.session_id DESC, m.seq LIMIT ?`
		args = append(append([]any{match, bot}, condArgs...), sqlLimit(limit))
	}

	rows, err := s.db.QueryContext(ctx, sqlText, args...)
	if err != nil {
		return nil, fmt.Errorf("search messages for %q: %w", query, err)
	}
	defer rows.Close()
	var hits []Hit
	for rows.Next() {
		h := Hit{Bot: bot}
		var created string
		if err := rows.Scan(&h.SessionID, &created, &h.Seq, &h.Type, &h.Content); err != nil {
			return nil, fmt.Errorf("search messages: %w", err)
		}
		if h.CreateTime, err = parseTime(created); err != nil {
			return nil, fmt.Errorf("search messages: %w", err)
		}
		hits = append(hits, h)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("search messages: %w", err)
	}
	return hits, nil
}
