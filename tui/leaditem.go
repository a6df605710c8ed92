package tui

import (
	"cmp"
	"strconv"
	"strings"

	"charm.land/lipgloss/v2"

	"github.com/neotui/neotui/api"
	"github.com/neotui/neotui/internal/safetext"
	"github.com/neotui/neotui/internal/store"
	"github.com/neotui/neotui/tui/list"
)

// leadItem is a row of the Leads tab: its lead, not a copy of it, and the
// text it draws, made safe once (the lead's own strings when already safe).
// Its filter text is not kept but written from the lead when the list
// indexes it (list.Appender): a joined copy of the lead's fields would hold
// a fifth of what a row costs, for nothing once indexed.
type leadItem struct {
	lead          *store.Lead // in leadsModel.raw
	name, contact string
	uri           *uriParts // shared by the rows of one URI: the end of what the filter searches
	bot           string    // the bot's name, in the All bots inbox
}

// newLeadItem makes a row of l, with uri its URI's parts; masked hides
// emails and phones (ctrl+p).
func newLeadItem(l *store.Lead, uri *uriParts, masked bool) leadItem {
	it := leadItem{
		lead:    l,
		name:    leadRowName(l),
		contact: safetext.Line(firstNonEmpty(strings.TrimSpace(l.Email), strings.TrimSpace(l.PhoneNumber))),
		uri:     uri,
	}
	if masked {
		it.name, it.contact = mask(it.name), mask(it.contact)
	}
	return it
}

// leadRowName is the name a row shows of l, unmasked.
func leadRowName(l *store.Lead) string {
	return cmp.Or(safetext.Line(strings.TrimSpace(l.Name)), "(no name)")
}

// AppendFilterText appends what the live filter searches of the lead: its
// name (unmasked: a masked list still finds a lead by it), email, phone,
// content, conversation and type, and its triage state as words:
// status:contacted, is:starred, is:unseen. The URI, shared, comes after it
// (FilterSuffix).
func (i *leadItem) AppendFilterText(dst []byte) []byte {
	l := i.lead
	for _, w := range [...]string{leadRowName(l), safetext.Line(l.Email), safetext.Line(l.PhoneNumber),
		safetext.Line(l.Content)} {
		dst = append(append(dst, w...), ' ')
	}
	dst = strconv.AppendInt(dst, l.SessionID, 10)
	dst = append(append(append(dst, ' '), l.Type...), ' ')
	t := l.Triage()
	dst = append(dst, statusWord(t.Status)...)
	if t.Starred {
		dst = append(dst, " is:starred"...)
	}
	if t.SeenAt.IsZero() {
		dst = append(dst, " is:unseen"...)
	}
	return dst
}

// statusWords are the filter's words for the statuses: made once, not
// once per lead.
var statusWords = func() map[store.Status]string {
	words := map[store.Status]string{"": "status:new"}
	for _, st := range store.Statuses {
		words[st] = "status:" + string(st)
	}
	return words
}()

func statusWord(st store.Status) string {
	if w, ok := statusWords[st]; ok {
		return w
	}
	return "status:" + string(st)
}

// sepItem is the line between leads new since the last visit and older
// ones. Its empty filter text keeps it out of every filter.
type sepItem struct{ since string }

func (sepItem) FilterText() string { return "" }
func (sepItem) Key() string        { return "\x00separator" }

func (i *leadItem) FilterText() string   { return string(i.AppendFilterText(nil)) }
func (i *leadItem) FilterSuffix() string { return i.uri.line }
func (i *leadItem) Key() string          { return i.lead.Key }

func firstNonEmpty(s ...string) string {
	for _, x := range s {
		if x != "" {
			return x
		}
	}
	return ""
}

// row is a line of cells sharing one base style, so a selected row's
// background runs unbroken across cells and gaps.
type row struct {
	b     strings.Builder
	base  lipgloss.Style
	match lipgloss.Style
	terms []string
	// selected rows have a base style to blend in; others draw cells in
	// their own style and gaps as plain spaces, sparing a lipgloss call or
	// two per cell (each costs about a microsecond).
	selected bool
	gap      string
}

// start starts r with its selection marker. A row is a value on the
// drawing function's stack: only its text is allocated.
func (r *row) start(sh *shared, selected bool, terms []string) {
	*r = row{base: lipgloss.NewStyle(), match: sh.styles.Match, terms: terms, selected: selected, gap: " "}
	marker := " "
	if selected {
		r.base = sh.styles.Selected
		r.match = sh.styles.Match.Background(sh.styles.Selected.GetBackground())
		r.gap = r.base.Render(" ")
		marker = "▌"
	}
	r.b.Grow(512) // a row of 60 cells with their escape sequences
	r.b.WriteString(r.base.Inherit(sh.styles.Title).Render(marker))
}

