// Package widths fills, as the program starts, the table of rune widths
// that the browser's renderer measures every frame's cells with.
//
// Bubble Tea's renderer measures cells with the wcwidth of charmbracelet's
// ansi package, which asks go-runewidth, which fills a table of every
// rune's width (2.2 MB) the first time it is asked of a rune past U+02FF: a
// border, a bullet, an ellipsis. That took 6 ms of the browser's first
// frame, most of it the kernel mapping the table's pages. Imported, this
// package has it filled by a goroutine of its own while the program's other
// packages initialize, which they do one at a time on one core: on a
// machine of two or more, the fill costs the start nothing. It runs for
// every command, not only the browser's; those that draw no frame pay 6 ms
// of CPU beside their work, and wait for none of it.
package widths

import "github.com/mattn/go-runewidth"

func init() {
	go runewidth.RuneWidth('…')
}
