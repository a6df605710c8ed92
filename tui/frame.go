package tui

import (
	"strings"

	"charm.land/lipgloss/v2"

	"github.com/neotui/neotui/tui/list"
)

// The frame is put together from blocks of exact size. lipgloss's Width and
// Height wrap, measure and pad every line of a block each time, and the
// frame nests blocks three deep (the detail in the body in the screen):
// that was most of a frame's time, 5 ms of 6 at 120×40 over a big store,
// and Bubble Tea draws a frame after every message.

// place draws s in a block w cells wide and h lines tall (any number of
// lines when h is 0), as lipgloss.NewStyle().Width(w).Height(h).MaxWidth(w).
// MaxHeight(h).Render(s) does: short lines padded with spaces, blank lines
// added, lines past h dropped. Each line is measured once and kept as it
// is. A line too wide is wrapped by lipgloss, and tabs and carriage returns
// are left to it too, so that nothing changes for them.
func place(s string, w, h int) string {
	if w <= 0 || strings.ContainsAny(s, "\t\r") {
		return viaLipgloss(s, w, h)
	}
	n := strings.Count(s, "\n") + 1
	if h > 0 {
		n = min(n, h)
	}
	var b strings.Builder
	b.Grow(len(s) + w*max(h, n))
	lines := 0
	for line := range strings.SplitSeq(s, "\n") {
		if lines == n {
			break
		}
		lw := list.Width(line)
		if lw > w {
			return viaLipgloss(s, w, h)
		}
		if lines > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(line)
		pad(&b, w-lw)
		lines++
	}
	for ; lines < h; lines++ {
		b.WriteByte('\n')
		pad(&b, w)
	}
	return b.String()
}

func viaLipgloss(s string, w, h int) string {
	st := lipgloss.NewStyle().Width(w).MaxWidth(w)
	if h > 0 {
		st = st.Height(h).MaxHeight(h)
	}
	return st.Render(s)
}

// spaces is a run of blanks to pad from without allocating.
var spaces = strings.Repeat(" ", 512)

func pad(b *strings.Builder, n int) {
	for n > 0 {
		k := min(n, len(spaces))
		b.WriteString(spaces[:k])
		n -= k
	}
}

// beside joins two blocks of the same height line by line, left's lines
// followed by right's.
func beside(left, right string) string {
	var b strings.Builder
	b.Grow(len(left) + len(right))
	r := strings.Split(right, "\n")
	i := 0
	for line := range strings.SplitSeq(left, "\n") {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(line)
		if i < len(r) {
			b.WriteString(r[i])
		}
		i++
	}
	return b.String()
}

// prefixLines puts p before every line of s.
func prefixLines(p, s string) string {
	var b strings.Builder
	b.Grow(len(s) + len(p)*(strings.Count(s, "\n")+1))
	first := true
	for line := range strings.SplitSeq(s, "\n") {
		if !first {
			b.WriteByte('\n')
		}
		first = false
		b.WriteString(p)
		b.WriteString(line)
	}
	return b.String()
}
