package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/neotui/neotui/internal/english"
)

// Copy copies everything one store holds into another that holds nothing:
// neotui store copy, from a SQLite file into a team's PostgreSQL database
// or back. What the stores derive from it (the search index, a
// conversation's has_lead, a lead's count of notes) the destination makes
// itself, as its own saves would, through its triggers and its index.

// ErrNotEmpty means the destination of a Copy holds neotui data already.
var ErrNotEmpty = errors.New("holds neotui data already")

// copyTable is a table Copy copies and the columns it copies, in the
// order a destination must take them: a conversation before its messages
// and its leads, a lead's triage before its notes.
type copyTable struct {
	name    string
	noun    string // what a row is, for progress and the summary
	columns []string
	order   string // the key, so that each destination's b-tree grows at its end
	serial  string // the column whose ids are never reused, if any
}

// copyTables are the tables Copy copies. Left out, as what each store
// makes or keeps for itself: sessions.has_lead (the leads' insert trigger
// sets it), on SQLite session_days (the sessions' triggers and writeCopy's
// refresh), triage.notes (the notes' triggers count them), the search index
// (made at the end; on PostgreSQL, each message's folded text as it goes
// in), and what processes share while they run on the store: the sync
// lease and the request budget's slots.
var copyTables = []copyTable{
	{name: "sessions", noun: "conversation", order: "bot, session_id",
		columns: []string{"bot", "session_id", "create_time", "create_ns", "day", "uri", "message_count", "preview", "hash", "visitor_count", "ai_count"}},
	{name: "messages", noun: "message", order: "id", serial: "id",
		columns: []string{"id", "bot", "session_id", "seq", "type", "content", "shown"}},
	{name: "leads", noun: "lead", order: "bot, key",
		columns: []string{"bot", "key", "type", "name", "email", "phone", "create_time", "create_ns", "day", "content", "session_id", "uri", "count", "hash", "email_norm", "phone_norm"}},
	{name: "sync_marks", noun: "sync mark", order: "bot, endpoint, day",
		columns: []string{"bot", "endpoint", "day", "fetched"}},
	{name: "triage", noun: "triage state", order: "bot, lead_key",
		columns: []string{"bot", "lead_key", "status", "starred", "snoozed_until", "seen_at", "updated_at", "updated_by", "version"}},
	{name: "notes", noun: "note", order: "id", serial: "id",
		columns: []string{"id", "bot", "lead_key", "author", "body", "created_at", "updated_at", "version", "edited_by"}},
	{name: "triage_log", noun: "logged change", order: "seq", serial: "seq",
		columns: []string{"seq", "bot", "lead_key", "at", "author", "what", "version", "note_id"}},
	{name: "visits", noun: "visit", order: `bot, "user"`,
		columns: []string{"bot", "user", "at"}},
	{name: "history_windows", noun: "history window", order: "bot",
		columns: []string{"bot", "days"}},
}

// Copied is how many rows of one kind a Copy copied.
type Copied struct {
	Noun string // what a row is: "conversation", "message", "lead"…
	Rows int
}

// CopyProgress is what a Copy is doing ("copying messages", "indexing
// 1,100,000 messages for search") and, while it copies rows, how many of
// how many it has copied.
type CopyProgress struct {
	Doing       string
	Done, Total int
}

// copyStep is how many rows go between two calls of Copy's progress.
const copyStep = 10_000

