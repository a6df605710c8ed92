package store

import (
	"context"
	"database/sql"
	"fmt"
	"net"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
)

// IsURL reports whether where names a PostgreSQL database (a postgres://
// or postgresql:// URL) rather than a SQLite file.
func IsURL(where string) bool {
	return strings.HasPrefix(where, "postgres://") || strings.HasPrefix(where, "postgresql://")
}

// pgMaxConns bounds the connections one neotui holds to the server: each is
// a server process, and a serve of many sessions must not take them all.
const pgMaxConns = 16

// pgKeepAlive probes an idle connection after 10 s, then every 5 s, and
// gives up after 3 unanswered probes.
var pgKeepAlive = net.KeepAliveConfig{Enable: true, Idle: 10 * time.Second, Interval: 5 * time.Second, Count: 3}

// pgConnectTimeout bounds the first connection when the URL sets no
// connect_timeout: a server that does not answer is reported, not waited on.
const pgConnectTimeout = 15 * time.Second

// openPostgres opens the store in the PostgreSQL database rawURL names. A
// password comes from the URL, PGPASSWORD or ~/.pgpass (pgx reads them).
func openPostgres(rawURL string, opts ...Option) (*Store, error) {
	cfg, err := pgx.ParseConfig(rawURL) // its errors hide the password
	if err != nil {
		return nil, fmt.Errorf("open the store: %w", err)
	}
	if cfg.ConnectTimeout == 0 {
		cfg.ConnectTimeout = pgConnectTimeout
	}
	// A server cut off without a word (its machine gone, the network down)
	// is found out by keepalives within half a minute, not Go's default
	// two and a half: a query waiting on it then fails as unreachable.
	cfg.DialFunc = (&net.Dialer{KeepAliveConfig: pgKeepAlive}).DialContext
	where := describePostgres(cfg)
	db := sql.OpenDB(pgConnector{stdlib.GetConnector(*cfg)})
	db.SetMaxOpenConns(pgMaxConns)
	db.SetMaxIdleConns(pgMaxConns / 2)
	s := &Store{db: db, dialect: postgresDialect, listener: newListener(cfg.Copy()), where: "PostgreSQL at " + serverOf(cfg)}
	for _, o := range opts {
		o(s)
	}
	ctx := context.Background()
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("connect to the store at %s: %w", where, explainPostgres(err))
	}
	if err := s.migratePostgres(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("open the store at %s: %w", where, err)
	}
	return s, nil
}

// serverOf is the server's host:port, or its Unix socket's folder.
func serverOf(cfg *pgx.ConnConfig) string {
	if strings.HasPrefix(cfg.Host, "/") {
		return cfg.Host
	}
	return net.JoinHostPort(cfg.Host, strconv.Itoa(int(cfg.Port)))
}

// describePostgres names the database for messages as a URL, without its
// password.
func describePostgres(cfg *pgx.ConnConfig) string {
	if strings.HasPrefix(cfg.Host, "/") { // a Unix socket's folder
		return fmt.Sprintf("postgres://%s@/%s?host=%s", cfg.User, cfg.Database, cfg.Host)
	}
	return fmt.Sprintf("postgres://%s@%s/%s", cfg.User, serverOf(cfg), cfg.Database)
}
