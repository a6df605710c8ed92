package export

import (
	"strings"
	"unicode/utf8"

	"github.com/neotui/neotui/api"
	"github.com/neotui/neotui/internal/safetext"
)

// VCard is a lead as a vCard 3.0 (RFC 2426) contact: FN, N, EMAIL, TEL and
// NOTE (what the visitor asked), CRLF line ends, lines folded at 75 octets.
// Values are cleaned (safetext) and escaped as RFC 6350 says: \ ; , and
// newlines. The NOTE keeps the visitor's line breaks, as \n; every other
// value is one line.
func VCard(l api.Lead) string {
	name := strings.TrimSpace(safetext.Line(l.Name))
	email := strings.TrimSpace(safetext.Line(l.Email))
	phone := strings.TrimSpace(safetext.Line(l.PhoneNumber))
	note := strings.TrimSpace(safetext.Clean(l.Content))

	fn := name
	for _, alt := range []string{email, phone} {
		if fn == "" {
			fn = alt
		}
	}
	if fn == "" {
		fn = "Website visitor" // FN is required
	}
	// N is required too: family;given;additional;prefixes;suffixes. A
	// visitor types one name; its last word is taken for the family name.
	var family, given string
	if i := strings.LastIndexAny(name, " "); i > 0 {
		given, family = strings.TrimSpace(name[:i]), name[i+1:]
	} else {
		given = name
	}

	var b strings.Builder
	line := func(s string) {
		b.WriteString(fold(s))
		b.WriteString("\r\n")
	}
	line("BEGIN:VCARD")
	line("VERSION:3.0")
	line("FN:" + vcardEscape(fn))
	line("N:" + vcardEscape(family) + ";" + vcardEscape(given) + ";;;")
	if email != "" {
		line("EMAIL;TYPE=INTERNET:" + vcardEscape(email))
	}
	if phone != "" {
		line("TEL;TYPE=VOICE:" + vcardEscape(phone))
	}
	if note != "" {
		line("NOTE:" + vcardEscape(note))
	}
	line("END:VCARD")
	return b.String()
}

// vcardEscape escapes a text value: backslash, semicolon, comma, newline.
var vcardEscape = strings.NewReplacer(`\`, `\\`, `;`, `\;`, `,`, `\,`, "\r\n", `\n`, "\n", `\n`, "\r", `\n`).Replace

// fold splits a content line longer than 75 octets into a first line of at
// most 75 and continuation lines of a space and at most 74 more, never inside
// a UTF-8 sequence or a backslash escape.
func fold(s string) string {
	const limit = 75
	if len(s) <= limit {
		return s
	}
	var b strings.Builder
	for n := limit; len(s) > n; n = limit - 1 {
		cut := n
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		if escapeOpen(s[:cut]) {
			cut--
		}
		if cut <= 0 { // not UTF-8: Clean makes sure it is, but never loop
			cut = n
		}
		b.WriteString(s[:cut])
		b.WriteString("\r\n ")
		s = s[cut:]
	}
	b.WriteString(s)
	return b.String()
}

// escapeOpen reports whether s ends in the backslash of an escape, that is
// in an odd run of backslashes.
func escapeOpen(s string) bool {
	n := 0
	for n < len(s) && s[len(s)-1-n] == '\\' {
		n++
	}
	return n%2 == 1
}
