package store

import (
	"database/sql/driver"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
	"modernc.org/sqlite"
)

// foldSearch is s as search compares it on PostgreSQL, where no tokenizer
// folds it: each letter in lower case, and a Latin letter without its
// accents, as SQLite's trigram index (remove_diacritics) has it: "José"
// is "jose". It folds rune by rune, so that a text holding a word holds the
// word folded once both are folded.
func foldSearch(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		b.WriteRune(foldRune(r))
	}
	return b.String()
}

func foldRune(r rune) rune {
	if r < utf8.RuneSelf {
		return unicode.ToLower(r)
	}
	if unicode.Is(unicode.Latin, r) {
		r = withoutMarks(r)
	}
	// Lower of upper: one letter for every case of it (ſ, s and S are s).
	return unicode.ToLower(unicode.ToUpper(r))
}

// withoutMarks is the letter r decomposes to, if what follows it in the
// decomposition is combining marks alone (é is e and an acute accent);
// else r itself.
func withoutMarks(r rune) rune {
	d := norm.NFD.String(string(r))
	base, n := utf8.DecodeRuneInString(d)
	for _, m := range d[n:] {
		if !unicode.Is(unicode.Mn, m) {
			return r
		}
	}
	return base
}

// holds is SQLite's neotui_holds(text, word…): whether text, folded as
// foldSearch folds it, holds every word, each given folded. Search reads
// the messages the index does not hold yet with it.
func holds(ctx *sqlite.FunctionContext, args []driver.Value) (driver.Value, error) {
	text, _ := args[0].(string)
	var room [4]string // a query's words, without an allocation per message read
	words := room[:0]
	for _, w := range args[1:] {
		w, _ := w.(string)
		words = append(words, w)
	}
	if holdsFolded(text, words) {
		return int64(1), nil
	}
	return int64(0), nil
}

// holdsFolded reports whether text, folded, holds every one of words,
// each folded already. An ASCII text (most are) is compared as it is, byte
// by byte, without folding a copy of it.
func holdsFolded(text string, words []string) bool {
	if !isASCII(text) {
		folded := foldSearch(text)
		for _, w := range words {
			if !strings.Contains(folded, w) {
				return false
			}
		}
		return true
	}
	for _, w := range words {
		if !containsLowerASCII(text, w) {
			return false
		}
	}
	return true
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// containsLowerASCII reports whether the ASCII text, in lower case, holds
// w (in lower case already; a w that is not ASCII it never holds).
func containsLowerASCII(text, w string) bool {
	if w == "" {
		return true
	}
	for i := 0; i+len(w) <= len(text); i++ {
		j := 0
		for j < len(w) && lowerASCII(text[i+j]) == w[j] {
			j++
		}
		if j == len(w) {
			return true
		}
	}
	return false
}

func lowerASCII(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

func init() {
	sqlite.MustRegisterDeterministicScalarFunction("neotui_holds", -1, holds)
}

// searchedText is the text search looks in: the shown text, when
// shownText made one, else the content.
func searchedText(content string, shown any) string {
	if s, ok := shown.(string); ok {
		return s
	}
	return content
}
