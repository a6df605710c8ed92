package cli

import (
	"fmt"
	"io"
	"os"

	"github.com/charmbracelet/x/ansi"
	"golang.org/x/term"
)

// liveLine is a line of progress on a terminal, redrawn in place: never
// wider than the terminal, where it would wrap and could not be redrawn,
// and cleared when the work is done. Every command's progress goes through
// one: a sync's, the indexing after it, a store's copy, the demo's filling.
type liveLine struct {
	w     io.Writer
	width int
}

// newLiveLine is a live line on w, or nil when w is not a terminal: a log
// gets lines of its own, or nothing.
func newLiveLine(w io.Writer) *liveLine {
	if !isTerminal(w) {
		return nil
	}
	f := w.(*os.File) // a terminal is one
	width := 80
	if cols, _, err := term.GetSize(int(f.Fd())); err == nil && cols > 1 {
		width = cols
	}
	return &liveLine{w: w, width: width}
}

// show draws line in place of the last one; "" clears it.
func (l *liveLine) show(line string) {
	fmt.Fprint(l.w, "\r\033[K"+ansi.Truncate(line, l.width-1, "…"))
}

// clear removes the line, once the work is done or has failed.
func (l *liveLine) clear() { l.show("") }
