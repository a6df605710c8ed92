package store

import (
	"context"
	"database/sql"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// On PostgreSQL, a query word of one or two characters is too short for a
// trigram: without more, a search for one that few messages or none hold
// reads every message's folded text (215 to 620 ms at 1.1M messages).
// search_grams (PostgreSQL's migration 5) lists, for each bot, every gram
// of one or two characters in its messages' folded text, and while few of
// its conversations hold a gram, which ones (holders): a word in no message
// is answered at once, a rare one from its holders. A gram that more than
// pgRareSessions conversations hold is common (holders NULL): a walk of the
// newest conversations finds it, as before. Saves add to it (pgHistory),
// Copy fills it, and the migration from what the store held: it is a
// superset, never shrunk when messages go (a holder without the word is
// read, and LIKE decides), so nothing but a save needs to write it.

// pgRareSessions is how many conversations' messages a gram may be in and
// still be rare. Its holders are read one by one, as a walk of the newest
// sessions reads them (both a lookup of a session and of its messages):
// past 1.5% of 100k conversations, a walk of probeSessions fills a page of
// hits. At 1.1M messages, 509 of 1,958 grams are rare, listing 223k
// conversations all told. A variable for the tests.
var pgRareSessions = 1500

// gram is a gram of one or two runes (second noRune for a gram of one).
type gram struct{ first, second rune }

const noRune = -1

// asciiGrams is how many grams of ASCII runes there are: each pair, then
// each rune alone. gramSet keeps them in an array: they are nearly all.
const asciiGrams = utf8.RuneSelf*utf8.RuneSelf + utf8.RuneSelf

// gramHolders is the conversations that hold a gram, in the order added.
type gramHolders struct {
	sessions []int64 // nil once common
	n        int     // how many were added
	last     int64   // the last added
	common   bool    // more than pgRareSessions: sessions dropped
}

// gramSet is the grams of a bot's messages, with their holders.
type gramSet struct {
	ascii [asciiGrams]gramHolders
	other map[gram]*gramHolders
}

func newGramSet() *gramSet { return &gramSet{other: map[gram]*gramHolders{}} }

// pgGramSet is a new gramSet for the bot's messages in which the grams
// search_grams has as common already are so: a save of a window (pgHistory)
// lists no holders for them, the most of its work (by a third of its time
// in a year's first sync, 1.1M messages). It still writes them as common:
// IndexSearch may have noted every gram anew meanwhile (pgNoteGramsAgain).
func pgGramSet(ctx context.Context, tx *sql.Tx, bot string) (*gramSet, error) {
	g := newGramSet()
	rows, err := tx.QueryContext(ctx, `SELECT gram FROM search_grams WHERE bot = ? AND holders IS NULL`, bot)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var text string
		if err := rows.Scan(&text); err != nil {
			return nil, err
		}
		k := gram{noRune, noRune}
		for i, r := range []rune(text) {
			if i == 0 {
				k.first = r
			} else {
				k.second = r
			}
		}
		if k.first != noRune {
			g.holders(k).common = true // n 0: rows leaves it out unless added
		}
	}
	return g, rows.Err()
}

// add adds the grams of a message's folded text, held by session. A
// session's messages added one after the other count it once.
func (g *gramSet) add(session int64, folded string) {
	prev := rune(noRune)
	for _, r := range folded {
		if unicode.IsSpace(r) { // no query word holds one
			prev = noRune
			continue
		}
		g.holders(gram{r, noRune}).add(session)
		if prev != noRune {
			g.holders(gram{prev, r}).add(session)
		}
		prev = r
	}
}

func (g *gramSet) holders(k gram) *gramHolders {
	if k.first < utf8.RuneSelf && k.second < utf8.RuneSelf {
		if k.second == noRune {
			return &g.ascii[utf8.RuneSelf*utf8.RuneSelf+k.first]
		}
		return &g.ascii[k.first*utf8.RuneSelf+k.second]
	}
	h := g.other[k]
	if h == nil {
		h = &gramHolders{}
		g.other[k] = h
	}
	return h
}

func (h *gramHolders) add(session int64) {
	if h.n > 0 && h.last == session {
		return
	}
	h.n, h.last = h.n+1, session
	if h.common {
		return
	}
	if h.n > pgRareSessions {
		h.sessions, h.common = nil, true
		return
	}
	h.sessions = append(h.sessions, session)
}

