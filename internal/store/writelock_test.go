package store

import (
	"context"
	"strings"
	"testing"
	"time"
)

// TestWriteGivesUpOnAStuckWriter: an action behind a writer that keeps its
// transaction open is refused after a while, saying why, rather than
// waiting forever; once the writer is gone, it goes through.
func TestWriteGivesUpOnAStuckWriter(t *testing.T) {
	if !onPostgres() {
		t.Skip("PostgreSQL's lock_timeout: SQLite's busy_timeout, 5 s, is set where it is opened")
	}
	defer func(d time.Duration) { pgLockWait = d }(pgLockWait)
	pgLockWait = 100 * time.Millisecond
	a, b := openTwice(t)
	ctx := context.Background()
	key := saveTestLeads(t, a, testBot, 1)[0]
	stuck, err := b.begin(ctx, lockTriage)
	if err != nil {
		t.Fatal(err)
	}
	_, err = a.SetStatus(ctx, testBot, key, StatusWon, -1, actAt, "ana")
	if err == nil || !strings.Contains(err.Error(), "another neotui has been writing") {
		t.Errorf("an action behind a stuck writer: err = %v, want it refused saying why", err)
	}
	stuck.Rollback()
	if _, err := a.SetStatus(ctx, testBot, key, StatusWon, -1, actAt, "ana"); err != nil {
		t.Errorf("the same action once the writer is gone: %v", err)
	}
}
