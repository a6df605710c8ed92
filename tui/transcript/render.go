package transcript

import (
	"strings"

	"charm.land/glamour/v2"
	"charm.land/glamour/v2/ansi"
	"charm.land/glamour/v2/styles"
	"charm.land/lipgloss/v2"
	xansi "github.com/charmbracelet/x/ansi"

	"github.com/neotui/neotui/api"
	"github.com/neotui/neotui/internal/safetext"
)

// kind is how a message is shown.
type kind uint8

const (
	kindAI   kind = iota // Markdown in a pane on the left
	kindUser             // plain text in a pane on the right
	kindNote             // anything else: a muted line with its type
)

// entry is a message made ready to render: sanitized once, when the session
// is set, and immutable after, so background renders may read it.
type entry struct {
	kind  kind
	label string // a note's type
	text  string
}

// tab is what a tab becomes: a terminal would move to its next tab stop, which
// no width count can know, so it is expanded before anything is measured.
const tab = "    "

func newEntry(m api.Message) entry {
	switch m.Type {
	case api.RoleAI:
		return entry{kind: kindAI, text: safetext.Markdown(strings.ReplaceAll(m.Content, "\t", tab))}
	case api.RoleUser:
		return entry{kind: kindUser, text: plain(m.Content)}
	}
	label := strings.TrimSpace(safetext.Line(m.Type))
	if label == "" {
		label = "note"
	}
	return entry{kind: kindNote, label: label, text: plain(m.Content)}
}

func plain(s string) string {
	return strings.Trim(strings.ReplaceAll(safetext.Clean(s), "\t", tab), "\n")
}

// block is one message as it appears: head and tail lines (a pane's borders,
// a note's label) around body lines, each framed by left and right. The body
// is kept apart so a search highlight never lands on a frame or a label.
type block struct {
	head, body, tail []string
	left, right      string
	lines            []string // head, framed body, tail

	// The lines with a term marked, for the term last asked for. Only the
	// Update goroutine sees a block once it is rendered.
	markTerm string
	marked   []string
}

func newBlock(head, body, tail []string, left, right string) *block {
	// Everything a style or glamour produced goes through keepSGR: a
	// lipgloss style can carry an OSC 8 hyperlink, glamour emits them.
	for _, ls := range [][]string{head, body, tail} {
		for i := range ls {
			ls[i] = keepSGR(ls[i])
		}
	}
	b := &block{head: head, body: body, tail: tail, left: keepSGR(left), right: keepSGR(right)}
	b.lines = b.compose(body)
	return b
}

func (b *block) compose(body []string) []string {
	lines := make([]string, 0, len(b.head)+len(body)+len(b.tail))
	lines = append(lines, b.head...)
	for _, l := range body {
		lines = append(lines, b.left+l+b.right)
	}
	return append(lines, b.tail...)
}

// highlighted returns the block's lines with term marked in the body.
func (b *block) highlighted(term string) []string {
	if b.marked == nil || b.markTerm != term {
		body := make([]string, len(b.body))
		for i, l := range b.body {
			body[i] = highlight(l, term)
		}
		b.markTerm, b.marked = term, b.compose(body)
	}
	return b.marked
}

// Layout. A pane is framed by "│ " and " │"; the AI's pane leaves a gap on
// the right, the visitor's sits on the right, as wide as its text.
const (
	frameWidth = 4
	minFramed  = 16 // narrower than this, messages go unframed
)

// renderer renders blocks for one width and background. It is not safe for
// concurrent use (glamour's renderer is not): the model keeps one for the
// Update goroutine and each background render makes its own.
type renderer struct {
	width   int
	maxPane int // the widest a pane may be
	st      Styles
	isDark  bool
	md      *glamour.TermRenderer // nil if glamour could not be set up
}

func newRenderer(width int, isDark bool, st Styles) *renderer {
	r := &renderer{width: width, maxPane: width, st: st, isDark: isDark}
	if width >= minFramed {
		r.maxPane = width - min(max(width/8, 2), 16)
	}
	r.md = newGlamour(isDark, r.inner(r.maxPane))
	return r
}

