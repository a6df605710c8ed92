package cli

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/spf13/cobra"

	"github.com/neotui/neotui/api/apitest"
)

func (a *app) fakeAPICommand() *cobra.Command {
	var (
		listen  string
		latency time.Duration
		maxDays int
		perMin  float64
		size    int
		days    int
	)
	cmd := &cobra.Command{
		Use:   "fake-api",
		Short: "Run the built-in fake Neoagent API (development)",
		Long: `Run a local fake of the Neoagent API, with synthetic multilingual data
(including hostile records), for trying neotui without an account. It prints
the environment to point neotui at it. Stop it with ctrl+c.`,
		Example: `  neotui fake-api --listen 127.0.0.1:8080
  neotui fake-api --sessions 100000 --days 365   # a big bot`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if size < 0 || days < 1 {
				return usageErrorf("--sessions must be 0 or more and --days 1 or more")
			}
			bots := apitest.DemoBots(time.Now())
			if cmd.Flags().Changed("sessions") || cmd.Flags().Changed("days") {
				bots[0] = apitest.Generate(apitest.Spec{Serial: apitest.DemoSerial, Name: bots[0].Name(),
					Sessions: size, Days: days, End: time.Now(), Seed: 1, FirstID: 40001})
			}
			srv, ln, err := apitest.Listen(listen, apitest.Options{Bots: bots, Latency: latency, MaxHistoryDays: maxDays, HistoryPerMinute: perMin})
			if err != nil {
				return fmt.Errorf("cannot listen on %s: %w", listen, err)
			}
			url := "http://" + ln.Addr().String()
			fmt.Fprintf(a.stdout, "fake Neoagent API on %s (ctrl+c stops it)\n\n", url)
			fmt.Fprintf(a.stdout, "  export NEOAGENT_BASE_URL=%s NEOAGENT_API_KEY=%s NEOAGENT_SERIAL=%s\n\n",
				url, apitest.DefaultKey, apitest.DemoSerial)
			fmt.Fprintf(a.stdout, "other serials: %s (a second bot), %s and %s (the docs' examples)\n",
				apitest.SecondSerial, apitest.DocsLeadsSerial, apitest.DocsHistorySerial)

			errc := make(chan error, 1)
			go func() { errc <- srv.Serve(ln) }()
			select {
			case err := <-errc:
				return err
			case <-cmd.Context().Done():
				ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
				defer cancel()
				if err := srv.Shutdown(ctx); err != nil && !errors.Is(err, http.ErrServerClosed) {
					return err
				}
				return nil
			}
		},
	}
	cmd.Flags().StringVar(&listen, "listen", "127.0.0.1:8080", "address to listen on")
	cmd.Flags().DurationVar(&latency, "latency", 0, "delay before every answer, e.g. 300ms")
	cmd.Flags().IntVar(&maxDays, "max-history-days", 0, "widest history range before 413 (default 31)")
	// A big bot, to try a sync at scale: --sessions 100000 --days 365 holds
	// ~25k conversations in the last 90 days.
	cmd.Flags().IntVar(&size, "sessions", 600, "conversations of the main demo bot")
	cmd.Flags().IntVar(&days, "days", 120, "days before now the main demo bot's conversations spread over")
	cmd.Flags().Float64Var(&perMin, "history-per-minute", 0, "answer 429 to history requests faster than this per bot (default: no limit)")
	return cmd
}