// rows is the set as search_grams' upsert takes it (pgWriteGrams): the
// grams as stored, sorted, and each one's holders as an array literal, ""
// when common.
func (g *gramSet) rows() (grams, holders []string) {
	type row struct{ gram, holders string }
	var rows []row
	each := func(k gram, h *gramHolders) {
		if h.n == 0 {
			return
		}
		text := string(k.first)
		if k.second != noRune {
			text += string(k.second)
		}
		var list []byte
		if !h.common {
			list = append(list, '{')
			for i, s := range h.sessions {
				if i > 0 {
					list = append(list, ',')
				}
				list = strconv.AppendInt(list, s, 10)
			}
			list = append(list, '}')
		}
		rows = append(rows, row{escapeText(text), string(list)})
	}
	for i := range g.ascii {
		k := gram{rune(i / utf8.RuneSelf), rune(i % utf8.RuneSelf)}
		if i >= utf8.RuneSelf*utf8.RuneSelf {
			k = gram{rune(i - utf8.RuneSelf*utf8.RuneSelf), noRune}
		}
		each(k, &g.ascii[i])
	}
	for k, h := range g.other {
		each(k, h)
	}
	// In one order for every writer: two saves at once lock rows alike.
	slices.SortFunc(rows, func(a, b row) int { return strings.Compare(a.gram, b.gram) })
	for _, r := range rows {
		grams, holders = append(grams, r.gram), append(holders, r.holders)
	}
	return grams, holders
}

// pgNoteGrams is the statement that tells search_grams_stale's trigger
// that the transaction notes the grams of the messages it inserts.
const pgNoteGrams = `SELECT set_config('neotui.grams', 'noted', true)`

// pgNoteGramsAgain notes every message's grams anew, if a neotui older
// than search_grams inserted messages: IndexSearch's, after a sync. New
// messages wait until it commits (about 4 s at 1.1M messages).
func (s *Store) pgNoteGramsAgain(ctx context.Context) error {
	var stale bool
	if err := s.db.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM search_grams_stale)`).Scan(&stale); err != nil || !stale {
		return err
	}
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	tx, err := s.beginOn(ctx, conn, lockSchema) // a rewrite of what the store derives, as a migration's
	if err != nil {
		return err
	}
	defer tx.Rollback()
	for _, step := range []string{`LOCK TABLE messages IN SHARE ROW EXCLUSIVE MODE`, `DELETE FROM search_grams`, `DELETE FROM search_grams_stale`} {
		if _, err := tx.ExecContext(ctx, step); err != nil {
			return err
		}
	}
	if err := pgFillGrams(ctx, tx, conn); err != nil {
		return err
	}
	return tx.Commit()
}

// pgExecer is a pgx connection or transaction.
type pgExecer interface {
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
}

var _ pgExecer = (*pgx.Conn)(nil)

// pgWriteGrams adds the bot's grams g to search_grams: a gram's holders
// join those stored, up to pgRareSessions; past it, the gram is common.
func pgWriteGrams(ctx context.Context, db pgExecer, bot string, g *gramSet) error {
	grams, holders := g.rows()
	if len(grams) == 0 {
		return nil
	}
	// A CASE without ELSE is NULL: common, as it is when either side is.
	_, err := db.Exec(ctx, `
		INSERT INTO search_grams AS g (bot, gram, holders)
		SELECT $1, w.gram, nullif(w.holders, '')::bigint[] FROM unnest($2::text[], $3::text[]) AS w (gram, holders)
		ON CONFLICT (bot, gram) DO UPDATE SET holders = CASE
			WHEN cardinality(g.holders) + cardinality(excluded.holders) <= $4 THEN g.holders || excluded.holders END
		WHERE g.holders IS NOT NULL`,
		escapeText(bot), grams, holders, pgRareSessions)
	return err
}

// pgFillGrams fills search_grams from the messages stored (migration 5),
// in tx, on conn's pgx connection. In the order they are stored, a
// conversation's messages mostly follow each other; where they do not, a
// holder is listed twice, which costs nothing but room.
func pgFillGrams(ctx context.Context, tx *sql.Tx, conn *sql.Conn) error {
	rows, err := tx.QueryContext(ctx, `SELECT bot, session_id, folded FROM messages`)
	if err != nil {
		return err
	}
	bots := map[string]*gramSet{}
	for rows.Next() {
		var bot, folded string
		var session int64
		if err := rows.Scan(&bot, &session, &folded); err != nil {
			rows.Close()
			return err
		}
		if bots[bot] == nil {
			bots[bot] = newGramSet()
		}
		bots[bot].add(session, folded)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	return withPgx(conn, func(c *pgx.Conn) error { return pgWriteAllGrams(ctx, c, bots) })
}

// pgWriteAllGrams is pgWriteGrams for each bot's set.
func pgWriteAllGrams(ctx context.Context, db pgExecer, bots map[string]*gramSet) error {
	for bot, g := range bots {
		if err := pgWriteGrams(ctx, db, bot, g); err != nil {
			return err
		}
	}
	return nil
}