func newGlamour(isDark bool, width int) *glamour.TermRenderer {
	md, err := glamour.NewTermRenderer(
		glamour.WithStyles(glamourStyle(isDark)),
		glamour.WithWordWrap(max(width, 1)),
		// Inline, a table's link shows its whole target; as footnotes
		// glamour truncates the target to fit.
		glamour.WithInlineTableLinks(true),
	)
	if err != nil {
		return nil
	}
	return md
}

// glamourStyle is glamour's own dark or light style, chosen by the caller's
// background (never detected: detection queries the terminal), minus what the
// pane already provides: the document's margin, blank lines around it and
// its text colour, which would otherwise pad every line with styled spaces.
func glamourStyle(isDark bool) ansi.StyleConfig {
	cfg := styles.LightStyleConfig
	if isDark {
		cfg = styles.DarkStyleConfig
	}
	cfg.Document.Margin = nil
	cfg.Document.BlockPrefix, cfg.Document.BlockSuffix = "", ""
	cfg.Document.Color = nil
	return cfg
}

func (r *renderer) framed() bool { return r.width >= minFramed }

// inner is the text width of a pane of width w.
func (r *renderer) inner(w int) int {
	if r.framed() {
		return w - frameWidth
	}
	return w
}

func (r *renderer) block(e entry) *block {
	switch e.kind {
	case kindAI:
		return r.pane(r.markdown(e.text), "AI", r.st.AILabel, r.st.AIBorder, r.maxPane, false)
	case kindUser:
		lines := wrap(e.text, r.inner(r.maxPane))
		w := ansiWidth(lines) + frameWidth
		w = max(w, xansi.StringWidth("Visitor")+6) // room for the label in the border
		return r.pane(styled(lines, r.st.UserBody), "Visitor", r.st.UserLabel, r.st.UserBorder, min(w, r.maxPane), true)
	}
	return r.note(e)
}

// markdown renders AI text with glamour into lines of the pane's inner
// width. Should glamour fail, or panic (it parses what strangers wrote), the
// text is shown as it is.
func (r *renderer) markdown(text string) (lines []string) {
	width := r.inner(r.maxPane)
	defer func() {
		if recover() != nil {
			r.md = newGlamour(r.isDark, width) // the old one's state is suspect
			lines = styled(wrap(text, width), r.st.AIBody)
		}
	}()
	if r.md != nil && !tooComplex(text, width) {
		if out, err := r.md.Render(text); err == nil {
			return hardwrapLines(trimBlank(strings.Split(keepSGR(out), "\n")), width)
		}
	}
	return styled(wrap(text, width), r.st.AIBody)
}

// maxHeadings is how many headings glamour is given at most: goldmark makes
// each heading an ID unique among those before it by counting up, so many
// identical headings take quadratic time (5,000 take two seconds).
const maxHeadings = 200

// tooComplex reports whether Markdown has a shape that glamour takes far too
// long to render, so that it is better shown as plain text: too many headings,
// or quotes and lists nested so deep that their indentation uses up the
// width — 40 nested quotes take 10 ms, 80 take 25 s. Lines in code blocks
// count too: telling them apart would take a Markdown parser, and a guard
// that can be fooled into skipping lines is no guard.
func tooComplex(md string, width int) bool {
	maxDepth := min(max(width/4, 2), 12) // each level indents by up to 4
	headings := 0
	for line := range strings.Lines(md) {
		if depth, indent := nesting(line); depth > 0 && depth+indent/2 > maxDepth {
			return true
		}
		if strings.HasPrefix(strings.TrimLeft(line, " "), "#") {
			if headings++; headings > maxHeadings {
				return true
			}
		}
	}
	return false
}

