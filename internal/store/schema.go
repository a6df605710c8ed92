package store

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

	// 2: triage versions, authors and notes counts, the change log other
	// processes poll, visits, never-reused note ids, and normalized contacts
	// for Related (filled by fillContacts: SQL cannot normalize a phone).
	`
-- Rebuilt WITHOUT ROWID: every list row reads its lead's triage, and this
-- makes that one b-tree seek instead of two. notes counts the lead's notes
-- (kept by the triggers below) so that lists need no count per row.
CREATE TABLE triage_v2 (
	bot           TEXT    NOT NULL,
	lead_key      TEXT    NOT NULL,
	status        TEXT    NOT NULL DEFAULT 'new',
	starred       INTEGER NOT NULL DEFAULT 0,
	snoozed_until INTEGER,
	seen_at       INTEGER,
	updated_at    INTEGER,
	updated_by    TEXT    NOT NULL DEFAULT '',
	version       INTEGER NOT NULL DEFAULT 0, -- +1 per change; 0: a row kept only for notes
	notes         INTEGER NOT NULL DEFAULT 0,
	PRIMARY KEY (bot, lead_key)
) WITHOUT ROWID;
INSERT INTO triage_v2 (bot, lead_key, status, starred, snoozed_until, seen_at, updated_at, version)
	SELECT bot, lead_key, status, starred, snoozed_until, seen_at, updated_at, 1 FROM triage;
DROP TABLE triage;
ALTER TABLE triage_v2 RENAME TO triage;

-- Rebuilt with AUTOINCREMENT: a reused id would let a session still showing
-- a deleted note edit someone else's new one, and RestoreNote brings a note
-- back under its own id.
CREATE TABLE notes_v2 (
	id         INTEGER PRIMARY KEY AUTOINCREMENT,
	bot        TEXT    NOT NULL,
	lead_key   TEXT    NOT NULL,
	author     TEXT    NOT NULL,
	body       TEXT    NOT NULL,
	created_at INTEGER NOT NULL,
	updated_at INTEGER NOT NULL
);
INSERT INTO notes_v2 (id, bot, lead_key, author, body, created_at, updated_at)
	SELECT id, bot, lead_key, author, body, created_at, updated_at FROM notes;
DROP TABLE notes;
ALTER TABLE notes_v2 RENAME TO notes;
CREATE INDEX notes_by_lead ON notes (bot, lead_key, created_at);

INSERT INTO triage (bot, lead_key, notes)
	SELECT bot, lead_key, count(*) FROM notes WHERE true GROUP BY bot, lead_key
	ON CONFLICT (bot, lead_key) DO UPDATE SET notes = excluded.notes;
CREATE TRIGGER notes_count_insert AFTER INSERT ON notes BEGIN
	INSERT INTO triage (bot, lead_key, notes) VALUES (new.bot, new.lead_key, 1)
	ON CONFLICT (bot, lead_key) DO UPDATE SET notes = notes + 1;
END;
CREATE TRIGGER notes_count_delete AFTER DELETE ON notes BEGIN
	UPDATE triage SET notes = notes - 1 WHERE bot = old.bot AND lead_key = old.lead_key;
END;

-- One row per triage or note write, in the writer's transaction: other
-- processes poll max(seq) to learn that something changed. AUTOINCREMENT:
-- seq never goes back, even after pruning (triageLogKeep).
CREATE TABLE triage_log (
	seq      INTEGER PRIMARY KEY AUTOINCREMENT,
	bot      TEXT    NOT NULL,
	lead_key TEXT    NOT NULL,
	at       INTEGER NOT NULL,
	author   TEXT    NOT NULL,
	what     TEXT    NOT NULL, -- seen, status, star, snooze, undo, note-add, note-edit, note-delete, note-restore
	version  INTEGER,          -- the triage version written; NULL for notes
	note_id  INTEGER           -- the note written; NULL for triage
);

-- When each operator last opened each bot, for "new since your last visit".
CREATE TABLE visits (
	bot  TEXT    NOT NULL,
	user TEXT    NOT NULL,
	at   INTEGER NOT NULL,
	PRIMARY KEY (bot, user)
) WITHOUT ROWID;

-- NormalizeEmail and NormalizePhone of the lead's fields; '' for none.
-- Partial indexes: many leads lack one or the other.
ALTER TABLE leads ADD COLUMN email_norm TEXT NOT NULL DEFAULT '';
ALTER TABLE leads ADD COLUMN phone_norm TEXT NOT NULL DEFAULT '';
CREATE INDEX leads_by_email ON leads (email_norm) WHERE email_norm <> '';
CREATE INDEX leads_by_phone ON leads (phone_norm) WHERE phone_norm <> '';

-- LeadQuery.AllBots: every bot's leads newest first, as leads_newest is one's.
CREATE INDEX leads_all_newest ON leads (day, create_ns, session_id, bot);
`,

	// 3: note versions and editors, so that two operators editing one note
	// conflict instead of the last edit silently winning.
	`
-- +1 per edit; a note added (or stored before version 3) is at 1.
ALTER TABLE notes ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
-- Who edited the note last; '' if never edited (or only before version 3).
ALTER TABLE notes ADD COLUMN edited_by TEXT NOT NULL DEFAULT '';

-- A triage action on a lead someone changed since it was read looks up
-- what they changed (store.clash): their log rows of that lead.
CREATE INDEX triage_log_by_lead ON triage_log (bot, lead_key, version);
`,

	// 4: search finds what the screen shows. The index held the raw text, so
	// a payload the sanitizer strips (an OSC title, a clipboard write) found a
	// conversation that shows no such word. The index is made anew by
	// fillShown, over messages_shown.
	`
-- The text as the screen shows it (sanitized), when it differs from content;
-- NULL, for nearly every message, when it is content itself.
ALTER TABLE messages ADD COLUMN shown TEXT;
CREATE VIEW messages_shown AS SELECT id, coalesce(shown, content) AS content FROM messages;
DROP TRIGGER messages_fts_delete;
DROP TRIGGER messages_fts_update;
DROP TABLE messages_fts;
`,

	// 5: what the neotui processes on one store agree on per bot, so that
	// together they keep Neoagent's rate limit and fetch no window twice.
	`
-- The earliest time (UTC ns) the bot's next history request may be sent.
-- Each request takes it and moves it on by one interval (TakeSlot): the
-- pace of one client, whichever process sends.
CREATE TABLE request_slots (
	bot  TEXT    NOT NULL PRIMARY KEY,
	next INTEGER NOT NULL
) WITHOUT ROWID;

-- The bot's sync under way: owner's since it began, renewed while it runs.
-- A neotui killed mid-sync stops renewing and its lease lapses at expires.
CREATE TABLE sync_leases (
	bot     TEXT    NOT NULL PRIMARY KEY,
	owner   TEXT    NOT NULL,
	since   INTEGER NOT NULL,
	expires INTEGER NOT NULL
) WITHOUT ROWID;
`,

	// 6: the request budget becomes a budget, not a pace (the first
	// requests of a sync go at once), and the syncer remembers per bot the
	// widest history window Neoagent answered.
	`
DROP TABLE request_slots;

-- The slots (UTC ns) of the bot's recent history requests, whichever
-- process sent them: a request goes no sooner than the budget's N-th slot
-- before it plus its period (TakeSlot). Slots out of every future period
-- are deleted as new ones are taken.
CREATE TABLE request_log (
	bot TEXT    NOT NULL,
	at  INTEGER NOT NULL
);
CREATE INDEX request_log_by_bot ON request_log (bot, at);

-- The widest history window, in days, that Neoagent answered since it
-- last refused one as too large (413); no row: none was ever refused.
CREATE TABLE history_windows (
	bot  TEXT    NOT NULL PRIMARY KEY,
	days INTEGER NOT NULL
) WITHOUT ROWID;
`,

	// 7: the Conversations list reads one index instead of the index and
	// then each session's row: at 100k sessions those lookups were a third
	// of its load.
	`
-- Everything a list row shows (EachSession), newest first. It replaces
-- sessions_newest, whose columns lead it: every walk of that one walks this.
CREATE INDEX sessions_rows ON sessions (bot, day, create_ns, session_id, message_count, uri, preview);
DROP INDEX sessions_newest;
`,

	// 8: reports. A session's messages counted by who wrote them, so that a
	// period's figures read its sessions alone and not their ten times as
	// many messages; and indexes that hold every column a report reads, so
	// that it reads no table row (on a big store, each is a random read).
	`
ALTER TABLE sessions ADD COLUMN visitor_count INTEGER NOT NULL DEFAULT 0; -- Type User
ALTER TABLE sessions ADD COLUMN ai_count INTEGER NOT NULL DEFAULT 0;      -- Type AI
UPDATE sessions SET
	visitor_count = (SELECT count(*) FROM messages m
		WHERE m.bot = sessions.bot AND m.session_id = sessions.session_id AND m.type = 'User'),
	ai_count = (SELECT count(*) FROM messages m
		WHERE m.bot = sessions.bot AND m.session_id = sessions.session_id AND m.type = 'AI');
-- The list's index (migration 7) gains the counts, so that a list and a
-- report each read this one index; a second index led by the same columns
-- drew the list's queries away from the one that covers them.
DROP INDEX sessions_rows;
CREATE INDEX sessions_rows ON sessions (bot, day, create_ns, session_id, message_count, uri, preview, visitor_count, ai_count);
CREATE INDEX leads_report ON leads (bot, day, create_ns, session_id, type, key, uri);
`,

	// 9: a save of history leaves the search index's new segments unmerged;
	// the store merges them once idle (TidySearch). FTS5 merged them as it
	// went, and that was 40% of a first sync.
	`
INSERT INTO messages_fts (messages_fts, rank) VALUES ('automerge', 0);
-- A level is merged at once only at this many segments: a year of history
-- in weekly windows (53) stays unmerged until the store is idle.
INSERT INTO messages_fts (messages_fts, rank) VALUES ('crisismerge', 64);
-- Pending terms up to 4 MB before they are written as a segment (1 MB by
-- default): a week of a big bot's messages is one segment, not four.
INSERT INTO messages_fts (messages_fts, rank) VALUES ('hashsize', 4194304);
`,

	// 10: search finds a word of one or two letters through the index (see
	// searchterms.go), not by reading every message: the index is made anew
	// over the shown text with two newlines appended (indexEnd), so that
	// every letter of a text starts a trigram, and its terms are listed.
	`
DROP TRIGGER messages_fts_delete;
DROP TRIGGER messages_fts_update;
DROP TABLE messages_fts;
-- What the index holds; indexNewMessages and the triggers append the same.
CREATE VIEW messages_indexed AS SELECT id, coalesce(shown, content) || char(10, 10) AS content FROM messages;
CREATE VIRTUAL TABLE messages_fts USING fts5(
	content, content='messages_indexed', content_rowid='id',
	tokenize='trigram remove_diacritics 1'
);
-- Migration 9's settings, which went with the old index.
INSERT INTO messages_fts (messages_fts, rank) VALUES ('automerge', 0);
INSERT INTO messages_fts (messages_fts, rank) VALUES ('crisismerge', 64);
INSERT INTO messages_fts (messages_fts, rank) VALUES ('hashsize', 4194304);
INSERT INTO messages_fts (messages_fts) VALUES ('rebuild');
CREATE TRIGGER messages_fts_delete AFTER DELETE ON messages BEGIN
	INSERT INTO messages_fts (messages_fts, rowid, content) VALUES ('delete', old.id, coalesce(old.shown, old.content) || char(10, 10));
END;
CREATE TRIGGER messages_fts_update AFTER UPDATE OF content, shown ON messages BEGIN
	INSERT INTO messages_fts (messages_fts, rowid, content) VALUES ('delete', old.id, coalesce(old.shown, old.content) || char(10, 10));
	INSERT INTO messages_fts (rowid, content) VALUES (new.id, coalesce(new.shown, new.content) || char(10, 10));
END;
-- Every occurrence of every term: WHERE term >= ? AND term < ? reads a
-- range of them, in order, from the index's own term order.
CREATE VIRTUAL TABLE messages_terms USING fts5vocab(messages_fts, instance);
`,

	// 11: a conversation knows whether it produced a lead or appointment,
	// so that a report counts conversions from the index it reads anyway:
	// asking the leads for every conversation of 180 days cost 21 of a
	// 90-day report's 120 ms. A lead may be stored before its conversation
	// (a sync fetches leads first): a conversation's insert looks, and a
	// lead's insert marks. A lead never moves: its key holds its session.
	`
ALTER TABLE sessions ADD COLUMN has_lead INTEGER NOT NULL DEFAULT 0;
UPDATE sessions SET has_lead = 1
	WHERE EXISTS (SELECT 1 FROM leads l WHERE l.bot = sessions.bot AND l.session_id = sessions.session_id);
CREATE TRIGGER leads_mark_session AFTER INSERT ON leads BEGIN
	UPDATE sessions SET has_lead = 1 WHERE bot = new.bot AND session_id = new.session_id AND has_lead = 0;
END;
DROP INDEX sessions_rows;
CREATE INDEX sessions_rows ON sessions (bot, day, create_ns, session_id, message_count, uri, preview, visitor_count, ai_count, has_lead);
`,
	// 12: the Conversations list names each conversation's visitor from
	// its lead, in one pass over the bot's leads (EachLeadWho): covered by
	// the index, not a table row a lead, that pass takes a few ms at 25k.
	`
DROP INDEX leads_by_session;
CREATE INDEX leads_by_session ON leads (bot, session_id, name, email);
`,

	// 13: a save of history no longer indexes its messages for search in
	// its own transaction (44% of a first sync): the store indexes them once
	// idle, a batch a transaction (indexSaved), and a search reads those not
	// indexed yet as they are (tailHits). search_indexed holds the highest
	// message id indexed; ids only grow (AUTOINCREMENT), so every message
	// above it waits for the index. The triggers leave the index alone for
	// those: it holds nothing of them to delete.
	`
CREATE TABLE search_indexed (upto INTEGER NOT NULL);
INSERT INTO search_indexed (upto) SELECT coalesce(max(id), 0) FROM messages;
DROP TRIGGER messages_fts_delete;
DROP TRIGGER messages_fts_update;
CREATE TRIGGER messages_fts_delete AFTER DELETE ON messages
WHEN old.id <= (SELECT upto FROM search_indexed) BEGIN
	INSERT INTO messages_fts (messages_fts, rowid, content) VALUES ('delete', old.id, coalesce(old.shown, old.content) || char(10, 10));
END;
CREATE TRIGGER messages_fts_update AFTER UPDATE OF content, shown ON messages
WHEN old.id <= (SELECT upto FROM search_indexed) BEGIN
	INSERT INTO messages_fts (messages_fts, rowid, content) VALUES ('delete', old.id, coalesce(old.shown, old.content) || char(10, 10));
	INSERT INTO messages_fts (rowid, content) VALUES (new.id, coalesce(new.shown, new.content) || char(10, 10));
END;
`,

	// 14: leads_newest is the start of leads_report (migration 8), which
	// serves every query it served: one index fewer for every lead saved.
	`
DROP INDEX leads_newest;
`,

	// 15: the bot's sync under way says how far it is, for the neotuis
	// waiting for it (SyncProgress).
	`
ALTER TABLE sync_leases ADD COLUMN progress TEXT NOT NULL DEFAULT '';
`,

	// 16: each day's sessions as the Conversations list reads them, kept
	// ready (sessiondays.go): a day's texts are NULL while stale. Every day
	// that has sessions has a row, stale until the refresh below.
	`
CREATE TABLE session_days (
	bot    TEXT    NOT NULL,
	day    INTEGER NOT NULL,
	lines  TEXT,
	uris   TEXT,
	fields TEXT,
	PRIMARY KEY (bot, day)
);
CREATE TRIGGER sessions_day_insert AFTER INSERT ON sessions BEGIN
	INSERT INTO session_days (bot, day) VALUES (new.bot, new.day)
	ON CONFLICT (bot, day) DO UPDATE SET lines = NULL, uris = NULL, fields = NULL WHERE lines IS NOT NULL;
END;
CREATE TRIGGER sessions_day_update AFTER UPDATE OF bot, session_id, day, create_ns, uri, message_count, preview, has_lead ON sessions
WHEN old.bot IS NOT new.bot OR old.session_id IS NOT new.session_id OR old.day IS NOT new.day
	OR old.create_ns IS NOT new.create_ns OR old.uri IS NOT new.uri OR old.message_count IS NOT new.message_count
	OR old.preview IS NOT new.preview OR old.has_lead IS NOT new.has_lead BEGIN
	UPDATE session_days SET lines = NULL, uris = NULL, fields = NULL WHERE bot = old.bot AND day = old.day AND lines IS NOT NULL;
	INSERT INTO session_days (bot, day) VALUES (new.bot, new.day)
	ON CONFLICT (bot, day) DO UPDATE SET lines = NULL, uris = NULL, fields = NULL WHERE lines IS NOT NULL;
END;
CREATE TRIGGER sessions_day_delete AFTER DELETE ON sessions BEGIN
	UPDATE session_days SET lines = NULL, uris = NULL, fields = NULL WHERE bot = old.bot AND day = old.day AND lines IS NOT NULL;
END;
INSERT INTO session_days (bot, day) SELECT DISTINCT bot, day FROM sessions;
` + refreshDaysSQL + `;
`,
}

