package cli

import (
	"io"
	"slices"
	"strings"

	"github.com/charmbracelet/x/ansi"

	"github.com/neotui/neotui/internal/safetext"
)

// Output formats.
const (
	formatTable    = "table"
	formatJSON     = "json"
	formatCSV      = "csv"
	formatMarkdown = "markdown"
)

func checkFormat(f string, allowed ...string) error {
	for _, a := range allowed {
		if f == a {
			return nil
		}
	}
	return usageErrorf("--format %q is not one of: %s", f, strings.Join(allowed, ", "))
}

// column of a table: flexible columns shrink, in order of width, to fit;
// if that is not enough, optional columns go, highest drop first. Right
// aligns the column (numbers).
type column struct {
	title string
	flex  bool
	max   int // natural width cap; 0 for none
	drop  int // 0: always shown; else dropped in descending order when too narrow
	right bool
}

// writeTable writes an aligned table of sanitized single-line cells,
// fitted to width (0: no limit).
func writeTable(w io.Writer, cols []column, rows [][]string, width int) error {
	widths := make([]int, len(cols))
	for i, c := range cols {
		widths[i] = ansi.StringWidth(c.title)
	}
	clean := make([][]string, len(rows))
	for r, row := range rows {
		clean[r] = make([]string, len(row))
		for i, cell := range row {
			cell = safetext.Line(cell)
			clean[r][i] = cell
			widths[i] = max(widths[i], ansi.StringWidth(cell))
		}
	}
	for i, c := range cols {
		if c.max > 0 {
			widths[i] = min(widths[i], c.max)
		}
	}
	fitColumns(cols, widths, width)

	var b strings.Builder
	last := len(widths) - 1
	for last > 0 && widths[last] <= 0 {
		last--
	}
	line := func(cells []string) {
		b.Reset()
		for i, cell := range cells {
			if widths[i] <= 0 {
				continue
			}
			if b.Len() > 0 {
				b.WriteString("  ")
			}
			cell = ansi.Truncate(cell, widths[i], "…")
			pad := strings.Repeat(" ", widths[i]-ansi.StringWidth(cell))
			switch {
			case cols[i].right:
				b.WriteString(pad + cell)
			case i < last:
				b.WriteString(cell + pad)
			default:
				b.WriteString(cell)
			}
		}
		b.WriteByte('\n')
	}
	titles := make([]string, len(cols))
	for i, c := range cols {
		titles[i] = c.title
	}
	line(titles)
	if _, err := io.WriteString(w, b.String()); err != nil {
		return err
	}
	for _, row := range clean {
		line(row)
		if _, err := io.WriteString(w, b.String()); err != nil {
			return err
		}
	}
	return nil
}

// fitColumns sets the column widths so a row fits in width: it narrows the
// widest flexible column one cell at a time, first no lower than 16 cells;
// when that is not enough it drops optional columns (width 0), highest drop
// first, restoring the others; and only then narrows down to 8 cells (or
// the title).
func fitColumns(cols []column, widths []int, width int) {
	if width <= 0 {
		return
	}
	natural := slices.Clone(widths)
	total := func() int {
		t, shown := 0, 0
		for _, w := range widths {
			if w > 0 {
				t += w
				shown++
			}
		}
		return t + 2*max(shown-1, 0)
	}
	narrow := func(floor int) {
		for total() > width {
			widest := -1
			for i, c := range cols {
				f := max(floor, ansi.StringWidth(c.title))
				if c.flex && widths[i] > f && (widest < 0 || widths[i] > widths[widest]) {
					widest = i
				}
			}
			if widest < 0 {
				return
			}
			widths[widest]--
		}
	}
	for narrow(16); total() > width; narrow(16) {
		drop := -1
		for i, c := range cols {
			if c.drop > 0 && widths[i] > 0 && (drop < 0 || c.drop > cols[drop].drop) {
				drop = i
			}
		}
		if drop < 0 {
			break
		}
		widths[drop] = 0
		for i, w := range widths {
			if w > 0 {
				widths[i] = natural[i]
			}
		}
	}
	narrow(8) // past this the terminal wraps
}
