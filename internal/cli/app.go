package cli

import (
	"context"
	"fmt"
	"io"
	"os"
	"strconv"
	"time"

	"golang.org/x/term"

	"github.com/neotui/neotui/api"
	"github.com/neotui/neotui/internal/syncer"
)

// app holds what every command shares: streams, environment, global flags.
type app struct {
	stdout, stderr io.Writer
	getenv         func(string) string
	now            func() time.Time
	version        string // neotui's, for --version and the User-Agent
	flags          struct {
		config, bot, baseURL string
		offline              bool
	}
}

// sync brings from..to up to date: progress on stderr when it is a
// terminal, else a line per stored window to log (nil: none). A failed sync
// is returned for the caller to report after printing what is stored.
func (a *app) sync(ctx context.Context, s *session, from, to api.Day, leadsOnly bool, log io.Writer) (syncer.Report, error) {
	if s.client == nil {
		return syncer.Report{}, nil
	}
	sy := s.syncer(a.now)
	sy.LeadsOnly = leadsOnly
	tty := isTerminal(a.stderr)
	logged := 0 // windows logged as stored
	sy.OnProgress = func(p syncer.Progress) {
		if p.Total == 0 || p.Endpoint == "" {
			if tty {
				fmt.Fprint(a.stderr, "\r\033[K") // done: clear the progress line
			}
			return
		}
		line := fmt.Sprintf("syncing %s %d/%d (%s…%s)", p.Endpoint, min(p.Done+1, p.Total), p.Total, p.Window, p.WindowTo)
		switch {
		case tty:
			fmt.Fprint(a.stderr, "\r\033[K"+line)
		case log != nil && p.Done > logged:
			logged = p.Done
			// Into a log (cron, systemd): a line per window stored, so a
			// long sync shows it is moving.
			fmt.Fprintf(log, "stored %d/%d windows: %s so far\n", p.Done, p.Total, describeChanges(p.Changes))
		}
	}
	rep, err := sy.Sync(ctx, from, to)
	if err != nil && tty {
		fmt.Fprint(a.stderr, "\r\033[K")
	}
	return rep, err
}

// syncFailed is the error of a command whose sync failed. Such a command
// prints nothing: an empty or partial result would pass for the answer in
// a script. offline is the command that shows what is stored.
func syncFailed(err error, offline string) error {
	return fmt.Errorf("%w; %s prints what is stored", err, offline)
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// terminalWidth is the width to fit tables to: the terminal's, else
// $COLUMNS, else 0 (no limit) when output goes to a file or pipe.
func (a *app) terminalWidth() int {
	if f, ok := a.stdout.(*os.File); ok {
		if w, _, err := term.GetSize(int(f.Fd())); err == nil && w > 0 {
			return w
		}
	}
	if w, err := strconv.Atoi(a.getenv("COLUMNS")); err == nil && w > 0 {
		return w
	}
	return 0
}
