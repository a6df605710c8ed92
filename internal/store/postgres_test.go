package store

import (
	"testing"

	"github.com/jackc/pgx/v5"
)

func TestDescribePostgres(t *testing.T) {
	for _, tc := range []struct{ url, want string }{
		{"postgres://ana:hunter2@db.example/neotui", "postgres://ana@db.example:5432/neotui"},
		{"postgresql://ana@[::1]:5433/team?sslmode=disable&password=hunter2", "postgres://ana@[::1]:5433/team"},
		{"postgres://ana@/neotui?host=/run/postgresql", "postgres://ana@/neotui?host=/run/postgresql"},
	} {
		cfg, err := pgx.ParseConfig(tc.url)
		if err != nil {
			t.Fatal(err)
		}
		if got := describePostgres(cfg); got != tc.want {
			t.Errorf("describePostgres(%s) = %q, want %q", tc.url, got, tc.want)
		}
	}
}
