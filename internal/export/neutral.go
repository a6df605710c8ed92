package export

import (
	"html"
	"regexp"
	"strings"
)

// A transcript as Markdown is pasted into tools that render it (a ticket, a
// wiki, a chat). An AI reply is Markdown and stays so, but what it may echo
// of a visitor must not become live there: raw HTML, or a link that runs
// code (javascript:, data:, vbscript:…).

var (
	// inlineDest is the destination of an inline link or image: ](dest.
	inlineDest = regexp.MustCompile(`\]\([ \t]*(<[^>\n]*>|[^\s)]*)`)
	// refDest is the destination of a link reference definition: [id]: dest.
	refDest = regexp.MustCompile(`(?m)^ {0,3}\[[^\]\n]+\]:[ \t]*(<[^>\n]*>|\S+)`)
	// autolink is an autolink a renderer may keep: <https://…>, <mailto:…>.
	autolink = regexp.MustCompile(`^<(?i:https?://|mailto:)[^\s<>]*>`)
	// scheme is the scheme a URL starts with, once normalised.
	scheme = regexp.MustCompile(`^([a-z][a-z0-9+.\-]*):`)
)

// neutralMarkdown is md with every link to a scheme other than http, https,
// mailto and tel pointed at "#" (its text kept), and every "<" that does not
// open a safe autolink written as "&lt;", so that no HTML tag survives.
func neutralMarkdown(md string) string {
	md = replaceDest(md, inlineDest)
	md = replaceDest(md, refDest)
	if !strings.Contains(md, "<") {
		return md
	}
	var b strings.Builder
	for i := 0; i < len(md); i++ {
		if md[i] == '<' {
			if m := autolink.FindString(md[i:]); m != "" {
				b.WriteString(m)
				i += len(m) - 1
				continue
			}
			b.WriteString("&lt;")
			continue
		}
		b.WriteByte(md[i])
	}
	return b.String()
}

// replaceDest points each unsafe destination re finds (its first group) at #.
func replaceDest(md string, re *regexp.Regexp) string {
	return re.ReplaceAllStringFunc(md, func(m string) string {
		sub := re.FindStringSubmatchIndex(m)
		dest := m[sub[2]:sub[3]]
		if safeDest(dest) {
			return m
		}
		return m[:sub[2]] + "#" + m[sub[3]:]
	})
}

// safeDest reports a link destination that runs nothing: http, https, mailto,
// tel, or no scheme at all (#anchor, /path). It is read as a renderer and a
// browser would: character references decoded, controls and whitespace
// (which browsers strip from a scheme) removed, case folded.
func safeDest(dest string) bool {
	d := html.UnescapeString(strings.Trim(dest, "<>"))
	d = strings.Map(func(r rune) rune {
		if r <= ' ' || r == 0x7f {
			return -1
		}
		return r
	}, d)
	m := scheme.FindStringSubmatch(strings.ToLower(d))
	if m == nil {
		return true
	}
	switch m[1] {
	case "http", "https", "mailto", "tel":
		return true
	}
	return false
}
