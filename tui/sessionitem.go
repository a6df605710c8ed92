package tui

import (
	"cmp"
	"slices"
	"strconv"
	"strings"
	"time"

	"charm.land/lipgloss/v2"

	"github.com/neotui/neotui/internal/export"
	"github.com/neotui/neotui/internal/safetext"
	"github.com/neotui/neotui/internal/store"
	"github.com/neotui/neotui/tui/list"
)

// sessionItem is a row of the Conversations tab: what it draws, no more.
// Its ID and preview are its filter text, the one string the store read
// them as; its URI, which the filter searches too, and its page are shared
// with every row of that URI, so that 100k rows cost little more than
// their previews.
type sessionItem struct {
	text    string  // "ID preview"
	who     *string // the visitor's name or email, made safe, when the conversation produced a lead: in leadWho, where a string would make the row 8 bytes longer
	uri     *uriParts
	created int64 // UTC unix nanoseconds
	count   int32
	lead    bool // the conversation produced a lead (who may still be empty: a phone alone)
}

// newSessionItem is the row of s alone.
func newSessionItem(s store.SessionRow) *sessionItem {
	var r sessionRows
	r.add(s)
	return &r.blocks[0][0]
}

func pagePath(uri string) string { return safetext.Line(export.PagePath(uri)) }

func (i *sessionItem) FilterText() string   { return i.text }
func (i *sessionItem) FilterSuffix() string { return i.uri.line }
func (i *sessionItem) Key() string          { return i.text[:strings.IndexByte(i.text, ' ')] }
func (i *sessionItem) preview() string      { return i.text[len(i.Key())+1:] }

// id is the conversation's ID, read from its text: a row holds it once.
func (i *sessionItem) id() int64 {
	id, _ := strconv.ParseInt(i.Key(), 10, 64)
	return id
}

// sessionRows builds the rows of a load: the items in blocks rather than
// one allocation each, one page per URI.
type sessionRows struct {
	blocks [][]sessionItem
	n      int
	uris   map[string]*uriParts
	lo, hi int64 // the conversations' IDs span these
}

// leadWho is who the visitors of conversations were: a visitor per lead
// that names one, sorted by conversation. A slice, not a map: a map of 25k conversations
// allocates three times as much, and costs more to fill than to sort.
type leadWho []visitor

// visitor is who a lead of conversation id says its visitor was: the
// name, else the email, made safe ("" when it gave neither).
type visitor struct {
	id  int64
	who string
}

// whoOf is who the visitors of the conversations of m were.
func whoOf(m map[int64]string) leadWho {
	var who leadWho
	for id, v := range m {
		who = append(who, visitor{id, v})
	}
	who.sort()
	return who
}

// of is who the visitor of conversation id was: the first of its leads
// that says, nil when none does.
func (w leadWho) of(id int64) *string {
	i, _ := slices.BinarySearchFunc(w, id, func(v visitor, id int64) int { return cmp.Compare(v.id, id) })
	for ; i < len(w) && w[i].id == id; i++ {
		if w[i].who != "" {
			return &w[i].who
		}
	}
	return nil
}

// sort sorts w by conversation, a conversation's leads in the order read.
func (w leadWho) sort() {
	byID := func(a, b visitor) int { return cmp.Compare(a.id, b.id) }
	if !slices.IsSortedFunc(w, byID) { // the store reads them in order: SQLite does
		slices.SortStableFunc(w, byID)
	}
}

// readWho reads who the visitors of bot's conversations lo..hi were, from
// their leads.
func readWho(sh *shared, bot string, lo, hi int64) (leadWho, error) {
	var who leadWho
	err := sh.Store.EachLeadWho(sh.ctx, bot, lo, hi, func(id int64, name, email string) {
		v := visitor{id, safetext.Line(firstNonEmpty(strings.TrimSpace(name), strings.TrimSpace(email)))}
		if v.who == "" { // a phone alone: nothing to show
			return
		}
		if len(who) == cap(who) { // doubled: append grows a long slice by a quarter, five times the copies
			who = slices.Grow(who, max(len(who), 64))
		}
		who = append(who, v)
	})
	who.sort()
	return who, err
}

// setWho gives the rows read before who was known their visitors: the
// rows of conversations that produced a lead, as the store marks them.
func (r *sessionRows) setWho(who leadWho) {
	if len(who) == 0 {
		return
	}
	for _, b := range r.blocks {
		for i := range b {
			if b[i].lead {
				b[i].who = who.of(b[i].id())
			}
		}
	}
}

// uriParts are what rows show and search of a URI.
type uriParts struct {
	line string // the URI made safe
	page string
}

// uriOf is the parts of uri in seen, made there once.
func uriOf(seen map[string]*uriParts, uri string) *uriParts {
	p, ok := seen[uri]
	if !ok {
		p = &uriParts{line: safetext.Line(uri), page: pagePath(uri)}
		seen[uri] = p
	}
	return p
}

// rowBlock is how many rows share one allocation.
const rowBlock = 1024

