package cli

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/neotui/neotui/internal/english"
	"github.com/neotui/neotui/internal/store"
	"github.com/neotui/neotui/internal/syncer"
)

func (a *app) syncCommand() *cobra.Command {
	var (
		r   rangeFlags
		all bool
	)
	cmd := &cobra.Command{
		Use:   "sync",
		Short: "Fetch into the local store and report what changed",
		Long: `Fetch leads and conversations into the local store and report what changed.
Only days never fetched, today, yesterday, and days fetched before they ended
are requested again, so a sync right after another costs at most two requests.
History is fetched in windows as wide as Neoagent serves (history_window_days,
default 31): a window it finds too large is halved, and the width that worked
is remembered for the bot. The rate limit (rate_limit requests per minute,
default 10, shared by every neotui on the store) is a budget: the first
requests go at once, and no minute holds more than rate_limit. While another
neotui syncs the bot, sync waits for it, then fetches what it did not.

--all fetches the bot's whole history, newest first, until the store holds
every message Neoagent counts for the bot (its message count; without it,
until a year holds no conversation), showing how much of it is stored.`,
		Example: `  neotui sync                 # the last initial_sync_days (default 30)
  neotui sync --since 90d
  neotui sync --all           # everything the bot ever had`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if a.flags.offline {
				return usageErrorf("sync fetches from Neoagent: it cannot run --offline")
			}
			if all && (r.since != "" || r.until != "") {
				return usageErrorf("--all fetches every day there is: leave out --since and --until")
			}
			s, err := a.open()
			if err != nil {
				return err
			}
			defer s.Close()
			if all {
				return a.syncAll(cmd.Context(), s)
			}
			from, to, err := dayRange(r.since, r.until, strconv.Itoa(s.cfg.InitialSyncDays)+"d", a.now())
			if err != nil {
				return err
			}
			rep, err := a.sync(cmd.Context(), s, from, to, false, a.stdout)
			if err != nil {
				return syncStopped(err, rep.Changes)
			}
			fmt.Fprintf(a.stdout, "%s %s…%s: %s, %s\n", s.bot.Name, from, to,
				english.Plural(rep.Requests, "request"), describeReport(rep))
			return nil
		},
	}
	r.add(cmd, "initial_sync_days, 30d")
	cmd.Flags().BoolVar(&all, "all", false, "fetch the bot's whole history, until the store holds all of it")
	return cmd
}

// syncStopped is the error of neotui sync when a sync failed: what it
// stored before it stopped stays stored, and the leads command shows it.
func syncStopped(err error, stored store.Changes) error {
	if !stored.IsZero() {
		err = fmt.Errorf("%w (stored before that: %s)", err, describeChanges(stored))
	}
	return syncFailed(err, "neotui leads --offline")
}

// describeReport is what a sync changed, and what it had to leave out.
func describeReport(rep syncer.Report) string {
	s := describeChanges(rep.Changes)
	if rep.SkippedLeads > 0 {
		s += ", " + english.Plural(rep.SkippedLeads, "lead") + " without a time skipped"
	}
	return s
}

func describeChanges(c store.Changes) string {
	if c.IsZero() {
		return "nothing new"
	}
	var parts []string
	add := func(n int, what string) {
		if n > 0 {
			parts = append(parts, english.Plural(n, what))
		}
	}
	add(c.NewLeads, "new lead")
	add(c.UpdatedLeads, "updated lead")
	add(c.NewSessions, "new conversation")
	add(c.UpdatedSessions, "updated conversation")
	add(c.NewMessages, "new message")
	return strings.Join(parts, ", ")
}
