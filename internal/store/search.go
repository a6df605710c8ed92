package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
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

// Cursor is where a search goes on: its zero value is the start, the newest
// message; SearchPage returns the cursor after the hits it returns.
type Cursor struct {
	day, ns, session int64 // the session of the last hit returned, as sessions orders it
	seq              int   // and the hit's message
	set              bool
}

// SearchPage is a page of a search's hits, newest session first.
type SearchPage struct {
	Hits []Hit
	Next Cursor // where the next page starts
	More bool   // the page is full: there may be more after Next
}

// likeEscaper makes user text literal inside LIKE '%…%' ESCAPE '\'.
var likeEscaper = strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)

// denseMatches is how many index matches make a search walk the sessions
// newest first rather than sort all matches: with 1M messages, sorting 100k
// matches takes 400 ms, while walking until limit of them turn up takes a few
// ms; with few matches it is the other way round.
const denseMatches = 2000

// probeSessions is how many sessions a search of short words that the
// index holds often walks, newest first, before it takes them for rare
// after all (a word the index folds, "ü" held as "u", or one only old
// sessions hold): walking every session reads each one's messages apart
// (seconds at 1M messages), where reading the messages in the order they
// are stored and sorting the few matches takes a few hundred ms. A word
// that the index holds rareTerms times, in messages spread over time, fills
// a page within about 2,000 sessions.
const probeSessions = 4000

// Search finds the bot's messages whose text contains every whitespace-separated
// word of query, ignoring case, newest session first and in order within a
// session; limit 0 means no limit. Words of three or more characters go
// through the trigram index, which also ignores accents ("jose" finds "José");
// shorter ones match as LIKE does, ignoring ASCII case only (the index finds
// the messages that may hold them: searchterms.go).
func (s *Store) Search(ctx context.Context, bot, query string, limit int) ([]Hit, error) {
	page, err := s.SearchPage(ctx, bot, query, Cursor{}, limit)
	return page.Hits, err
}

// SearchPage is Search from after on, up to limit hits (0: all of them), so
// that a screen of hits shows at once and more follow as they are asked for.
func (s *Store) SearchPage(ctx context.Context, bot, query string, after Cursor, limit int) (SearchPage, error) {
	if err := requireBot(bot); err != nil {
		return SearchPage{}, err
	}
	// No shown text holds a NUL (the sanitizer drops control characters),
	// and FTS5 takes one for the end of its query.
	query = strings.ReplaceAll(query, "\x00", "")
	if s.dialect == postgresDialect {
		return s.pgSearchPage(ctx, bot, query, after, limit)
	}
	q := parseSearch(query)
	if q.match == "" && len(q.conds) == 0 {
		return SearchPage{}, nil
	}
	page, err := s.searchPage(ctx, bot, q, after, limit)
	if err != nil {
		return SearchPage{}, fmt.Errorf("search messages for %q: %w", query, err)
	}
	return page, nil
}

// searchQuery is a query as SQL: an FTS5 match of its long words, a LIKE
// condition per short one.
type searchQuery struct {
	match    string
	conds    []string
	condArgs []any
	short    []string // the short words
	long     []string // the words of three or more characters, which match is of
}

// and is q with one more condition.
func (q searchQuery) and(cond string, args ...any) searchQuery {
	q.conds = append(slices.Clip(q.conds), cond)
	q.condArgs = append(slices.Clip(q.condArgs), args...)
	return q
}

func parseSearch(query string) searchQuery {
	var q searchQuery
	var phrases []string
	for _, w := range strings.Fields(query) {
		if utf8.RuneCountInString(w) >= 3 {
			// A double-quoted FTS5 string is literal: *, (, ), :, AND, NEAR
			// inside it are text, and a quote is escaped by doubling it.
			phrases = append(phrases, `"`+strings.ReplaceAll(w, `"`, `""`)+`"`)
			q.long = append(q.long, w)
			continue
		}
		q = q.and(` AND coalesce(m.shown, m.content) LIKE ? ESCAPE '\'`, "%"+likeEscaper.Replace(w)+"%")
		q.short = append(q.short, w)
	}
	q.match = strings.Join(phrases, " ") // juxtaposed FTS5 strings must all match
	return q
}

