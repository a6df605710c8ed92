package cli

import (
	"context"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"

	"golang.org/x/term"

	"github.com/neotui/neotui/api"
	"github.com/neotui/neotui/internal/english"
	"github.com/neotui/neotui/internal/syncer"
)

// app holds what every command shares: streams, environment, global flags.
type app struct {
	stdout, stderr io.Writer
	getenv         func(string) string
	now            func() time.Time
	version        string // neotui's, for --version and the User-Agent
	flags          struct {
		config, bot, baseURL, store string
		offline                     bool
	}
}

// sync brings from..to up to date: progress on stderr when it is a
// terminal, else a line per stored window and per pause to log (nil: none).
// A failed sync is returned, and the caller prints nothing (syncFailed).
func (a *app) sync(ctx context.Context, s *session, from, to api.Day, leadsOnly bool, log io.Writer) (syncer.Report, error) {
	return a.syncSaying(ctx, s, from, to, leadsOnly, log, nil)
}

// syncSaying is sync with before(p), when not nil, leading each progress
// line on a terminal: how far a longer job has come.
func (a *app) syncSaying(ctx context.Context, s *session, from, to api.Day, leadsOnly bool, log io.Writer, before func(syncer.Progress) string) (syncer.Report, error) {
	if s.client == nil {
		return syncer.Report{}, nil
	}
	sy := s.syncer(a.now)
	sy.LeadsOnly = leadsOnly
	live := newLiveLine(a.stderr)
	logged := 0 // windows logged as stored
	sy.OnProgress = func(p syncer.Progress) {
		switch {
		case live != nil:
			// Empty when done, which clears it.
			var also string
			if before != nil {
				also = before(p)
			}
			live.show(progressLine(p, a.now(), also))
		case log != nil && p.Notice != "":
			fmt.Fprintln(log, p.Paused(a.now()))
		case log != nil && p.Done > logged && p.Endpoint != "":
			logged = p.Done
			// Into a log (cron, systemd): a line per window stored, so a
			// long sync shows it is moving.
			fmt.Fprintf(log, "stored %d/%d windows: %s so far\n", p.Done, p.Total, describeChanges(p.Changes))
		}
	}
	rep, err := sy.Sync(ctx, from, to)
	if err != nil && live != nil {
		live.clear()
	}
	if !leadsOnly {
		a.indexForSearch(ctx, s, live)
	}
	return rep, err
}

// indexForSearch indexes for search the messages a sync saved (on
// PostgreSQL, whose index is kept up to date, it has the tables analyzed
// instead): the store leaves that for when it is idle, and a command ends soon after its sync,
// so the next one would find them unindexed (search reads those one by one:
// right, but slower as they pile up). On a terminal (live) it shows how far
// it is.
// What the sync saved stays saved whatever happens here: a failure is said,
// and a later neotui indexes what is left.
func (a *app) indexForSearch(ctx context.Context, s *session, live *liveLine) {
	// How many, for the progress line alone: a failure to count is left to
	// IndexSearch to say. Called with none left too: on PostgreSQL,
	// IndexSearch analyzes what the sync filled.
	left, _ := s.store.Unindexed(ctx)
	var progress func(float64)
	if live != nil && left > 0 {
		progress = func(share float64) {
			live.show(fmt.Sprintf("indexing %s for search… %d%%", english.Plural(left, "message"), int(100*share)))
		}
		progress(0)
		defer live.clear()
	}
	if err := s.store.IndexSearch(ctx, progress); err != nil && ctx.Err() == nil {
		fmt.Fprintf(a.stderr, "neotui: could not index the new messages for search (%v); search finds them all the same, more slowly, until a later neotui indexes them\n", err)
	}
}

// openSynced opens the store and syncs from..to into it, as a listing
// command does before it prints (leadsOnly: leads, not history). When the
// sync fails it closes the store and returns syncFailed's error, pointing
// at "neotui COMMAND --offline".
func (a *app) openSynced(ctx context.Context, from, to api.Day, leadsOnly bool, command string) (*session, error) {
	s, err := a.open()
	if err != nil {
		return nil, err
	}
	if _, err := a.sync(ctx, s, from, to, leadsOnly, nil); err != nil {
		s.Close()
		return nil, syncFailed(err, "neotui "+command+" --offline")
	}
	return s, nil
}

// syncFailed is the error of a command whose sync failed. Such a command
// prints nothing: an empty or partial result would pass for the answer in
// a script. offline is the command that shows what is stored.
func syncFailed(err error, offline string) error {
	return fmt.Errorf("%w; %s prints what is stored", err, offline)
}

// progressLine is a sync's progress on a terminal, its parts joined by
// " · ", why it waits first, then also (how far a longer job has come),
// then the window: "Neoagent is limiting requests — retrying in 20 s ·
// syncing history 2/5 (…)"; "" when it is done.
func progressLine(p syncer.Progress, now time.Time, also string) string {
	var parts []string
	if paused := p.Paused(now); paused != "" {
		parts = append(parts, paused)
	}
	if also != "" && p.Endpoint != "" {
		parts = append(parts, also)
	}
	if p.Total > 0 && p.Endpoint != "" {
		parts = append(parts, fmt.Sprintf("syncing %s %d/%d (%s…%s)", p.Endpoint, min(p.Done+1, p.Total), p.Total, p.Window, p.WindowTo))
	}
	return strings.Join(parts, " · ")
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
