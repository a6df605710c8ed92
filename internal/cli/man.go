package cli

import (
	"github.com/spf13/cobra"
	"github.com/spf13/cobra/doc"
)

// manCommand prints neotui's manual page, or a command's, made from the
// commands' own help by cobra's generator: the page cannot drift from
// --help.
func (a *app) manCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "man [COMMAND]",
		Short: "Print the manual page (of neotui, or of one command) in man's format",
		Example: `  neotui man | man -l -
  neotui man leads | man -l -
  neotui man > ~/.local/share/man/man1/neotui.1`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			page := cmd.Root()
			if len(args) == 1 {
				sub, _, err := page.Find(args)
				if err != nil || sub == page {
					return usageErrorf("no command %q: see neotui --help", args[0])
				}
				page = sub
			}
			page.DisableAutoGenTag = true // a dated "auto generated" section says nothing to a reader
			now := a.now()
			header := &doc.GenManHeader{Section: "1", Date: &now, Source: "neotui " + a.version, Manual: "neotui manual"}
			return doc.GenMan(page, header, cmd.OutOrStdout())
		},
	}
}
