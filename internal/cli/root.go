// Package cli is neotui's command line: the cobra commands, their date
// flags and table output, and the wiring of config, store and clients they
// share.
package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"regexp"
	"runtime/debug"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/neotui/neotui/config"
	"github.com/neotui/neotui/internal/safetext"
)

// buildVersion is version when the build set one (-X main.version), else
// what the build info says (moduleVersion).
func buildVersion(version string) string {
	if version != "" {
		return version
	}
	if bi, ok := debug.ReadBuildInfo(); ok {
		return moduleVersion(bi)
	}
	return "devel"
}

// pseudoVersion is a Go pseudo-version (v0.0.0-20260310150000-85df063a1b2c),
// as golang.org/x/mod/module matches one.
var pseudoVersion = regexp.MustCompile(`^v[0-9]+\.(0\.0-|\d+\.\d+-([^+]*\.)?0\.)\d{14}-[A-Za-z0-9]+(\+[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?$`)

// moduleVersion is the release a binary was built from (go install
// …@v1.2.0), or "devel (commit, time)" for a build of a checkout: Go stamps
// one with a pseudo-version, which reads like a release but names none,
// and a modified tree with +dirty.
func moduleVersion(bi *debug.BuildInfo) string {
	v := bi.Main.Version
	if v != "" && v != "(devel)" && !pseudoVersion.MatchString(v) && !strings.HasSuffix(v, "+dirty") {
		return v
	}
	vcs := map[string]string{}
	for _, s := range bi.Settings {
		vcs[s.Key] = s.Value
	}
	rev := vcs["vcs.revision"]
	if rev == "" {
		return "devel"
	}
	rev = rev[:min(len(rev), 7)] // as git log --oneline shows it
	if vcs["vcs.modified"] == "true" {
		rev += "+dirty"
	}
	if t := vcs["vcs.time"]; t != "" {
		rev += ", " + t
	}
	return "devel (" + rev + ")"
}

// Exit codes of the CLI contract.
const (
	exitOK      = 0
	exitFailure = 1
	exitUsage   = 2
)

// usageError is bad usage: exit 2 rather than 1.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

func usageErrorf(format string, args ...any) error {
	return usageError{fmt.Sprintf(format, args...)}
}

// Run is the whole program, minus the process: testable and reentrant.
// version is the one the build set (main's -X main.version), or "".
func Run(ctx context.Context, version string, args []string, stdout, stderr io.Writer, getenv func(string) string) int {
	a := &app{stdout: stdout, stderr: stderr, getenv: getenv, now: time.Now, version: buildVersion(version)}
	root := a.rootCommand()
	root.SetArgs(args)
	root.SetOut(stdout)
	root.SetErr(stderr)
	cmd, err := root.ExecuteContextC(ctx)
	if err == nil {
		return exitOK
	}
	if errors.Is(err, errTerminalStuck) {
		return exitFailure
	}
	var ue usageError
	if errors.As(err, &ue) {
		fmt.Fprintf(stderr, "neotui: %s\n", safetext.Line(err.Error()))
		fmt.Fprintf(stderr, "Run '%s --help' for usage.\n", cmd.CommandPath())
		return exitUsage
	}
	if errors.Is(err, context.Canceled) {
		fmt.Fprintln(stderr, "neotui: interrupted; everything fetched so far is saved")
		return exitFailure
	}
	fmt.Fprintf(stderr, "neotui: %s\n", safetext.Line(err.Error()))
	return exitFailure
}

func (a *app) rootCommand() *cobra.Command {
	root := &cobra.Command{
		Use:   "neotui",
		Short: "Browse a Neoagent chatbot's leads, appointments and conversations",
		Long: `neotui browses the leads, appointments and conversations of a Neoagent
website chatbot from the terminal. It keeps a local store, so it starts at once
and works offline; the network only feeds the store.

The API key comes from NEOAGENT_API_KEY, a key file, or the config file —
never from a flag, where other users could see it in ps.`,
		Version:       a.version,
		SilenceErrors: true,
		SilenceUsage:  true,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) > 0 {
				return usageErrorf("unknown command %q", args[0])
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.browse(cmd)
		},
	}
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return usageError{flagError(err)} })
	pf := root.PersistentFlags()
	pf.StringVar(&a.flags.config, "config", "", "config file (default $NEOTUI_CONFIG or $XDG_CONFIG_HOME/neotui/config.yml)")
	pf.StringVar(&a.flags.bot, "bot", "", "the configured bot to use (default: default_bot, or the first)")
	pf.StringVar(&a.flags.baseURL, "base-url", "", "Neoagent API base URL (default https://app.neoagent.co)")
	pf.BoolVar(&a.flags.offline, "offline", false, "use only the local store; make no requests")
	pf.StringVar(&a.flags.store, "store", "", "the store: a SQLite file or a postgres:// URL, its password in the config file, PGPASSWORD or ~/.pgpass (default $NEOTUI_STORE, store: in the config, or $XDG_DATA_HOME/neotui/neotui.db)")
	root.AddCommand(a.demoCommand(), a.leadsCommand(), a.sessionsCommand(), a.reportCommand(), a.searchCommand(), a.syncCommand(), a.fakeAPICommand())
	root.AddCommand(a.serveCommand(), a.storeCommand(), a.manCommand())
	root.RegisterFlagCompletionFunc("bot", a.completeBots)
	return root
}

// completeBots offers the configured bots' names to a shell completing
// --bot.
func (a *app) completeBots(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
	cfg, err := config.Load(config.Options{Path: a.flags.config, Getenv: a.getenv})
	if err != nil {
		return nil, cobra.ShellCompDirectiveError
	}
	names := make([]string, len(cfg.Bots))
	for i, b := range cfg.Bots {
		names[i] = b.Name
	}
	return names, cobra.ShellCompDirectiveNoFileComp
}

// flagError rewords pflag's parse errors, which end in Go's own
// ("strconv.ParseInt: parsing "abc": invalid syntax"), as one sentence.
func flagError(err error) string {
	var ne *strconv.NumError
	if errors.As(err, &ne) {
		msg := err.Error()
		if i := strings.Index(msg, " flag: "); i > 0 {
			msg = msg[:i+len(" flag")]
		}
		if ne.Func == "ParseBool" {
			return msg + ": true or false is wanted"
		}
		return msg + ": a whole number is wanted"
	}
	return err.Error()
}
