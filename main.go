// Command neotui is a terminal browser for the leads, appointments and
// conversations of a Neoagent website chatbot.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/neotui/neotui/internal/cli"
)

// version is set at build time with -ldflags "-X main.version=…", else
// taken from the module's build information.
var version = ""

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM, syscall.SIGHUP)
	code := cli.Run(ctx, version, os.Args[1:], os.Stdout, os.Stderr, os.Getenv)
	stop()
	os.Exit(code)
}
