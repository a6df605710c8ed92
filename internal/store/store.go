// Package store is neotui's store: sessions, messages, leads, sync marks
// and triage state, each keyed by the bot's serial number, in a SQLite file
// (the default) or a PostgreSQL database that a team's neotui share.
//
// Everything the user sees is read from here; the network only feeds it. A
// fetched window is saved in one transaction together with its sync marks, so
// a store killed mid-sync holds whole windows or nothing of them.
package store

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"math"
	"net/url"
	"os"
	"path/filepath"
	"time"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/neotui/neotui/api"
)

var (
	// ErrNotDatabase means the store's file exists but is not a SQLite database.
	ErrNotDatabase = errors.New("not a SQLite database")
	// ErrNotFound means the requested record is not in the store.
	ErrNotFound = errors.New("not found in the local store")
)

// Store is the store. It is safe for concurrent use: reads run in
// parallel (WAL) and writes queue behind each other (busy_timeout; on
// PostgreSQL, see writeLock).
type Store struct {
	db        *sql.DB
	dialect   dialect
	onUpgrade func(note string)
	announced bool // onUpgrade was called
	tidier    tidier
	listener  *listener  // PostgreSQL's notices (Notices); nil on SQLite
	leases    leaseConns // PostgreSQL: the connections that hold sync leases
	where     string     // for messages (Where)
}

// Option tunes how a store is opened.
type Option func(*Store)

// OnUpgrade has Open call note before an upgrade of the store that takes
// long (a big store's search index made anew): a user waiting is told why.
func OnUpgrade(note func(string)) Option { return func(s *Store) { s.onUpgrade = note } }

// sqliteHeader starts every SQLite database file.
var sqliteHeader = []byte("SQLite format 3\x00")

// Open opens the store at path, a SQLite file (created if needed) or a
// postgres:// URL, and brings its schema up to date.
func Open(path string, opts ...Option) (*Store, error) {
	if IsURL(path) {
		return openPostgres(path, opts...)
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("open store %s: %w", path, err)
	}
	if err := os.MkdirAll(filepath.Dir(abs), 0o700); err != nil {
		return nil, fmt.Errorf("create the store's directory: %w", err)
	}
	if err := prepareFile(abs); err != nil {
		return nil, err
	}

	// _txlock=immediate: a write transaction takes the write lock at BEGIN, so
	// two writers queue on busy_timeout instead of one failing with SQLITE_BUSY
	// when it upgrades a read lock. Reads therefore never use transactions.
	// synchronous=NORMAL: with WAL a commit survives kill -9 without an fsync;
	// only a power cut can roll back the last commits (never corrupt, never
	// half a window), and fsync per commit costs 10-300 ms on some disks.
	// cache_size(-512): 512 KiB of pages a connection, not SQLite's 2 MiB.
	// The browser's lists read their index once through (a page cache
	// does not help), and each connection of the pool keeps its own: the
	// browser's RSS over 100k conversations is 5–9 MiB lower, its loads
	// and searches no slower (measured alternately).
	dsn := url.URL{Scheme: "file", OmitHost: true, Path: abs, RawQuery: "" +
		"_pragma=busy_timeout(5000)" +
		"&_pragma=foreign_keys(1)" +
		"&_pragma=journal_mode(WAL)" +
		"&_pragma=synchronous(NORMAL)" +
		"&_pragma=temp_store(MEMORY)" +
		"&_pragma=cache_size(-512)" +
		"&_txlock=immediate"}
	db, err := sql.Open("sqlite", dsn.String())
	if err != nil {
		return nil, fmt.Errorf("open store %s: %w", abs, err)
	}
	s := &Store{db: db, where: abs}
	for _, o := range opts {
		o(s)
	}
	// Turning a database written without WAL into WAL needs it alone, and
	// SQLite answers SQLITE_BUSY at once, without waiting out busy_timeout,
	// when another process opens it at the same moment: try again a while.
	err = s.migrate(context.Background())
	for wait := time.Duration(0); isBusy(err) && wait < 5*time.Second; wait += 50 * time.Millisecond {
		time.Sleep(50 * time.Millisecond)
		err = s.migrate(context.Background())
	}
	if err != nil {
		db.Close()
		if isNotADB(err) {
			return nil, notDatabase(abs)
		}
		return nil, fmt.Errorf("open store %s: %w", abs, err)
	}
	s.startTidier()
	return s, nil
}

