// Package english writes counts as people read them, for every front end
// (browser, command line, exports) to say them alike.
package english

import "strconv"

// Plural is n with noun, which takes an s unless n is 1: "1 lead",
// "2 leads", "0 leads". Only for nouns whose plural is that regular.
func Plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return strconv.Itoa(n) + " " + noun + "s"
}
