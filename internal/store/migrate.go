package store

import (
	"context"
	"database/sql"
	"fmt"
)

// Running the migrations of schema.go on a SQLite store.

// migrationFills[v] runs after the SQL of migration v, in its transaction,
// for what SQL cannot do.
var migrationFills = map[int]func(context.Context, *sql.Tx) error{
	2: fillContacts,
	4: fillShown,
}

// slowMigrations say what a migration does that takes long on a big store,
// from how many rows of the table it goes through, and how long it takes.
var slowMigrations = map[int]struct {
	table string // whose rows it goes through: one of ours, put in the SQL
	min   int    // from how many rows it says so
	what  string // what it does, given how many rows
}{
	4:  {"messages", 50_000, "indexing %d messages for search as they are shown (about a minute per million)"},
	10: {"messages", 50_000, "indexing %d messages for search of words of one or two letters (about a minute per million)"},
	16: {"sessions", 100_000, "grouping %d conversations by day for the Conversations list (about 5 seconds per million)"},
}

// announce tells the user waiting on migration v of a big store why, once
// per Open: the note of the first slow migration stands for those after it.
func (s *Store) announce(ctx context.Context, tx *sql.Tx, v int) {
	m, ok := slowMigrations[v]
	if !ok || s.onUpgrade == nil || s.announced {
		return
	}
	var n int
	if tx.QueryRowContext(ctx, `SELECT count(*) FROM `+m.table).Scan(&n) == nil && n >= m.min {
		s.onUpgrade("upgrading the store, once: " + fmt.Sprintf(m.what, n) + "…")
		s.announced = true
	}
}

// migrate applies the migrations the store has not run yet, each in its own
// transaction with the version bump, so a crash leaves a whole version.
// Schema is the version of the store's layout this neotui writes: what a
// store built for benchmarks is named by, so that a newer layout builds
// its own rather than upgrading one an older branch still opens.
func Schema() int { return len(migrations) }

func (s *Store) migrate(ctx context.Context) error {
	// Checked first without a write lock: opening an up-to-date store must not
	// wait for another process's sync to commit.
	var version int
	if err := s.db.QueryRowContext(ctx, "PRAGMA user_version").Scan(&version); err != nil {
		return err
	}
	switch {
	case version == len(migrations):
		return nil
	case version > len(migrations):
		return newerStore(version)
	}
	for {
		done, err := s.migrateOne(ctx)
		if err != nil || done {
			return err
		}
	}
}

// migrateOne applies the next migration, reporting done when there is none.
// The version is read inside the write transaction so that two neotui
// processes opening a new store at once do not both apply a migration.
func (s *Store) migrateOne(ctx context.Context) (done bool, err error) {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return false, err
	}
	defer tx.Rollback()

	var version int
	if err := tx.QueryRowContext(ctx, "PRAGMA user_version").Scan(&version); err != nil {
		return false, err
	}
	switch {
	case version > len(migrations):
		return false, newerStore(version)
	case version == len(migrations):
		return true, tx.Commit()
	}
	s.announce(ctx, tx, version+1)
	if _, err := tx.ExecContext(ctx, migrations[version]); err != nil {
		return false, fmt.Errorf("migrate the store to schema version %d: %w", version+1, err)
	}
	if fill := migrationFills[version+1]; fill != nil {
		if err := fill(ctx, tx); err != nil {
			return false, fmt.Errorf("migrate the store to schema version %d: %w", version+1, err)
		}
	}
	// PRAGMA takes no bound parameters; version is an int we control.
	if _, err := tx.ExecContext(ctx, fmt.Sprintf("PRAGMA user_version = %d", version+1)); err != nil {
		return false, err
	}
	return false, tx.Commit()
}

func newerStore(version int) error {
	return fmt.Errorf("the store was written by a newer neotui (schema version %d, this neotui knows up to %d): upgrade neotui",
		version, len(migrations))
}
