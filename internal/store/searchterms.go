package store

import (
	"context"
	"database/sql"
	"strings"
	"sync"
)

// A word of one or two letters is too short for a trigram, but since
// migration 10 the index holds each message's shown text with indexEnd
// appended, so that every occurrence of such a word in it is the start of
// an indexed trigram: the trigrams that start with the word, a range of the
// index's terms (messages_terms), name every message that holds it.

// indexEnd ends each message's text in the index (migration 10's
// messages_indexed): no query word holds it, since words are split at
// white space, and after it the last letter of a text starts a trigram too.
const indexEnd = "\n\n"

// fewTerms is how many occurrences in the index of a short word its
// messages can each ask the index about the query's long words: 0.1 to
// 0.3 ms each once the index is merged (up to 16 ms while a sync leaves it
// in dozens of segments). With more, the index lists all of the long
// words' matches at once: 15 to 90 ms at 1M messages.
const fewTerms = 64

// rareTerms is how many occurrences in the index make a short word common.
// Below it, reading the messages that hold the word and sorting them takes
// at most ~20 ms at 1M messages; above it, the word is in enough messages
// that walking them newest first fills a page as fast. A variable for the
// tests.
var rareTerms = 3000

// termRange is the index's terms that start with a short word as the index
// folds it: term >= from AND term < to.
type termRange struct{ from, to string }

// rarestWord is the range of the short word of words that the index holds
// least often, and how often: up to rareTerms (also when none of them can
// be looked up in the index).
func (s *Store) rarestWord(ctx context.Context, words []string) (termRange, int, error) {
	var best termRange
	least := rareTerms
	for _, w := range words {
		r, ok, err := foldedRange(ctx, w)
		if err != nil {
			return termRange{}, 0, err
		}
		if !ok {
			continue
		}
		var n int
		if err := s.db.QueryRowContext(ctx, `
			SELECT count(*) FROM (SELECT 1 FROM messages_terms WHERE term >= ? AND term < ? LIMIT ?)`,
			r.from, r.to, least).Scan(&n); err != nil {
			return termRange{}, 0, err
		}
		if n < least {
			best, least = r, n
		}
	}
	return best, least, nil
}

// holding is q kept to the messages in which the index holds a term of r:
// those that may hold its word. The word's own condition (LIKE) still
// decides, as without the index, which of them do.
func (q searchQuery) holding(r termRange) searchQuery {
	return q.and(` AND m.id IN (SELECT doc FROM messages_terms WHERE term >= ? AND term < ?)`, r.from, r.to)
}

// foldedRange is the range of terms that start with word as the index's
// tokenizer folds it (case, accents: "É" is "e"; some marks it drops), so
// that the range holds every message that word matches. No range when the
// word folds to nothing.
func foldedRange(ctx context.Context, word string) (termRange, bool, error) {
	folded, err := foldAsIndexed(ctx, word)
	if err != nil || folded == "" {
		return termRange{}, false, err
	}
	// No UTF-8 text has the byte 0xff, and terms compare as bytes.
	return termRange{folded, folded + "\xff"}, true, nil
}

// tokenizer is an in-memory database in which the index's own tokenizer
// folds query words: a second implementation of its folding (a table of
// thousands of characters) could drift from it, and a word folded apart
// from its text is a word not found.
var tokenizer = sync.OnceValues(func() (*sql.DB, error) {
	db, err := sql.Open("sqlite", ":memory:")
	if err != nil {
		return nil, err
	}
	db.SetMaxOpenConns(1) // one database: each connection has its own
	return db, nil
})

// foldAsIndexed is word as the index holds it: the first letter of each
// trigram of word+indexEnd, in order, which is word folded.
func foldAsIndexed(ctx context.Context, word string) (string, error) {
	db, err := tokenizer()
	if err != nil {
		return "", err
	}
	// Made once; IF NOT EXISTS in case database/sql opened a new connection.
	if _, err := db.ExecContext(ctx, `
		CREATE VIRTUAL TABLE IF NOT EXISTS fold USING fts5(text, tokenize='trigram remove_diacritics 1');
		CREATE VIRTUAL TABLE IF NOT EXISTS fold_terms USING fts5vocab(fold, instance);`); err != nil {
		return "", err
	}
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return "", err
	}
	defer tx.Rollback() // leaves the table empty for the next word
	if _, err := tx.ExecContext(ctx, `INSERT INTO fold (text) VALUES (? || ?)`, word, indexEnd); err != nil {
		return "", err
	}
	rows, err := tx.QueryContext(ctx, `SELECT term FROM fold_terms ORDER BY offset`)
	if err != nil {
		return "", err
	}
	defer rows.Close()
	var b strings.Builder
	for rows.Next() {
		var term string
		if err := rows.Scan(&term); err != nil {
			return "", err
		}
		for _, r := range term {
			b.WriteRune(r)
			break
		}
	}
	return b.String(), rows.Err()
}
