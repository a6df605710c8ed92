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

// Counted is Plural with n's thousands separated: "1 lead", "48,210 leads".
func Counted(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return Count(n) + " " + noun + "s"
}

// Count is n with its thousands separated: "48,210", "-1,000", "7".
func Count(n int) string {
	s := strconv.Itoa(n)
	sign := ""
	if n < 0 {
		sign, s = "-", s[1:]
	}
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return sign + s
}
