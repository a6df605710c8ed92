package store

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/neotui/neotui/api"
	"github.com/neotui/neotui/internal/safetext"
)

// shownText is a message's text as the screen shows it — an AI reply as
// Markdown made safe, a visitor's text cleaned — or nil when that is the
// text itself, as it nearly always is. Search looks in this text only.
func shownText(typ, content string) any {
	shown := safetext.Clean(content)
	if typ == api.RoleAI {
		shown = safetext.Markdown(content)
	}
	if shown == content {
		return nil
	}
	return shown
}

// fillShown fills messages.shown for the messages stored before migration 4
// (SaveHistory keeps it in step after), then builds the index over it.
func fillShown(ctx context.Context, tx *sql.Tx) error {
	rows, err := tx.QueryContext(ctx, `SELECT id, type, content FROM messages`)
	if err != nil {
		return err
	}
	type fill struct {
		id    int64
		shown any
	}
	var todo []fill
	for rows.Next() {
		var id int64
		var typ, content string
		if err := rows.Scan(&id, &typ, &content); err != nil {
			rows.Close()
			return err
		}
		if shown := shownText(typ, content); shown != nil {
			todo = append(todo, fill{id, shown})
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	update, err := tx.PrepareContext(ctx, `UPDATE messages SET shown = ? WHERE id = ?`)
	if err != nil {
		return err
	}
	defer update.Close()
	for _, f := range todo {
		if _, err := update.ExecContext(ctx, f.shown, f.id); err != nil {
			return fmt.Errorf("fill the shown text of message %d: %w", f.id, err)
		}
	}
	if _, err := tx.ExecContext(ctx, shownIndex); err != nil {
		return fmt.Errorf("index the shown text: %w", err)
	}
	return nil
}
