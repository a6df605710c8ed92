package store

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/neotui/neotui/internal/english"
)

// A Copy into PostgreSQL.

// writeCopyPostgres runs write in one transaction of pgx's own, whose
// COPY takes rows several times faster than INSERTs do (1.1M messages in
// 15 s on two cores, where the store's own save takes a minute). The tables are locked against other
// writers from the start, so that the destination found empty stays so.
func (s *Store) writeCopyPostgres(ctx context.Context, write func(copyDest) error) error {
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return fmt.Errorf("write the copy: %w", explainPostgres(err))
	}
	defer conn.Close()
	err = withPgx(conn, func(pc *pgx.Conn) error {
		tx, err := pc.Begin(ctx)
		if err != nil {
			return err
		}
		defer tx.Rollback(context.WithoutCancel(ctx))
		d := &pgDest{tx: tx}
		names := make([]string, len(copyTables))
		for i, t := range copyTables {
			names[i] = t.name
		}
		if err := d.exec(ctx, `SELECT set_config('lock_timeout', ?, true)`, fmt.Sprintf("%dms", pgLockWait.Milliseconds())); err != nil {
			return err
		}
		if err := d.exec(ctx, `LOCK TABLE `+strings.Join(names, ", ")+` IN EXCLUSIVE MODE`); err != nil {
			return explainLockWait(err)
		}
		if err := d.exec(ctx, pgNoteGrams); err != nil { // index notes them
			return err
		}
		if err := write(d); err != nil {
			return err
		}
		return tx.Commit(ctx)
	})
	if err != nil {
		discard(conn) // one left mid-COPY by a cancel
		return err
	}
	return nil
}

// pgDest is a PostgreSQL destination. Its statements go to pgx itself,
// not through pgConn: it escapes what text it passes (escapeText).
type pgDest struct {
	tx     pgx.Tx
	remake []string            // what insert dropped of the messages' table, for index to make again
	grams  map[string]*gramSet // each bot's messages' grams, for index to write
}

func (d *pgDest) exec(ctx context.Context, query string, args ...any) error {
	_, err := d.tx.Exec(ctx, postgresDialect.rebind(query), args...)
	return err
}

func (d *pgDest) count(ctx context.Context, query string) (n int, err error) {
	err = d.tx.QueryRow(ctx, query).Scan(&n)
	return n, err
}

func (d *pgDest) insert(ctx context.Context, t copyTable, r *rowReader) error {
	columns := t.columns
	if !isMessages(t) {
		_, err := d.tx.CopyFrom(ctx, pgx.Identifier{t.name}, columns, &pgRowSource{rowReader: r, out: make([]any, 0, len(columns))})
		return err
	}
	// The search index is made anew once the messages are in (index), and
	// their conversations checked then: built in one go, a trigram index
	// of 1M messages takes a fraction of the time it takes to grow it a
	// row at a time, and a join checks 1M references faster than 1M
	// lookups. Their definitions are read from the database, as the
	// migrations made them.
	rows, err := d.tx.Query(ctx, `
		SELECT 'ALTER TABLE messages ADD CONSTRAINT ' || quote_ident(conname) || ' ' || pg_get_constraintdef(oid),
			'ALTER TABLE messages DROP CONSTRAINT ' || quote_ident(conname)
		FROM pg_constraint WHERE conrelid = 'messages'::regclass AND contype = 'f'
		UNION ALL
		SELECT indexdef, 'DROP INDEX ' || quote_ident(indexname) FROM pg_indexes
		WHERE schemaname = current_schema() AND tablename = 'messages' AND indexname = 'messages_search'`)
	if err != nil {
		return fmt.Errorf("read the messages' index and keys: %w", err)
	}
	var drops []string
	for rows.Next() {
		var make, drop string
		if err := rows.Scan(&make, &drop); err != nil {
			rows.Close()
			return err
		}
		d.remake = append(d.remake, make)
		drops = append(drops, drop)
	}
	if err := rows.Err(); err != nil {
		return err
	}
	for _, drop := range drops {
		if err := d.exec(ctx, drop); err != nil {
			return err
		}
	}
	columns = append(slices.Clip(columns), "folded")
	d.grams = map[string]*gramSet{}
	_, err = d.tx.CopyFrom(ctx, pgx.Identifier{t.name}, columns, &pgRowSource{rowReader: r, grams: d.grams, out: make([]any, 0, len(columns))})
	return err
}

// keepIDs sets the table's sequence to last, or to its highest id if that
// is higher: COPY writes the ids it is given and leaves the sequence be.
func (d *pgDest) keepIDs(ctx context.Context, t copyTable, last int64) error {
	var highest int64
	if err := d.tx.QueryRow(ctx, `SELECT coalesce(max(`+t.serial+`), 0) FROM `+t.name).Scan(&highest); err != nil {
		return err
	}
	if last = max(last, highest); last == 0 {
		return nil // a sequence starts at 1 anyway
	}
	return d.exec(ctx, `SELECT setval(pg_get_serial_sequence(?, ?), ?)`, t.name, t.serial, last)
}

// index makes again the messages' foreign key (which checks them all, at
// once) and search index that insert dropped, and writes their grams.
func (d *pgDest) index(ctx context.Context, messages int, progress func(CopyProgress)) error {
	progress(CopyProgress{Doing: "indexing " + english.Count(messages) + " messages for search"})
	if err := pgWriteAllGrams(ctx, d.tx, d.grams); err != nil {
		return fmt.Errorf("note the messages' short words for search: %w", err)
	}
	// More memory than the default 64 MB: the index is sorted in fewer passes.
	if err := d.exec(ctx, `SELECT set_config('maintenance_work_mem', '256MB', true)`); err != nil {
		return err
	}
	for _, make := range d.remake {
		if err := d.exec(ctx, make); err != nil {
			return fmt.Errorf("check and index the messages: %w", err)
		}
	}
	return nil
}

// pgRowSource is a table's rows as pgx's CopyFrom takes them: text
// escaped as pgConn escapes it, and a message (when grams, which gathers
// each bot's) with its folded text.
type pgRowSource struct {
	*rowReader
	grams map[string]*gramSet
	out   []any
}

func (s *pgRowSource) Next() bool { return s.next() }

func (s *pgRowSource) Err() error { return s.err() }

// The columns of messages that folded is made of, content and shown, and
// those its grams are noted by.
const copyBot, copySession, copyContent, copyShown = 1, 2, 5, 6

func (s *pgRowSource) Values() ([]any, error) {
	s.out = escapeValues(append(s.out[:0], s.vals...))
	if s.grams != nil {
		content, _ := s.vals[copyContent].(string)
		folded := foldSearch(searchedText(content, s.vals[copyShown]))
		s.out = append(s.out, escapeText(folded))
		bot, okBot := s.vals[copyBot].(string)
		session, okSession := s.vals[copySession].(int64)
		if !okBot || !okSession {
			return nil, fmt.Errorf("a message's bot and conversation read as %T and %T", s.vals[copyBot], s.vals[copySession])
		}
		if s.grams[bot] == nil {
			s.grams[bot] = newGramSet()
		}
		s.grams[bot].add(session, folded)
	}
	return s.out, nil
}