// cell adds text fitted to w cells, the filter's terms highlighted.
func (r *row) cell(text string, w int, style lipgloss.Style) {
	if w <= 0 {
		return
	}
	r.b.WriteString(r.gap)
	text = fitCell(text, w)
	if r.selected {
		style = style.Inherit(r.base)
	}
	if len(r.terms) > 0 {
		r.b.WriteString(list.Highlight(text, r.terms, style, r.match))
		return
	}
	r.b.WriteString(style.Render(text))
}

func (r *row) String() string { return r.b.String() }

// maxNameWidth is the most a name column asks for.
const maxNameWidth = 24

func clampInt(v, lo, hi int) int { return max(lo, min(v, hi)) }

// leadLayout is the widths of a lead row's columns at a width: the same for
// every row and the header, so that columns line up. A zero width leaves its
// column out.
type leadLayout struct {
	bot, name, contact, clock, status, page int
	statusBadge                             bool // the status as one letter
}

// The columns that are always there: the marker, unseen dot and star; the
// type badge; the relative time.
const (
	leadFixedW  = 3
	badgeW      = 4
	whenW       = 8
	statusFullW = 9  // "contacted", "qualified"
	minNameW    = 10 // the name's room before the status shrinks to a letter
	tightNameW  = 4  // the name's least beside an uncut contact
	minBotW     = 6  // the bot's name's least, in the All bots inbox
	maxContactW = 40
)

// layoutLeads lays out a lead row of width cells. Priorities, by what a
// triager needs: the contact (an email or phone, copied and called) is never
// cut while the name keeps tightNameW; the name shares the room with it when
// even that is too tight; the status shrinks to a letter before the name
// falls below minNameW; the clock and then the page take only what is left.
func layoutLeads(width int, cols *leadColumns, botW int) leadLayout {
	var lay leadLayout
	rest := width - leadFixedW - (1 + badgeW) - (1 + whenW)
	if botW > 0 {
		lay.bot = botW
		rest -= 1 + botW
	}
	contactWant := clampInt(cols.contactWidth, len("Contact"), maxContactW)
	nameWant := clampInt(cols.nameWidth, minNameW, maxNameWidth)
	// The status, in full when the name and contact keep their room.
	lay.status = statusFullW
	if rest-(1+statusFullW) < (1+minNameW)+(1+contactWant) {
		lay.status, lay.statusBadge = 1, true
	}
	rest -= 1 + lay.status
	if rest < (1+tightNameW)+(1+contactWant) {
		// Too narrow for both: they share what there is.
		lay.name = max((rest-2)/2, 1)
		lay.contact = max(rest-2-lay.name, 0)
		return lay
	}
	lay.contact = contactWant
	rest -= 1 + contactWant
	lay.name = min(nameWant, rest-1)
	rest -= 1 + lay.name
	// The bot's name gives the lead's name its room, down to a few cells.
	if give := min(min(minNameW, nameWant)-lay.name, lay.bot-minBotW); give > 0 {
		lay.bot -= give
		lay.name += give
	}
	// Wide enough, the local time joins the relative one, then the page.
	if rest >= 13+16 {
		lay.clock = 12
		rest -= 13
	}
	if rest >= 6 {
		lay.page = rest - 1
	}
	return lay
}

// statusLetter is a status as its one-letter badge: each starts with a
// different letter.
func statusLetter(st store.Status) string {
	if st == "" || st == store.StatusNew {
		return ""
	}
	return strings.ToUpper(string(st)[:1])
}

// leadHeader draws the Leads list's header line: the columns' names, the
// sort at the right.
func leadHeader(sh *shared, cols *leadColumns, sort *listSort) list.HeaderFunc {
	return func(width int) string {
		botW := 0
		if sh.allBots {
			botW = sh.botWidth()
		}
		lay := layoutLeads(width, cols, botW)
		var h header
		h.start(leadFixedW)
		h.cell("Bot", lay.bot)
		h.cell("Type", badgeW)
		h.cell("Name", lay.name)
		h.cell("Contact", lay.contact)
		h.cell("When", whenW)
		h.cell("Time", lay.clock)
		if lay.statusBadge {
			h.cell("S", lay.status)
		} else {
			h.cell("Status", lay.status)
		}
		h.cell("Page", lay.page)
		col := ""
		switch sort.order() {
		case sortNewest, sortOldest:
			col = "When"
		case sortName:
			col = "Name"
		case sortStatus:
			col = "Status"
			if lay.statusBadge {
				col = "S"
			}
		}
		return h.render(sh, width, sort, col)
	}
}

