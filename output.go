package main

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/charmbracelet/x/ansi"
	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"

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

// writeJSON writes v as indented JSON. The text keeps every character the
// visitor typed, but the few that JSON leaves raw and a terminal would act
// on (DEL, C1 controls, bidi overrides) are written as \u escapes, so that
// printing the JSON is as safe as printing a table.
func writeJSON(w io.Writer, v any) error {
	b, err := json.Marshal(v, jsontext.WithIndent("  "), json.FormatNilSliceAsNull(false))
	if err != nil {
		return err
	}
	b = escapeUnsafeRunes(b)
	b = append(b, '\n')
	_, err = w.Write(b)
	return err
}

func escapeUnsafeRunes(b []byte) []byte {
	if bytes.IndexFunc(b, jsonUnsafe) < 0 {
		return b
	}
	var out bytes.Buffer
	out.Grow(len(b) + 64)
	for len(b) > 0 {
		r, n := utf8.DecodeRune(b)
		if jsonUnsafe(r) {
			fmt.Fprintf(&out, `\u%04x`, r)
		} else {
			out.Write(b[:n])
		}
		b = b[n:]
	}
	return out.Bytes()
}

func jsonUnsafe(r rune) bool {
	return r == 0x7f || r >= 0x80 && r <= 0x9f || r == 0x061c || r == 0x200e || r == 0x200f ||
		r >= 0x202a && r <= 0x202e || r >= 0x2066 && r <= 0x2069
}

// writeCSV writes RFC 4180 CSV: sanitized cells, and cells a spreadsheet
// would run as a formula (= + - @, tab, CR first) prefixed with a quote.
func writeCSV(w io.Writer, header []string, rows [][]string) error {
	cw := csv.NewWriter(w)
	cw.UseCRLF = true
	if err := cw.Write(header); err != nil {
		return err
	}
	for _, row := range rows {
		cells := make([]string, len(row))
		for i, c := range row {
			cells[i] = csvCell(c)
		}
		if err := cw.Write(cells); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

func csvCell(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		s = "'" + s
	}
	return safetext.Clean(s)
}

// column of a table: flexible columns shrink, in order of width, to fit.
type column struct {
	title string
	flex  bool
	max   int // natural width cap; 0 for none
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
	fit(cols, widths, width)

	var b strings.Builder
	line := func(cells []string) {
		b.Reset()
		for i, cell := range cells {
			if widths[i] <= 0 {
				continue
			}
			if i > 0 {
				b.WriteString("  ")
			}
			cell = ansi.Truncate(cell, widths[i], "…")
			b.WriteString(cell)
			if i < len(cells)-1 {
				b.WriteString(strings.Repeat(" ", widths[i]-ansi.StringWidth(cell)))
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

// fit narrows the widest flexible column, one cell at a time, until the row
// fits in width; a flexible column never goes below 8 (or its title).
func fit(cols []column, widths []int, width int) {
	if width <= 0 {
		return
	}
	total := func() int {
		t := 0
		for _, w := range widths {
			t += w
		}
		return t + 2*(len(widths)-1)
	}
	for total() > width {
		widest := -1
		for i, c := range cols {
			floor := max(8, ansi.StringWidth(c.title))
			if c.flex && widths[i] > floor && (widest < 0 || widths[i] > widths[widest]) {
				widest = i
			}
		}
		if widest < 0 {
			return // cannot shrink further: the terminal wraps
		}
		widths[widest]--
	}
}