func (r *sessionRows) add(s store.SessionRow) {
	if len(r.blocks) == 0 || len(r.blocks[len(r.blocks)-1]) == rowBlock {
		r.blocks = append(r.blocks, make([]sessionItem, 0, rowBlock))
	}
	if r.uris == nil {
		r.uris = map[string]*uriParts{}
	}
	uri := uriOf(r.uris, s.URI)
	// The line as read, unless the preview must be made safe (the ID is).
	text := safetext.Line(s.Line)
	if s.Preview == "" {
		text = s.Line + "(no messages)"
	}
	last := len(r.blocks) - 1
	r.blocks[last] = append(r.blocks[last], sessionItem{text: text, uri: uri,
		created: s.CreateTime.UnixNano(), count: int32(s.MessageCount), lead: s.Lead})
	if r.n == 0 || s.SessionID < r.lo {
		r.lo = s.SessionID
	}
	if r.n == 0 || s.SessionID > r.hi {
		r.hi = s.SessionID
	}
	r.n++
}

// sessionItems are the rows of parts, in the order of the parts and then
// of their adding.
func sessionItems(parts ...*sessionRows) []list.Item {
	n := 0
	for _, r := range parts {
		n += r.n
	}
	items := make([]list.Item, 0, n)
	for _, r := range parts {
		for _, b := range r.blocks {
			for i := range b {
				items = append(items, &b[i])
			}
		}
	}
	return items
}

// sessionLayout is the widths of a conversation row's columns.
type sessionLayout struct{ who, preview, page int }

// The columns a conversation row always has: the marker, when, ID and count.
const (
	sessionIDW    = 7
	sessionCountW = 4 // "Msgs"
	maxWhoW       = 20
)

// layoutSessions lays out a conversation row of width cells: the visitor
// and the first message share what the fixed columns leave, the page only
// when wide.
func layoutSessions(width int) sessionLayout {
	rest := width - 1 - (1 + whenW) - (1 + sessionIDW) - (1 + sessionCountW) - 2 // the gaps before who and preview
	var lay sessionLayout
	lay.who = clampInt(rest*2/5, 0, maxWhoW)
	lay.preview = rest - lay.who
	if lay.preview >= 60 {
		lay.page = lay.preview / 4
		lay.preview -= lay.page + 1
	}
	return lay
}

// sessionHeader draws the Conversations list's header line.
func sessionHeader(sh *shared, sort *listSort) list.HeaderFunc {
	return func(width int) string {
		lay := layoutSessions(width)
		var h header
		h.start(1)
		h.cell("When", whenW)
		h.cell("ID", sessionIDW)
		h.cell("Msgs", sessionCountW)
		h.cell("Visitor", lay.who)
		h.cell("First message", lay.preview)
		h.cell("Page", lay.page)
		col := "When"
		switch sort.order() {
		case sortMostMessages:
			col = "Msgs"
		case sortWithLead:
			col = "Visitor"
		}
		return h.render(sh, width, sort, col)
	}
}

// renderSession draws a conversation row: marker, when, ID, count, the
// visitor, first message, page.
func renderSession(sh *shared) list.RenderFunc {
	return func(it list.Item, width int, selected bool, terms []string) string {
		s := it.(*sessionItem)
		var r row
		r.start(sh, selected, terms)
		lay := layoutSessions(width)
		r.cell(relative(time.Unix(0, s.created), sh.now(), sh.loc()), whenW, sh.styles.Muted)
		r.cell(s.Key(), sessionIDW, sh.styles.Muted)
		r.cell(strconv.Itoa(int(s.count)), sessionCountW, sh.styles.Muted)
		preview, who := s.preview(), ""
		if s.who != nil {
			who = *s.who
		}
		if sh.masked {
			preview, who = mask(preview), mask(who)
		}
		r.cell(who, lay.who, sh.styles.Bold)
		r.cell(preview, lay.preview, lipgloss.NewStyle())
		r.cell(s.uri.page, lay.page, sh.styles.Muted)
		return r.String()
	}
}

// sortSessions orders conversation rows by order: ties newest first.
func sortSessions(items []list.Item, order string) {
	newest := func(a, b *sessionItem) int {
		if c := cmp.Compare(b.created, a.created); c != 0 {
			return c
		}
		return cmp.Compare(b.id(), a.id())
	}
	var by func(a, b *sessionItem) int
	switch order {
	case sortOldest:
		by = func(a, b *sessionItem) int { return newest(b, a) }
	case sortMostMessages:
		by = func(a, b *sessionItem) int { return cmp.Or(cmp.Compare(b.count, a.count), newest(a, b)) }
	case sortWithLead:
		by = func(a, b *sessionItem) int {
			return cmp.Or(boolRank(!a.lead)-boolRank(!b.lead), newest(a, b))
		}
	default:
		by = newest
	}
	slices.SortFunc(items, func(a, b list.Item) int { return by(a.(*sessionItem), b.(*sessionItem)) })
}
