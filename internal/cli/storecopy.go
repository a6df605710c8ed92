package cli

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/neotui/neotui/config"
	"github.com/neotui/neotui/internal/english"
	"github.com/neotui/neotui/internal/safetext"
	"github.com/neotui/neotui/internal/store"
)

func (a *app) storeCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "store",
		Short: "Work on the store as a whole: copy it into another",
		Long: `Work on the store as a whole. The store is the one every command uses:
--store, else NEOTUI_STORE, else store: in the config file, else the SQLite
file in the data folder ($XDG_DATA_HOME/neotui/neotui.db).`,
		Example: `  neotui store copy --to postgres://ana@db.example/neotui`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) > 0 {
				return usageErrorf("unknown command %q for neotui store: the one there is is copy", args[0])
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error { return cmd.Help() },
	}
	cmd.AddCommand(a.storeCopyCommand())
	return cmd
}

func (a *app) storeCopyCommand() *cobra.Command {
	var to string
	cmd := &cobra.Command{
		Use:   "copy --to DEST",
		Short: "Copy the whole store into a new SQLite file or an empty PostgreSQL database",
		Long: `Copy everything the store holds into DEST: the conversations and their
messages, leads and appointments, triage (status, star, snooze, seen), notes
and their history, visits, sync marks and each bot's history window. The
store is the one every command uses (see neotui store --help). DEST is a new
SQLite file or the postgres:// URL of a database that holds no neotui data;
neotui makes its tables. A DEST that holds data is refused, never written
over. A team moving to a shared database copies its file there once; the
copy back is a backup.

The copy is all or nothing: a file takes its name only once it is complete,
and a database is written in one transaction, which ends only once every
table holds as many rows as the store's. The counts are printed.

A database's password is never given on the command line, where other
users see it in ps: it comes from PGPASSWORD or ~/.pgpass, or from the
config file's store: (or NEOTUI_STORE) when DEST is on that server as that
user.`,
		Example: `  neotui store copy --to postgres://ana@db.example/neotui
  neotui store copy --store ~/old.db --to postgres://ana@db.example/neotui
  neotui store copy --store postgres://ana@db.example/neotui --to ~/neotui-backup.db`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if to == "" {
				return usageErrorf("--to is needed: a new SQLite file or a postgres:// URL to copy the store into")
			}
			return a.copyStore(cmd.Context(), to)
		},
	}
	cmd.Flags().StringVar(&to, "to", "", "where to copy the store: a new SQLite file, or a postgres:// URL of a database without neotui data")
	return cmd
}

// copyStore copies the store into to and says what it copied.
func (a *app) copyStore(ctx context.Context, to string) error {
	cfg, err := config.Load(config.Options{Path: a.flags.config, Store: a.flags.store, Getenv: a.getenv})
	if err != nil {
		return err
	}
	where, dsn, err := cfg.CopyTarget(to)
	if err != nil {
		return err
	}
	from := cfg.StorePath()
	if where == from {
		return usageErrorf("--to names the store itself (%s): give a new file or another database", from)
	}
	if !store.IsURL(from) {
		if _, err := os.Stat(from); errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("there is no store at %s to copy: name it with --store", from)
		}
	}
	src, err := store.Open(cfg.StoreDSN(), store.OnUpgrade(func(note string) { fmt.Fprintln(a.stderr, "neotui: "+note) }))
	if err != nil {
		return err
	}
	defer src.Close()

	progress, done := a.copyProgress()
	var copied []store.Copied
	if store.IsURL(where) {
		copied, err = copyToDatabase(ctx, dsn, src, progress)
	} else {
		copied, err = copyToFile(ctx, where, src, progress)
	}
	done()
	switch {
	case err != nil && ctx.Err() != nil:
		return errors.New("interrupted: nothing was copied")
	case errors.Is(err, store.ErrNotEmpty):
		return fmt.Errorf("%s holds neotui data already: copy into a new file or an empty database", where)
	case err != nil:
		return fmt.Errorf("copy the store to %s: %w; nothing was copied", where, err)
	}
	fmt.Fprintf(a.stdout, "copied %s into %s: counts verified\n", describeCopied(copied), safetext.Line(where))
	return nil
}

// copyToDatabase copies src into the PostgreSQL database dsn names.
func copyToDatabase(ctx context.Context, dsn string, src *store.Store, progress func(store.CopyProgress)) ([]store.Copied, error) {
	dst, err := store.Open(dsn)
	if err != nil {
		return nil, err
	}
	defer dst.Close()
	return store.Copy(ctx, dst, src, progress)
}

// copyToFile copies src into a new SQLite file at path: into a temporary
// file beside it, named path once complete, so that a copy that fails
// leaves no file behind, and none that looks whole.
func copyToFile(ctx context.Context, path string, src *store.Store, progress func(store.CopyProgress)) (_ []store.Copied, err error) {
	exists := fmt.Errorf("%s exists already: copy into a new file", path)
	if _, err := os.Lstat(path); err == nil {
		return nil, exists
	}
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, err
	}
	f, err := os.CreateTemp(dir, ".neotui-copy-*.db")
	if err != nil {
		return nil, err
	}
	tmp := f.Name()
	f.Close()
	defer func() {
		for _, p := range []string{tmp, tmp + "-wal", tmp + "-shm"} {
			os.Remove(p)
		}
	}()
	dst, err := store.Open(tmp)
	if err != nil {
		return nil, err
	}
	copied, err := store.Copy(ctx, dst, src, progress)
	if cerr := dst.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return nil, err
	}
	// Closed, SQLite has written its log into the file and removed it: the
	// file is the whole store.
	if fi, err := os.Stat(tmp + "-wal"); err == nil && fi.Size() > 0 {
		return nil, errors.New("the new file's write-ahead log was left behind")
	}
	// A link, not a rename: it fails if a file took the name meanwhile,
	// which a rename would replace.
	if err := os.Link(tmp, path); err != nil {
		if errors.Is(err, fs.ErrExist) {
			return nil, exists
		}
		if err := os.Rename(tmp, path); err != nil { // a file system without links
			return nil, err
		}
	}
	return copied, nil
}

// copyProgress is what tells a copy's progress on stderr when it is a
// terminal, redrawn in place, and done, which clears it.
func (a *app) copyProgress() (progress func(store.CopyProgress), done func()) {
	live := newLiveLine(a.stderr)
	if live == nil {
		return nil, func() {}
	}
	var last time.Time
	progress = func(p store.CopyProgress) {
		if p.Total > 0 && p.Done > 0 && p.Done < p.Total && time.Since(last) < 100*time.Millisecond {
			return
		}
		last = time.Now()
		line := p.Doing + "…"
		if p.Total > 0 {
			line = fmt.Sprintf("%s: %s/%s", p.Doing, english.Count(p.Done), english.Count(p.Total))
		}
		live.show(line)
	}
	return progress, live.clear
}

// describeCopied is what a copy copied: "100,000 conversations, 1,100,000
// messages, 25,000 leads, 312 notes"; conversations, messages and leads
// always, the rest when there were some.
func describeCopied(copied []store.Copied) string {
	var parts []string
	for _, c := range copied {
		if c.Rows == 0 && c.Noun != "conversation" && c.Noun != "message" && c.Noun != "lead" {
			continue
		}
		parts = append(parts, english.Counted(c.Rows, c.Noun))
	}
	return strings.Join(parts, ", ")
}
