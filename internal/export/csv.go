package export

import (
	"encoding/csv"
	"io"
	"strings"

	"github.com/neotui/neotui/internal/safetext"
)

// CSV writes RFC 4180 CSV with CRLF line ends: a header, then the rows, each
// cell cleaned (safetext.Clean: newlines and tabs stay) and, when a
// spreadsheet would run it as a formula (= + - @ first, after any spaces, or
// a tab first), prefixed with a quote.
func CSV(w io.Writer, header []string, rows [][]string) error {
	cw := csv.NewWriter(w)
	cw.UseCRLF = true
	if err := cw.Write(header); err != nil {
		return err
	}
	cells := make([]string, 0, len(header))
	for _, row := range rows {
		cells = cells[:0]
		for _, c := range row {
			cells = append(cells, cell(c))
		}
		if err := cw.Write(cells); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// cell is one CSV cell made safe: cleaned, then neutralized if a spreadsheet
// would take it for a formula.
func cell(s string) string {
	// Clean first: an escape sequence or bidi mark in front of "=" must not
	// hide the formula from the check.
	s = safetext.Clean(s)
	if t := strings.TrimLeft(s, " \t\n"); t != "" && strings.ContainsRune("=+-@", rune(t[0])) || strings.HasPrefix(s, "\t") {
		s = "'" + s
	}
	return s
}