// nesting counts the quote and list markers a line starts with, and the
// spaces among them.
func nesting(line string) (depth, indent int) {
	for i := 0; i < len(line); i++ {
		switch c := line[i]; {
		case c == ' ':
			indent++
		case c == '>':
			depth++
		case (c == '-' || c == '*' || c == '+') && i+1 < len(line) && line[i+1] == ' ':
			depth++
		case '0' <= c && c <= '9':
			j := i
			for j < len(line) && '0' <= line[j] && line[j] <= '9' {
				j++
			}
			if j+1 >= len(line) || line[j] != '.' && line[j] != ')' || line[j+1] != ' ' {
				return depth, indent
			}
			depth++
			i = j
		default:
			return depth, indent
		}
	}
	return depth, indent
}

// pane frames body lines (each at most the inner width) in a rounded border
// of width w with the label in its top edge, on the right of the screen if
// right is set.
func (r *renderer) pane(body []string, label string, labelStyle, border lipgloss.Style, w int, right bool) *block {
	if !r.framed() {
		return newBlock([]string{labelStyle.Render(label)}, body, nil, "", "")
	}
	inner := w - frameWidth
	if len(body) == 0 {
		body = []string{""}
	}
	for i, l := range body {
		body[i] = l + strings.Repeat(" ", max(inner-xansi.StringWidth(l), 0))
	}
	indent := ""
	if right {
		indent = strings.Repeat(" ", r.width-w)
	}
	b := lipgloss.RoundedBorder()
	label = xansi.Truncate(label, w-6, "")
	fill := w - 5 - xansi.StringWidth(label)
	top := indent + border.Render(b.TopLeft+b.Top+" ") + labelStyle.Render(label) +
		border.Render(" "+strings.Repeat(b.Top, fill)+b.TopRight)
	bottom := indent + border.Render(b.BottomLeft+strings.Repeat(b.Bottom, w-2)+b.BottomRight)
	return newBlock([]string{top}, body, []string{bottom}, indent+border.Render(b.Left)+" ", " "+border.Render(b.Right))
}

// note is a muted, indented line with the message's type, then its text.
func (r *renderer) note(e entry) *block {
	indent := min(2, r.width/8)
	head := strings.Repeat(" ", indent) + r.st.NoteLabel.Render(xansi.Truncate("· "+e.label, r.width-indent, "…"))
	var body []string
	if e.text != "" {
		body = styled(wrap(e.text, r.width-2*indent), r.st.NoteBody)
	}
	return newBlock([]string{head}, body, nil, strings.Repeat(" ", 2*indent), "")
}

// emptyLine is what an empty conversation shows.
func emptyLine(st Styles, width int) string {
	return keepSGR(st.Muted.Render(xansi.Truncate("no messages in this conversation", width, "…")))
}

// wrap word-wraps plain text to width, breaking words longer than a line.
func wrap(text string, width int) []string {
	return hardwrapLines(strings.Split(xansi.Wrap(text, width, ""), "\n"), width)
}

// hardwrapLines makes every line at most width cells: glamour wraps its own text, but
// a table or a code block may run wider, and a wide character cannot be
// split. Trailing spaces go: the pane pads lines itself.
func hardwrapLines(lines []string, width int) []string {
	width = max(width, 1)
	out := lines[:0:0]
	for _, l := range lines {
		l = strings.TrimRight(l, " ")
		if xansi.StringWidth(l) <= width {
			out = append(out, l)
			continue
		}
		for _, part := range strings.Split(xansi.Hardwrap(l, width, true), "\n") {
			out = append(out, xansi.Truncate(part, width, ""))
		}
	}
	return out
}

// trimBlank drops the blank lines glamour leaves around a document.
func trimBlank(lines []string) []string {
	blank := func(l string) bool { return strings.TrimSpace(xansi.Strip(l)) == "" }
	for len(lines) > 0 && blank(lines[0]) {
		lines = lines[1:]
	}
	for len(lines) > 0 && blank(lines[len(lines)-1]) {
		lines = lines[:len(lines)-1]
	}
	return lines
}

func styled(lines []string, st lipgloss.Style) []string {
	for i, l := range lines {
		lines[i] = st.Render(l)
	}
	return lines
}

// ansiWidth is the width of the widest line.
func ansiWidth(lines []string) int {
	w := 0
	for _, l := range lines {
		w = max(w, xansi.StringWidth(l))
	}
	return w
}