// Copy copies everything src holds into dst, which must hold no neotui
// data (else an error wrapping ErrNotEmpty): the conversations and their
// messages, leads, sync marks, triage, notes, their log, visits and the
// bots' history windows, with the same ids, which are never handed out
// again. It reads one snapshot of src and writes dst in one transaction,
// which it commits only once every table holds as many rows as src's: a
// Copy that fails leaves dst as it was. progress, if not nil, is told how
// far it has come.
//
// While Copy writes, a SQLite destination is locked, and a PostgreSQL one
// against other writers; its messages (whose search index Copy makes anew)
// against readers too: they wait, as for a long save.
func Copy(ctx context.Context, dst, src *Store, progress func(CopyProgress)) ([]Copied, error) {
	if progress == nil {
		progress = func(CopyProgress) {}
	}
	var copied []Copied
	err := src.snapshot(ctx, func(from *sql.Conn) error {
		counts := make([]int, len(copyTables))
		ids := make([]int64, len(copyTables))
		for i, t := range copyTables {
			if err := from.QueryRowContext(ctx, `SELECT count(*) FROM `+t.name).Scan(&counts[i]); err != nil {
				return fmt.Errorf("count the store's %ss: %w", t.noun, err)
			}
			if t.serial == "" {
				continue
			}
			var err error
			if ids[i], err = src.lastID(ctx, from, t); err != nil {
				return fmt.Errorf("read the store's last %s id: %w", t.noun, err)
			}
		}
		return dst.writeCopy(ctx, func(to copyDest) error {
			if err := checkEmpty(ctx, to); err != nil {
				return err
			}
			for i, t := range copyTables {
				if err := copyRows(ctx, from, to, t, counts[i], progress); err != nil {
					return fmt.Errorf("copy the %ss: %w", t.noun, err)
				}
				if t.serial != "" {
					if err := to.keepIDs(ctx, t, ids[i]); err != nil {
						return fmt.Errorf("copy the %ss: %w", t.noun, err)
					}
				}
			}
			if err := to.index(ctx, counts[slices.IndexFunc(copyTables, isMessages)], progress); err != nil {
				return err
			}
			for i, t := range copyTables {
				n, err := to.count(ctx, `SELECT count(*) FROM `+t.name)
				if err != nil {
					return fmt.Errorf("count the copied %ss: %w", t.noun, err)
				}
				if n != counts[i] {
					return fmt.Errorf("the copy holds %d %ss where the store holds %d", n, t.noun, counts[i])
				}
				copied = append(copied, Copied{Noun: t.noun, Rows: n})
			}
			return nil
		})
	})
	if err != nil {
		return nil, err
	}
	// The index was built in segments; merged now, the copy's first
	// searches are as fast as the store's (on PostgreSQL: nothing to do).
	// Left unmerged, by an error or a cancel, it is as right, only slower
	// until a store's tidier merges it.
	progress(CopyProgress{Doing: "merging the search index"})
	dst.TidySearch(ctx)
	return copied, nil
}