// searchPage picks how to find the page: through the index's matches,
// sorted, when they are few; when they are many, the messages that may hold
// a short word of the query that the index holds rarely, sorted, or else a
// walk of the sessions newest first; and for short words only, see
// shortHits.
func (s *Store) searchPage(ctx context.Context, bot string, q searchQuery, after Cursor, limit int) (SearchPage, error) {
	var upto, top int64
	if err := s.db.QueryRowContext(ctx, `
		SELECT upto, (SELECT coalesce(max(id), 0) FROM messages) FROM search_indexed`).Scan(&upto, &top); err != nil {
		return SearchPage{}, err
	}
	if top <= upto { // the index holds every message
		f, err := s.indexedHits(ctx, bot, q, after, limit)
		return f.page(after, limit), err
	}
	indexed, err := s.indexedHits(ctx, bot, q.and(` AND m.id <= ?`, upto), after, limit)
	if err != nil {
		return SearchPage{}, err
	}
	tail, err := s.tailHits(ctx, bot, q, upto+1, top, after, limit)
	if err != nil {
		return SearchPage{}, err
	}
	return merge(indexed, tail, limit).page(after, limit), nil
}

// tailHits reads the messages of ids lo..hi, which the index does not hold
// yet, one by one (on two cores, as scanHits): the long words folded as the
// index folds them (neotui_holds), the short ones as LIKE.
func (s *Store) tailHits(ctx context.Context, bot string, q searchQuery, lo, hi int64, after Cursor, limit int) (found, error) {
	if len(q.long) > 0 {
		args := make([]any, len(q.long))
		for i, w := range q.long {
			args[i] = foldSearch(w)
		}
		q = q.and(` AND neotui_holds(coalesce(m.shown, m.content)`+strings.Repeat(", ?", len(args))+`)`, args...)
	}
	return s.scanIDs(ctx, bot, q, lo, hi, after, limit)
}

// indexedHits finds the hits among the messages the index holds (all of
// them, unless q says otherwise).
func (s *Store) indexedHits(ctx context.Context, bot string, q searchQuery, after Cursor, limit int) (found, error) {
	if q.match == "" {
		return s.shortHits(ctx, bot, q, after, limit)
	}
	walk := false
	if limit > 0 {
		var n int
		if err := s.db.QueryRowContext(ctx, `
			SELECT count(*) FROM (SELECT 1 FROM messages_fts WHERE messages_fts MATCH ? LIMIT ?)`,
			q.match, denseMatches).Scan(&n); err != nil {
			return found{}, err
		}
		walk = n == denseMatches
	}
	sqlText, args := indexSQL(q, after), indexArgs(bot, q, after, limit)
	if walk {
		r, n, err := s.rarestWord(ctx, q.short)
		if err != nil {
			return found{}, err
		}
		switch { // see fewTerms and rareTerms
		case n >= rareTerms: // no short word, or none the index holds rarely
			q = q.and(` AND m.id IN (SELECT rowid FROM messages_fts WHERE messages_fts MATCH ?)`, q.match)
			sqlText = walkSQL(q, after)
		case n < fewTerms: // each of the short word's messages asks the index
			q = q.holding(r).and(` AND EXISTS (SELECT 1 FROM messages_fts WHERE messages_fts MATCH ? AND rowid = m.id)`, q.match)
			sqlText = scanSQL(q, after)
		default: // the long words' matches, as a set
			q = q.holding(r).and(` AND m.id IN (SELECT rowid FROM messages_fts WHERE messages_fts MATCH ?)`, q.match)
			sqlText = scanSQL(q, after)
		}
		args = walkArgs(bot, q, after, limit)
	}
	return s.readHits(ctx, bot, sqlText, args)
}

// shortHits finds hits of short words alone. When the index holds one of
// them rarely, the messages it may be in are read and sorted; else a walk of
// the newest probeSessions sessions from the cursor on, and when that leaves
// the page short with older sessions left, a read of every message.
func (s *Store) shortHits(ctx context.Context, bot string, q searchQuery, after Cursor, limit int) (found, error) {
	r, n, err := s.rarestWord(ctx, q.short)
	if err != nil {
		return found{}, err
	}
	if n < rareTerms {
		q = q.holding(r)
		return s.readHits(ctx, bot, scanSQL(q, after), walkArgs(bot, q, after, limit))
	}
	if limit > 0 {
		bound, err := s.probeBound(ctx, bot, after)
		if err != nil {
			return found{}, err
		}
		probe := q
		if bound != nil {
			probe = q.and(` AND (s.day, s.create_ns, s.session_id) >= (?, ?, ?)`, bound...)
		}
		f, err := s.readHits(ctx, bot, walkSQL(probe, after), walkArgs(bot, probe, after, limit))
		if err != nil || bound == nil || len(f.hits) == limit {
			return f, err
		}
	}
	return s.scanHits(ctx, bot, q, after, limit)
}

// probeBound is the day, create_ns and session_id of the probeSessions-th
// session from the cursor on; nil when fewer are left.
func (s *Store) probeBound(ctx context.Context, bot string, after Cursor) ([]any, error) {
	return sessionsBound(ctx, s.db, bot, after, probeSessions)
}

