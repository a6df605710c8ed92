package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// HistoryWindow is the widest history window, in days, that Neoagent
// answered for bot since it last refused one as too large; 0 if it never
// refused one. A sync starts there rather than spend a request on a width
// already refused.
func (s *Store) HistoryWindow(ctx context.Context, bot string) (int, error) {
	var days int
	err := s.db.QueryRowContext(ctx, `SELECT days FROM history_windows WHERE bot = ?`, bot).Scan(&days)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return 0, fmt.Errorf("read the history window: %w", err)
	}
	return days, nil
}

// SetHistoryWindow remembers days as bot's widest history window.
func (s *Store) SetHistoryWindow(ctx context.Context, bot string, days int) error {
	_, err := s.db.ExecContext(ctx, `
		INSERT INTO history_windows (bot, days) VALUES (?, ?)
		ON CONFLICT (bot) DO UPDATE SET days = excluded.days`, bot, days)
	if err != nil {
		return fmt.Errorf("remember the history window: %w", err)
	}
	return nil
}
