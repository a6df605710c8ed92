package tui

import (
	"fmt"
	"strings"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/neotui/neotui/internal/english"
	"github.com/neotui/neotui/internal/export"
)

// Charts drawn with Unicode blocks: they read as shapes without colour
// too (NO_COLOR), where the styles render plain.

// eighths are a cell filled from the bottom, in eighths.
var eighths = []rune(" ▁▂▃▄▅▆▇█")

// columns is how values share w cells: one column per group of days
// (several days to a column when there are more days than cells), each
// cw cells wide.
type columns struct {
	sums    []int // a value per column
	per, cw int   // values per column, cells per column
}

func layoutColumns(values []int, w int) columns {
	per := max((len(values)+w-1)/max(w, 1), 1)
	c := columns{per: per}
	for i := 0; i < len(values); i += per {
		s := 0
		for _, v := range values[i:min(i+per, len(values))] {
			s += v
		}
		c.sums = append(c.sums, s)
	}
	c.cw = min(max(w/max(len(c.sums), 1), 1), 6)
	return c
}

// bar is the cells of one column in a row: its bar, then a gap when
// columns are wide enough for one.
func (c columns) bar(r rune) string {
	if c.cw >= 2 {
		return strings.Repeat(string(r), c.cw-1) + " "
	}
	return string(r)
}

// width is the cells the columns take.
func (c columns) width() int { return len(c.sums) * c.cw }

// level is how many eighths of h rows v fills against top: at least one
// for anything at all.
func level(v, top, h int) int {
	if v <= 0 || top <= 0 {
		return 0
	}
	return max(v*h*8/top, 1)
}

// barChart draws values as bars h rows high within w cells, the largest
// value labelled on the left: a line per row, top first.
func barChart(values []int, w, h int, style lipgloss.Style) []string {
	top := 0
	for _, v := range values {
		top = max(top, v)
	}
	axis := len(english.Count(top)) + 1
	c := layoutColumns(values, w-axis)
	lines := make([]string, h)
	for row := range h {
		label := strings.Repeat(" ", axis)
		if row == 0 {
			label = fmt.Sprintf("%*s ", axis-1, english.Count(top))
		}
		var b strings.Builder
		from := (h - 1 - row) * 8 // the eighths below this row
		for _, v := range c.sums {
			fill := min(max(level(v, top, h)-from, 0), 8)
			b.WriteString(c.bar(eighths[fill]))
		}
		lines[row] = label + style.Render(b.String())
	}
	return lines
}

// sparkline draws values in one row, in the columns barChart would give
// them after axis cells: the eighths of a bar against the largest.
func sparkline(values []int, w, axis int, style lipgloss.Style) string {
	top := 0
	for _, v := range values {
		top = max(top, v)
	}
	c := layoutColumns(values, w-axis)
	var b strings.Builder
	for _, v := range c.sums {
		b.WriteString(c.bar(eighths[min(level(v, top, 1), 8)]))
	}
	return strings.Repeat(" ", axis) + style.Render(b.String())
}

// chartAxis is the first and last labels under bars w cells wide that
// start after axis cells.
func chartAxis(first, last string, w, axis int) string {
	gap := w - ansi.StringWidth(first) - ansi.StringWidth(last)
	if gap < 1 {
		return strings.Repeat(" ", axis) + first
	}
	return strings.Repeat(" ", axis) + first + strings.Repeat(" ", gap) + last
}

// heatmap draws a weekday × hour count as shades, cw cells an hour,
// Monday first, with the hours on top.
func heatmap(heat [7][24]int, cw int, style lipgloss.Style) []string {
	scale := ""
	for h := 0; h < 24; h += 6 {
		scale += fmt.Sprintf("%-*s", 6*cw, fmt.Sprintf("%02d", h))
	}
	lines := []string{"    " + strings.TrimRight(scale, " ")}
	top := export.HeatMax(heat)
	for d, hours := range heat {
		var b strings.Builder
		for _, r := range export.Shades(hours[:], top) {
			b.WriteString(strings.Repeat(string(r), cw))
		}
		lines = append(lines, export.Weekdays[d]+" "+style.Render(b.String()))
	}
	return lines
}