// sessionsBound is probeBound for the n-th session, read through q.
func sessionsBound(ctx context.Context, q queryRower, bot string, after Cursor, n int) ([]any, error) {
	var day, ns, id int64
	err := q.QueryRowContext(ctx, `SELECT day, create_ns, session_id FROM sessions WHERE bot = ?`+
		after.sessionsFrom()+` ORDER BY day DESC, create_ns DESC, session_id DESC LIMIT 1 OFFSET ?`,
		append(append([]any{bot}, after.sessionsArgs()...), n-1)...).Scan(&day, &ns, &id)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	return []any{day, ns, id}, err
}

// The three ways read the same columns in the same order: the session's
// day, create_ns and create_time, then the message's session, seq, type and
// text. Each starts after the cursor: sessions older than its own, and in
// its own, the later messages.

// walkSQL walks the sessions newest first, each one's messages in order.
func walkSQL(q searchQuery, after Cursor) string {
	return `
		SELECT s.day, s.create_ns, s.create_time, m.session_id, m.seq, m.type, m.content
		FROM sessions s CROSS JOIN messages m ON m.bot = s.bot AND m.session_id = s.session_id
		WHERE s.bot = ?` + after.hitsFrom() + joinConds(q) + `
		ORDER BY s.day DESC, s.create_ns DESC, s.session_id DESC, m.seq LIMIT ?`
}

func walkArgs(bot string, q searchQuery, after Cursor, limit int) []any {
	return append(append(append([]any{bot}, after.hitsArgs()...), q.condArgs...), sqlLimit(limit))
}

// indexSQL sorts the index's matches. CROSS JOIN keeps SQLite from walking
// all of the bot's messages to test each against the index.
func indexSQL(q searchQuery, after Cursor) string {
	return `
		SELECT s.day, s.create_ns, s.create_time, m.session_id, m.seq, m.type, m.content
		FROM messages_fts f CROSS JOIN messages m ON m.id = f.rowid
		JOIN sessions s ON s.bot = m.bot AND s.session_id = m.session_id
		WHERE messages_fts MATCH ? AND m.bot = ?` + after.hitsFrom() + joinConds(q) + `
		ORDER BY s.day DESC, s.create_ns DESC, m.session_id DESC, m.seq LIMIT ?`
}

func indexArgs(bot string, q searchQuery, after Cursor, limit int) []any {
	return append([]any{q.match}, walkArgs(bot, q, after, limit)...)
}

func joinConds(q searchQuery) string { return strings.Join(q.conds, "") }

// hitsFrom keeps the messages after the cursor, in the sessions s and
// messages m of a search.
func (c Cursor) hitsFrom() string {
	if !c.set {
		return ""
	}
	return ` AND (s.day, s.create_ns, s.session_id) <= (?, ?, ?) AND NOT (s.session_id = ? AND m.seq <= ?)`
}

func (c Cursor) hitsArgs() []any {
	if !c.set {
		return nil
	}
	return []any{c.day, c.ns, c.session, c.session, c.seq}
}

// sessionsFrom keeps the sessions from the cursor's own on, in a query of
// sessions alone.
func (c Cursor) sessionsFrom() string {
	if !c.set {
		return ""
	}
	return ` AND (day, create_ns, session_id) <= (?, ?, ?)`
}

func (c Cursor) sessionsArgs() []any {
	if !c.set {
		return nil
	}
	return []any{c.day, c.ns, c.session}
}

// found is hits in the order of a search, each with its place in it.
type found struct {
	hits []Hit
	at   []Cursor
}

// page is f as the page of a search from after, of up to limit hits.
func (f found) page(after Cursor, limit int) SearchPage {
	p := SearchPage{Hits: f.hits, Next: after, More: limit > 0 && len(f.hits) == limit}
	if n := len(f.at); n > 0 {
		p.Next = f.at[n-1]
	}
	return p
}

// readHits runs a search's SQL and reads up to limit hits.
func (s *Store) readHits(ctx context.Context, bot, sqlText string, args []any) (found, error) {
	return readHits(ctx, s.db, bot, sqlText, args)
}

func readHits(ctx context.Context, q querier, bot, sqlText string, args []any) (found, error) {
	rows, err := q.QueryContext(ctx, sqlText, args...)
	if err != nil {
		return found{}, err
	}
	defer rows.Close()
	var f found
	for rows.Next() {
		h := Hit{Bot: bot}
		var created string
		c := Cursor{set: true}
		if err := rows.Scan(&c.day, &c.ns, &created, &h.SessionID, &h.Seq, &h.Type, &h.Content); err != nil {
			return found{}, err
		}
		if h.CreateTime, err = parseTime(created); err != nil {
			return found{}, err
		}
		c.session, c.seq = h.SessionID, h.Seq
		f.hits, f.at = append(f.hits, h), append(f.at, c)
	}
	return f, rows.Err()
}