// shownIndex is the full-text index over the shown text, as migration 4
// leaves it: fillShown creates it once shown is filled, so that filling it
// fires no trigger on an index not built yet. External content, as before:
// the text is stored once; remove_diacritics: "jose" finds "José".
const shownIndex = `
CREATE VIRTUAL TABLE messages_fts USING fts5(
	content, content='messages_shown', content_rowid='id',
	tokenize='trigram remove_diacritics 1'
);
INSERT INTO messages_fts (messages_fts, rank) VALUES ('automerge', 0);
INSERT INTO messages_fts (messages_fts) VALUES ('rebuild');
INSERT INTO messages_fts (messages_fts, rank) VALUES ('automerge', 4);
CREATE TRIGGER messages_fts_delete AFTER DELETE ON messages BEGIN
	INSERT INTO messages_fts (messages_fts, rowid, content) VALUES ('delete', old.id, coalesce(old.shown, old.content));
END;
CREATE TRIGGER messages_fts_update AFTER UPDATE OF content, shown ON messages BEGIN
	INSERT INTO messages_fts (messages_fts, rowid, content) VALUES ('delete', old.id, coalesce(old.shown, old.content));
	INSERT INTO messages_fts (rowid, content) VALUES (new.id, coalesce(new.shown, new.content));
END;
`