// Close closes the store, interrupting the tidying of its search index.
func (s *Store) Close() error {
	s.stopTidier()
	if s.listener != nil {
		s.listener.close()
	}
	s.leases.closeAll()
	return s.db.Close()
}

// prepareFile creates the store's file 0600 if it is missing, refuses a file
// that is not a database without touching it, and tightens the mode of one
// that is: leads hold visitors' contact details.
func prepareFile(path string) error {
	f, err := os.OpenFile(path, os.O_RDONLY|os.O_CREATE, 0o600)
	if err != nil {
		return fmt.Errorf("open store %s: %w", path, err)
	}
	head := make([]byte, len(sqliteHeader))
	_, err = io.ReadFull(f, head)
	f.Close()
	switch {
	case errors.Is(err, io.EOF): // new or empty: SQLite builds a database in it
	case errors.Is(err, io.ErrUnexpectedEOF), err == nil && !bytes.Equal(head, sqliteHeader):
		return notDatabase(path)
	case err != nil:
		return fmt.Errorf("read store %s: %w", path, err)
	}
	// SQLite gives the -wal and -shm files the database's mode when it creates
	// them; ones left from an older, looser file are tightened too.
	for _, p := range []string{path, path + "-wal", path + "-shm"} {
		if err := os.Chmod(p, 0o600); err != nil && !errors.Is(err, os.ErrNotExist) {
			return fmt.Errorf("make %s private (chmod 0600): %w", p, err)
		}
	}
	return nil
}

func notDatabase(path string) error {
	return fmt.Errorf("%s is not a neotui store: move it aside and neotui will build a new store: %w",
		path, ErrNotDatabase)
}

// isNotADB reports whether SQLite found a file with a valid header to be no
// database after all.
func isBusy(err error) bool {
	var se *sqlite.Error
	return errors.As(err, &se) && se.Code()&0xff == sqlite3.SQLITE_BUSY
}

func isNotADB(err error) bool {
	var se *sqlite.Error
	return errors.As(err, &se) && se.Code()&0xff == sqlite3.SQLITE_NOTADB
}

// dayBounds turns an optional day range (zero = unbounded) into bounds for
// `day BETWEEN ? AND ?`.
func dayBounds(from, to api.Day) (lo, hi int64) {
	lo, hi = math.MinInt32, math.MaxInt32
	if !from.IsZero() {
		lo = int64(from)
	}
	if !to.IsZero() {
		hi = int64(to)
	}
	return lo, hi
}

// sqlLimit turns "0 = no limit" into a LIMIT that both SQLite and
// PostgreSQL read as none (SQLite's -1 is an error to PostgreSQL).
func sqlLimit(n int) int {
	if n <= 0 {
		return math.MaxInt64
	}
	return n
}

// unixNano is t in UTC nanoseconds, clamped to int64 so that a zero or absurd
// time still sorts (oldest or newest) instead of wrapping around.
func unixNano(t time.Time) int64 {
	const minSec, maxSec = math.MinInt64/1_000_000_000 + 1, math.MaxInt64/1_000_000_000 - 1
	switch sec := t.Unix(); {
	case sec < minSec:
		return math.MinInt64
	case sec > maxSec:
		return math.MaxInt64
	}
	return t.UnixNano()
}

// formatTime keeps the offset the API sent, so a lead made at 18:36 −08:00 is
// read back as 18:36 −08:00.
func formatTime(t time.Time) string { return t.Format(time.RFC3339Nano) }

func parseTime(s string) (time.Time, error) {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("stored time %q is damaged: %w", s, err)
	}
	return t, nil
}

func requireBot(bot string) error {
	if bot == "" {
		return errors.New("no bot serial number given: set NEOAGENT_SERIAL or use --bot")
	}
	return nil
}
