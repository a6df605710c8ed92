package store

import (
	"context"
	"fmt"
)

// migrations[i] takes the schema from user_version i to i+1. Append only:
// a released migration is never edited, since stores in the field already ran it.
//
// Conventions: every table is keyed by bot (the serial number) so bots never
// mix; times the API sent are kept as RFC 3339 text with their offset
// (create_time) beside UTC unix nanoseconds for ordering (create_ns) and the
// UTC day for range filters (day); times neotui makes are UTC unix nanoseconds.
var migrations = []string{
	// 1: sessions, messages and their full-text index, leads, sync marks,
	// and the tables triage will fill.
	`
CREATE TABLE sessions (
	bot           TEXT    NOT NULL,
	session_id    INTEGER NOT NULL,
	create_time   TEXT    NOT NULL,
	create_ns     INTEGER NOT NULL,
	day           INTEGER NOT NULL,
	uri           TEXT    NOT NULL,
	message_count INTEGER NOT NULL,
	preview       TEXT    NOT NULL, -- so listing sessions never reads messages
	hash          BLOB    NOT NULL, -- of what the API sent; the same hash means nothing to write
	PRIMARY KEY (bot, session_id)
);
-- day grows with create_ns, so "ORDER BY day, create_ns, session_id" (either
-- direction), with or without a day range, is a walk of this index: no sort.
CREATE INDEX sessions_newest ON sessions (bot, day, create_ns, session_id);

CREATE TABLE messages (
	id         INTEGER PRIMARY KEY AUTOINCREMENT, -- never reused: see indexNewMessages
	bot        TEXT    NOT NULL,
	session_id INTEGER NOT NULL,
	seq        INTEGER NOT NULL, -- position in the session, from 0
	type       TEXT    NOT NULL,
	content    TEXT    NOT NULL,
	UNIQUE (bot, session_id, seq),
	FOREIGN KEY (bot, session_id) REFERENCES sessions (bot, session_id) ON DELETE CASCADE
);

-- External content: the text is stored once, in messages. Triggers keep the
-- index in step on delete and update; new rows are indexed by
-- indexNewMessages, once per save: FTS5 flushes its pending terms into a new
-- segment at every statement savepoint, and an insert trigger opens one per
-- row, which made ingest three times slower. remove_diacritics: "jose"
-- finds "José".
CREATE VIRTUAL TABLE messages_fts USING fts5(
	content, content='messages', content_rowid='id',
	tokenize='trigram remove_diacritics 1'
);
CREATE TRIGGER messages_fts_delete AFTER DELETE ON messages BEGIN
	INSERT INTO messages_fts (messages_fts, rowid, content) VALUES ('delete', old.id, old.content);
END;
CREATE TRIGGER messages_fts_update AFTER UPDATE OF content ON messages BEGIN
	INSERT INTO messages_fts (messages_fts, rowid, content) VALUES ('delete', old.id, old.content);
	INSERT INTO messages_fts (rowid, content) VALUES (new.id, new.content);
END;

CREATE TABLE leads (
	bot         TEXT    NOT NULL,
	key         TEXT    NOT NULL, -- LeadKey: survives changes to the lead's fields
	type        TEXT    NOT NULL,
	name        TEXT    NOT NULL,
	email       TEXT    NOT NULL,
	phone       TEXT    NOT NULL,
	create_time TEXT    NOT NULL,
	create_ns   INTEGER NOT NULL,
	day         INTEGER NOT NULL,
	content     TEXT    NOT NULL,
	session_id  INTEGER NOT NULL, -- no foreign key: a lead may arrive before its session
	uri         TEXT    NOT NULL,
	count       INTEGER NOT NULL,
	hash        BLOB    NOT NULL,
	PRIMARY KEY (bot, key)
);
CREATE INDEX leads_newest ON leads (bot, day, create_ns, session_id);
CREATE INDEX leads_by_session ON leads (bot, session_id);

-- A mark says: this UTC day of this endpoint was fetched completely at fetched.
CREATE TABLE sync_marks (
	bot      TEXT    NOT NULL,
	endpoint TEXT    NOT NULL,
	day      INTEGER NOT NULL,
	fetched  INTEGER NOT NULL,
	PRIMARY KEY (bot, endpoint, day)
) WITHOUT ROWID;

-- Local triage state, keyed by LeadKey. Saving leads never touches it.
CREATE TABLE triage (
	bot           TEXT    NOT NULL,
	lead_key      TEXT    NOT NULL,
	status        TEXT    NOT NULL DEFAULT 'new',
	starred       INTEGER NOT NULL DEFAULT 0,
	snoozed_until INTEGER,
	seen_at       INTEGER,
	updated_at    INTEGER,
	PRIMARY KEY (bot, lead_key)
);
CREATE TABLE notes (
	id         INTEGER PRIMARY KEY,
	bot        TEXT    NOT NULL,
	lead_key   TEXT    NOT NULL,
	author     TEXT    NOT NULL,
	body       TEXT    NOT NULL,
	created_at INTEGER NOT NULL,
	updated_at INTEGER NOT NULL
);
CREATE INDEX notes_by_lead ON notes (bot, lead_key, created_at);
`,
}

// migrate applies the migrations the store has not run yet, each in its own
// transaction with the version bump, so a crash leaves a whole version.
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
	if _, err := tx.ExecContext(ctx, migrations[version]); err != nil {
		return false, fmt.Errorf("migrate the store to schema version %d: %w", version+1, err)
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
