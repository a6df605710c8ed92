// Package export writes leads and transcripts for people and programs: JSON
// and CSV for scripts and spreadsheets, Markdown and plain text for reading,
// vCard for address books.
//
// Everything a website visitor typed is made safe for the place it goes:
// escaped in JSON (\u escapes, the text intact), cleaned in CSV, plain text
// and vCard (safetext), and in Markdown cleaned and escaped so it can make no
// link or heading. CSV cells a spreadsheet would run as formulas are
// neutralized.
package export

import (
	"bytes"
	"fmt"
	"io"
	"unicode/utf8"

	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
)

// JSON writes v as indented JSON. The text keeps every character the visitor
// typed, but the few that JSON leaves raw and a terminal would act on (DEL,
// C1 controls, bidi overrides) are written as \u escapes, so that printing
// the JSON is as safe as printing a table. Nil slices are written as [].
func JSON(w io.Writer, v any) error {
	b, err := json.Marshal(v, jsontext.WithIndent("  "), json.FormatNilSliceAsNull(false))
	if err != nil {
		return err
	}
	b = escapeUnsafeRunes(b)
	b = append(b, '\n')
	_, err = w.Write(b)
	return err
}

// escapeUnsafeRunes rewrites the runes jsonUnsafe reports as \u escapes. It
// runs on marshaled JSON, where such runes can only be inside strings (JSON's
// own syntax is ASCII), so the result means the same.
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
