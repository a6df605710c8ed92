package tui

import (
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
// Its ID and preview are its filter text, one string cut from the load's
// arena; its URI, which the filter searches too, and its page are shared
// with every row of that URI, so that 100k rows cost little more than
// their previews.
type sessionItem struct {
	text string // "ID preview"
	uri  *uriParts
	id   int64
	// created is in UTC unix nanoseconds.
	created int64
	count   int32
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

// sessionRows builds the rows of a load: the items in blocks rather than
// one allocation each, their texts in an arena, one page per URI.
type sessionRows struct {
	blocks [][]sessionItem
	n      int
	uris   map[string]*uriParts
	texts  arena
	num    [20]byte // an ID's digits
}

// uriParts are what rows show and search of a URI.
type uriParts struct {
	line string // the URI made safe
	page string
}

// rowBlock is how many rows share one allocation.
const rowBlock = 1024

func (r *sessionRows) add(s store.SessionRow) {
	if len(r.blocks) == 0 || len(r.blocks[len(r.blocks)-1]) == rowBlock {
		r.blocks = append(r.blocks, make([]sessionItem, 0, rowBlock))
	}
	uri, ok := r.uris[s.URI]
	if !ok {
		if r.uris == nil {
			r.uris = map[string]*uriParts{}
		}
		uri = &uriParts{line: safetext.Line(s.URI), page: pagePath(s.URI)}
		r.uris[s.URI] = uri
	}
	preview := safetext.Line(s.Preview)
	if preview == "" {
		preview = "(no messages)"
	}
	id := strconv.AppendInt(r.num[:0], s.SessionID, 10)
	last := len(r.blocks) - 1
	r.blocks[last] = append(r.blocks[last], sessionItem{text: r.texts.join(string(id), preview), uri: uri,
		id: s.SessionID, created: s.CreateTime.UnixNano(), count: int32(s.MessageCount)})
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

// arena cuts the strings of a load's rows from blocks of up to arenaBlock
// bytes, each twice the last: 100k rows' texts in a few dozen allocations
// rather than 100k, with no size class's rounding each.
type arena struct {
	b strings.Builder
}

const arenaBlock = 256 << 10

// join returns parts joined by spaces, cut from the arena. A strings.Builder
// only ever appends: the strings it returned stay as they were, and within
// its capacity it never moves them.
func (a *arena) join(parts ...string) string {
	n := len(parts) - 1
	for _, p := range parts {
		n += len(p)
	}
	if a.b.Cap()-a.b.Len() < n {
		size := min(max(2*a.b.Cap(), 4<<10), arenaBlock)
		a.b = strings.Builder{}
		a.b.Grow(max(n, size))
	}
	from := a.b.Len()
	for i, p := range parts {
		if i > 0 {
			a.b.WriteByte(' ')
		}
		a.b.WriteString(p)
	}
	return a.b.String()[from:]
}

// renderSession draws a conversation row: marker, when, ID, count, first
// message, page.
func renderSession(sh *shared) list.RenderFunc {
	return func(it list.Item, width int, selected bool, terms []string) string {
		s := it.(*sessionItem)
		r := newRow(sh, selected, terms)
		rest := width - 1 - 8 - 7 - 3 - 4
		previewW, pageW := rest, 0
		if rest >= 60 {
			pageW = rest / 4
			previewW = rest - pageW - 1
		}
		r.cell(relative(time.Unix(0, s.created), sh.now(), sh.loc()), 8, sh.styles.Muted)
		r.cell(s.Key(), 7, sh.styles.Muted)
		r.cell(strconv.Itoa(int(s.count)), 3, sh.styles.Muted)
		preview := s.preview()
		if sh.masked {
			preview = mask(preview)
		}
		r.cell(preview, previewW, lipgloss.NewStyle())
		r.cell(s.uri.page, pageW, sh.styles.Muted)
		return r.String()
	}
}