// Empty reports whether the store holds no neotui data: none of what Copy
// copies.
func (s *Store) Empty(ctx context.Context) (bool, error) {
	for _, t := range copyTables {
		var some bool
		if err := s.db.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM `+t.name+`)`).Scan(&some); err != nil {
			return false, fmt.Errorf("look into the store: %w", err)
		}
		if some {
			return false, nil
		}
	}
	return true, nil
}

func isMessages(t copyTable) bool { return t.name == "messages" }

// lastID is the last id src's sequence for t handed out: its rows' ids
// may end lower, when the last were deleted.
func (s *Store) lastID(ctx context.Context, from *sql.Conn, t copyTable) (id int64, err error) {
	q := `SELECT coalesce((SELECT seq FROM sqlite_sequence WHERE name = ?), 0)`
	args := []any{t.name}
	if s.dialect == postgresDialect {
		q = `SELECT coalesce(pg_sequence_last_value(pg_get_serial_sequence(?, ?)::regclass), 0)`
		args = append(args, t.serial)
	}
	err = from.QueryRowContext(ctx, q, args...).Scan(&id)
	return id, err
}

// checkEmpty fails with ErrNotEmpty if to holds a row of any table Copy
// copies.
func checkEmpty(ctx context.Context, to copyDest) error {
	for _, t := range copyTables {
		n, err := to.count(ctx, `SELECT count(*) FROM (SELECT 1 FROM `+t.name+` LIMIT 1) AS one`)
		if err != nil {
			return fmt.Errorf("look into the destination: %w", err)
		}
		if n > 0 {
			return fmt.Errorf("%w (%ss among it)", ErrNotEmpty, t.noun)
		}
	}
	return nil
}

// copyRows reads t's rows from from and writes them to to, telling
// progress as they go.
func copyRows(ctx context.Context, from *sql.Conn, to copyDest, t copyTable, total int, progress func(CopyProgress)) error {
	rows, err := from.QueryContext(ctx, `SELECT `+quoted(t.columns)+` FROM `+t.name+` ORDER BY `+t.order)
	if err != nil {
		return err
	}
	defer rows.Close()
	r := &rowReader{rows: rows, vals: make([]any, len(t.columns)), ptrs: make([]any, len(t.columns))}
	for i := range r.vals {
		r.ptrs[i] = &r.vals[i]
	}
	r.tell = func(n int) { progress(CopyProgress{Doing: "copying " + t.noun + "s", Done: n, Total: total}) }
	r.tell(0)
	if err := to.insert(ctx, t, r); err != nil {
		return err
	}
	if err := r.err(); err != nil {
		return err
	}
	r.tell(r.n)
	return nil
}

// rowReader reads a table's rows, a row at a time.
type rowReader struct {
	rows       *sql.Rows
	vals, ptrs []any
	n          int
	tell       func(n int)
	scanErr    error
}

// next reads the next row into r.vals, reporting false at the end or on
// an error (err).
func (r *rowReader) next() bool {
	if !r.rows.Next() {
		return false
	}
	// Into *any: a value as the driver gives it (int64, string, []byte or
	// nil), which both stores take; a []byte is copied.
	if r.scanErr = r.rows.Scan(r.ptrs...); r.scanErr != nil {
		return false
	}
	r.n++
	if r.n%copyStep == 0 {
		r.tell(r.n)
	}
	return true
}

func (r *rowReader) err() error {
	if r.scanErr != nil {
		return r.scanErr
	}
	return r.rows.Err()
}

// quoted is the columns as a list for SQL, each quoted: visits has a
// column named user.
func quoted(columns []string) string {
	q := make([]string, len(columns))
	for i, c := range columns {
		q[i] = `"` + c + `"`
	}
	return strings.Join(q, ", ")
}

// copyDest is a Copy's destination, in its one write transaction.
type copyDest interface {
	count(ctx context.Context, query string) (int, error)
	// insert writes t's rows as r reads them.
	insert(ctx context.Context, t copyTable, r *rowReader) error
	// keepIDs makes sure that t's ids up to last are never handed out.
	keepIDs(ctx context.Context, t copyTable, last int64) error
	// index makes the search index over the messages copied.
	index(ctx context.Context, messages int, progress func(CopyProgress)) error
}

// writeCopy runs write in a transaction of dst's that it commits if write
// succeeds.
func (s *Store) writeCopy(ctx context.Context, write func(copyDest) error) error {
	if s.dialect == postgresDialect {
		return s.writeCopyPostgres(ctx, write)
	}
	tx, err := s.begin(ctx, lockSchema) // SQLite: its one write lock
	if err != nil {
		return fmt.Errorf("write the copy: %w", err)
	}
	defer tx.Rollback()
	if err := write(sqliteDest{tx}); err != nil {
		return err
	}
	if err := refreshSessionDays(ctx, tx, s.dialect); err != nil {
		return fmt.Errorf("write the copy: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("write the copy: %w", err)
	}
	return nil
}

// sqliteDest is a SQLite destination.
type sqliteDest struct{ tx *sql.Tx }

func (d sqliteDest) count(ctx context.Context, query string) (n int, err error) {
	err = d.tx.QueryRowContext(ctx, query).Scan(&n)
	return n, err
}

// insert writes the rows some to a statement, as SaveHistory does its
// messages: about sixteen rows of messages (see messageBatch).
func (d sqliteDest) insert(ctx context.Context, t copyTable, r *rowReader) error {
	cols := len(t.columns)
	per := max(1, 112/cols)
	insert := `INSERT INTO ` + t.name + ` (` + quoted(t.columns) + `) VALUES `
	batch, err := d.tx.PrepareContext(ctx, insert+valueRows(per, cols))
	if err != nil {
		return err
	}
	defer batch.Close()
	pending := make([]any, 0, per*cols)
	for r.next() {
		pending = append(pending, r.vals...)
		if len(pending) == cap(pending) {
			if _, err := batch.ExecContext(ctx, pending...); err != nil {
				return err
			}
			pending = pending[:0]
		}
	}
	if len(pending) > 0 {
		if _, err := d.tx.ExecContext(ctx, insert+valueRows(len(pending)/cols, cols), pending...); err != nil {
			return err
		}
	}
	return nil
}

// keepIDs raises the table's AUTOINCREMENT counter to last: the rows
// inserted raised it to their highest id already.
func (d sqliteDest) keepIDs(ctx context.Context, t copyTable, last int64) error {
	_, err := d.tx.ExecContext(ctx, `
		INSERT INTO sqlite_sequence (name, seq) SELECT ?1, ?2
		WHERE NOT EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = ?1)`, t.name, last)
	if err == nil {
		_, err = d.tx.ExecContext(ctx, `UPDATE sqlite_sequence SET seq = max(seq, ?2) WHERE name = ?1`, t.name, last)
	}
	return err
}

func (d sqliteDest) index(ctx context.Context, messages int, progress func(CopyProgress)) error {
	progress(CopyProgress{Doing: "indexing " + english.Count(messages) + " messages for search"})
	// In the copy's transaction, in one statement (FTS5 flushes its terms
	// at each statement's savepoint), and the mark moved past them all
	// (migration 13): the copy opens with its index whole.
	if _, err := d.tx.ExecContext(ctx, `
		INSERT INTO messages_fts (rowid, content) SELECT id, content FROM messages_indexed`); err != nil {
		return fmt.Errorf("index the messages for search: %w", err)
	}
	if _, err := d.tx.ExecContext(ctx, `UPDATE search_indexed SET upto = (SELECT coalesce(max(id), 0) FROM messages)`); err != nil {
		return fmt.Errorf("index the messages for search: %w", err)
	}
	return nil
}
