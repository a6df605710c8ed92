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
	)
	cmd := &cobra.Command{
		Use:   "fake-api",
		Short: "Run the built-in fake Neoagent API (development)",
		Long: `Run a local fake of the Neoagent API, with synthetic multilingual data
(including hostile records), for trying neotui without an account. It prints
the environment to point neotui at it. Stop it with ctrl+c.`,
		Example: `  neotui fake-api --listen 127.0.0.1:8080`,
		Args:    noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			srv, ln, err := apitest.Listen(listen, apitest.Options{Latency: latency, MaxHistoryDays: maxDays, HistoryPerMinute: perMin})
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
	cmd.Flags().Float64Var(&perMin, "history-per-minute", 0, "answer 429 to history requests faster than this per bot (default: no limit)")
	return cmd
}
