package tui

import (
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
type leadItem struct {
	lead          *store.Lead // in leadsModel.raw
	name, contact string
	filter        string
	uri           *uriParts // shared by the rows of one URI: the end of what the filter searches
	bot           string    // the bot's name, in the All bots inbox
}

// newLeadItem makes a row of l, with uri its URI's parts; masked hides
// emails and phones (ctrl+p).
func newLeadItem(l *store.Lead, uri *uriParts, masked bool) leadItem {
	it := leadItem{
		lead:    l,
		name:    safetext.Line(strings.TrimSpace(l.Name)),
		contact: safetext.Line(firstNonEmpty(strings.TrimSpace(l.Email), strings.TrimSpace(l.PhoneNumber))),
		uri:     uri,
	}
	if it.name == "" {
		it.name = "(no name)"
	}
	// The live filter finds triage state by words: status:contacted,
	// is:starred, is:unseen; the URI, shared, comes last (FilterSuffix).
	// The words are joined where they stand, on the stack: only the filter
	// text is allocated.
	var id [20]byte
	words := make([]string, 0, 10)
	words = append(words, it.name, safetext.Line(l.Email), safetext.Line(l.PhoneNumber),
		safetext.Line(l.Content), string(strconv.AppendInt(id[:0], l.SessionID, 10)),
		l.Type, statusWord(l.Triage.Status))
	if l.Triage.Starred {
		words = append(words, "is:starred")
	}
	if l.Triage.SeenAt.IsZero() {
		words = append(words, "is:unseen")
	}

	it.filter = strings.Join(words, " ")
	if masked {
		it.name, it.contact = mask(it.name), mask(it.contact)
	}
	return it
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

func (i *leadItem) FilterText() string   { return i.filter }
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

// renderLead draws a lead row: marker, type badge, name, contact, when, page.
func renderLead(sh *shared, cols *leadColumns) list.RenderFunc {
	return func(it list.Item, width int, selected bool, terms []string) string {
		if sep, ok := it.(sepItem); ok {
			label := "── new since your last visit ▲ · earlier ▼ " + sep.since + " "
			return sh.styles.Muted.Render(fitCell(label+strings.Repeat("─", max(width-len([]rune(label)), 0)), width))
		}
		l := it.(*leadItem)
		var r row
		r.start(sh, selected, terms)
		dot, star := " ", " "
		if l.lead.Triage.SeenAt.IsZero() {
			dot = "●"
		}
		if l.lead.Triage.Starred {
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
			when = "in " + until(l.lead.Triage.SnoozedUntil, sh.now(), sh.loc()) // when it wakes
		}
		status := string(l.lead.Triage.Status)
		if status == "new" {
			status = ""
		}
		statusW, botW := 0, 0
		if status != "" || cols.anyStatus {
			statusW = 9
		}
		if l.bot != "" {
			botW = sh.botWidth()
		}
		rest := width - 3 - 4 - 8 - 4 - statusW - botW // marker, dot, star, badge, when, gaps
		if statusW > 0 {
			rest--
		}
		if botW > 0 {
			rest--
		}
		// Wide enough, the local time joins the relative one.
		clockW := 0
		if rest >= 70 {
			clockW = 12
			rest -= clockW + 1
		}
		// The name takes what the names need, within bounds; the contact
		// (and the page, when wide) what is left.
		nameW, contactW, pageW := clampInt(cols.nameWidth, min(8, rest/3), rest/2), 0, 0
		if rest >= 60 {
			nameW = clampInt(cols.nameWidth, rest*24/100, rest*36/100)
			contactW = rest * 34 / 100
			pageW = rest - nameW - contactW - 1
		} else {
			contactW = rest - nameW - 1
		}
		r.cell(l.bot, botW, sh.styles.Muted)
		r.cell(badge, 4, badgeStyle)
		r.cell(l.name, nameW, sh.styles.Bold)
		r.cell(l.contact, contactW, lipgloss.NewStyle())
		r.cell(when, 8, sh.styles.Muted)
		r.cell(shortClock(l.lead.CreateTime, sh.now(), sh.loc()), clockW, sh.styles.Muted)
		r.cell(status, statusW, sh.styles.statusStyle(l.lead.Triage.Status))
		r.cell(l.uri.page, pageW, sh.styles.Muted)
		return r.String()
	}
}
