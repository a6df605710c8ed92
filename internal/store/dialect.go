package store

import (
	"encoding/json"
	"strconv"
	"strings"
)

// dialect is which database a store speaks. The queries are written once,
// in the SQL both understand, with SQLite's ? and ?N placeholders; what
// differs is asked of the dialect: the placeholders PostgreSQL wants ($N),
// a few function names, and how a transaction begins.
type dialect int

const (
	sqliteDialect dialect = iota
	postgresDialect
)

// greatest names the larger of two values: SQLite's scalar max(a, b) is
// PostgreSQL's greatest(a, b), where max takes one argument only.
func (d dialect) greatest() string {
	if d == postgresDialect {
		return "greatest"
	}
	return "max"
}

// beginSnapshot begins a read-only transaction that reads one snapshot of
// the store throughout: SQLite's deferred transaction takes it at its first
// read and never waits for a writer; PostgreSQL's default (read committed)
// would take a new one per statement.
func (d dialect) beginSnapshot() string {
	if d == postgresDialect {
		return "BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY"
	}
	return "BEGIN DEFERRED"
}

// rebind turns SQLite's placeholders into PostgreSQL's: ?N into $N and a
// bare ? into the number after the highest one so far, as SQLite numbers
// them. Text in quotes and -- comments is left alone.
func (d dialect) rebind(query string) string {
	if d != postgresDialect || !strings.Contains(query, "?") {
		return query
	}
	var b strings.Builder
	b.Grow(len(query) + 8)
	highest := 0
	for i := 0; i < len(query); i++ {
		switch c := query[i]; {
		case c == '\'' || c == '"':
			end := strings.IndexByte(query[i+1:], c)
			if end < 0 {
				b.WriteString(query[i:])
				return b.String()
			}
			// A doubled quote inside is two literals back to back: the same text.
			b.WriteString(query[i : i+end+2])
			i += end + 1
		case c == '-' && strings.HasPrefix(query[i:], "--"):
			end := strings.IndexByte(query[i:], '\n')
			if end < 0 {
				end = len(query) - i
			}
			b.WriteString(query[i : i+end])
			i += end - 1
		case c == '?':
			j := i + 1
			for j < len(query) && query[j] >= '0' && query[j] <= '9' {
				j++
			}
			n := highest + 1
			if j > i+1 {
				n, _ = strconv.Atoi(query[i+1 : j])
			}
			highest = max(highest, n)
			b.WriteString("$" + strconv.Itoa(n))
			i = j - 1
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// inList is "column is one of the list given as one argument" (list).
func (d dialect) inList(column string) string {
	if d == postgresDialect {
		return column + " = ANY(?)"
	}
	return column + " IN (SELECT value FROM json_each(?))"
}

// list is values as inList's argument: an array on PostgreSQL, a JSON
// array on SQLite.
func (d dialect) list(values any) (any, error) {
	if d == postgresDialect {
		return values, nil
	}
	b, err := json.Marshal(values)
	return string(b), err
}