// renderLead draws a lead row: marker, type badge, name, contact, when, page.
func renderLead(sh *shared, cols *leadColumns) list.RenderFunc {
	return func(it list.Item, width int, selected bool, terms []string) string {
		if sep, ok := it.(sepItem); ok {
			label := "── new since your last visit ▲ · earlier ▼ " + sep.since + " "
			return sh.styles.Muted.Render(fitCell(label+strings.Repeat("─", max(width-len([]rune(label)), 0)), width))
		}
		l := it.(*leadItem)
		t := l.lead.Triage()
		var r row
		r.start(sh, selected, terms)
		dot, star := " ", " "
		if t.SeenAt.IsZero() {
			dot = "●"
		}
		if t.Starred {
			star = "★"
		}
		r.b.WriteString(r.base.Inherit(sh.styles.Unseen).Render(dot))
		r.b.WriteString(r.base.Inherit(sh.styles.Star).Render(star))
		badge, badgeStyle := "Lead", sh.styles.Lead
		if l.lead.Type == api.TypeAppointment {
			badge, badgeStyle = "Appt", sh.styles.Appointment
		} else if l.lead.Type != api.TypeLead {
			badge, badgeStyle = safetext.Line(l.lead.Type), sh.styles.Muted
		}
		when := relative(l.lead.CreateTime, sh.now(), sh.loc())
		if sh.snoozedOnly {
			when = "in " + until(t.SnoozedUntil, sh.now(), sh.loc()) // when it wakes
		}
		status := string(t.Status)
		if status == "new" {
			status = ""
		}
		botW := 0
		if l.bot != "" {
			botW = sh.botWidth()
		}
		lay := layoutLeads(width, cols, botW)
		if lay.statusBadge {
			status = statusLetter(t.Status)
		}
		r.cell(l.bot, lay.bot, sh.styles.Muted)
		r.cell(badge, badgeW, badgeStyle)
		r.cell(l.name, lay.name, sh.styles.Bold)
		r.cell(l.contact, lay.contact, lipgloss.NewStyle())
		r.cell(when, whenW, sh.styles.Muted)
		r.cell(shortClock(l.lead.CreateTime, sh.now(), sh.loc()), lay.clock, sh.styles.Muted)
		r.cell(status, lay.status, sh.styles.statusStyle(t.Status))
		r.cell(l.uri.page, lay.page, sh.styles.Muted)
		return r.String()
	}
}

// header is a list's header line: the columns' names at their widths, with
// the gaps the rows have.
type header struct {
	lead  int // cells before the first column (the marker)
	cells []headerCell
}

type headerCell struct {
	name string
	w    int
}

// start leaves lead cells blank: the columns without a name (the marker).
func (h *header) start(lead int) { h.lead = lead }

// cell adds a column's name fitted to w cells; none when w is 0.
func (h *header) cell(name string, w int) {
	if w > 0 {
		h.cells = append(h.cells, headerCell{name, w})
	}
}

// render is the line at width cells in the footer's dim style, the sort
// at its right end ("↓ newest") where the names leave room; otherwise an
// arrow beside the name of the column sorted by (col; "" the marker's).
func (h *header) render(sh *shared, width int, sort *listSort, col string) string {
	line := h.line("", "")
	if sort == nil {
		return sh.styles.Help.ShortDesc.Render(fitCell(line, width))
	}
	label := sort.label()
	if used, lw := list.Width(strings.TrimRight(line, " ")), list.Width(label); used+2+lw <= width {
		line = strings.TrimRight(line, " ")
		line += strings.Repeat(" ", width-used-lw) + label
	} else {
		line = h.line(col, label[:len("↓")])
	}
	return sh.styles.Help.ShortDesc.Render(fitCell(line, width))
}

// line is the names in their columns, the column col marked with arrow.
func (h *header) line(col, arrow string) string {
	var b strings.Builder
	lead := strings.Repeat(" ", h.lead)
	if arrow != "" && col == "" && h.lead >= 3 {
		lead = " ●" + arrow + strings.Repeat(" ", h.lead-3) // unseen first: the dots' column
	}
	b.WriteString(lead)
	for _, c := range h.cells {
		b.WriteByte(' ')
		name := c.name
		if arrow != "" && c.name == col {
			name += arrow
			if list.Width(name) > c.w {
				name = arrow
			}
		}
		b.WriteString(fitCell(name, c.w))
	}
	return b.String()
}
