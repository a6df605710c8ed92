package tui

import (
	"strconv"
	"time"

	"charm.land/lipgloss/v2"

	"github.com/neotui/neotui/internal/export"
	"github.com/neotui/neotui/internal/safetext"
	"github.com/neotui/neotui/internal/store"
	"github.com/neotui/neotui/tui/list"
)

// sessionItem is a row of the Conversations tab: what it draws, no more.
// Its ID and preview are parts of its filter text, one string, and its page
// is shared with every row of that page, so that 100k rows cost little more
// than their text.
type sessionItem struct {
	filter  string // "ID preview URI": what the live filter searches
	page    string // shared by the rows of one URI
	id      int64
	created int64 // UTC unix nanoseconds
	count   int
	// filter[:idEnd] is the ID, filter[idEnd+1:previewEnd] the preview
	// made safe.
	idEnd, previewEnd int32
}

func newSessionItem(s store.SessionRow) *sessionItem {
	it := &sessionItem{}
	it.fill(s, pagePath(s.URI), nil)
	return it
}

// fill makes it the row of s, building its filter text in buf (scratch,
// returned grown for the next row).
func (it *sessionItem) fill(s store.SessionRow, page string, buf []byte) []byte {
	preview := safetext.Line(s.Preview)
	if preview == "" {
		preview = "(no messages)"
	}
	buf = strconv.AppendInt(buf[:0], s.SessionID, 10)
	n := len(buf)
	buf = append(append(append(append(buf, ' '), preview...), ' '), safetext.Line(s.URI)...)
	*it = sessionItem{filter: string(buf), page: page, id: s.SessionID, created: s.CreateTime.UnixNano(),
		count: s.MessageCount, idEnd: int32(n), previewEnd: int32(n + 1 + len(preview))}
	return buf
}

func pagePath(uri string) string { return safetext.Line(export.PagePath(uri)) }

func (i *sessionItem) FilterText() string { return i.filter }
func (i *sessionItem) Key() string        { return i.filter[:i.idEnd] }
func (i *sessionItem) preview() string    { return i.filter[i.idEnd+1 : i.previewEnd] }

// sessionRows builds the rows of a load: the items in blocks rather than
// one allocation each, one page string per URI.
type sessionRows struct {
	blocks [][]sessionItem
	n      int
	pages  map[string]string // URI → its page
	buf    []byte
}

// rowBlock is how many rows share one allocation.
const rowBlock = 1024

func (r *sessionRows) add(s store.SessionRow) {
	if len(r.blocks) == 0 || len(r.blocks[len(r.blocks)-1]) == rowBlock {
		r.blocks = append(r.blocks, make([]sessionItem, 0, rowBlock))
	}
	page, ok := r.pages[s.URI]
	if !ok {
		if r.pages == nil {
			r.pages = map[string]string{}
		}
		page = pagePath(s.URI)
		r.pages[s.URI] = page
	}
	last := len(r.blocks) - 1
	r.blocks[last] = r.blocks[last][:len(r.blocks[last])+1]
	it := &r.blocks[last][len(r.blocks[last])-1]
	r.buf = it.fill(s, page, r.buf)
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
		r.cell(strconv.Itoa(s.count), 3, sh.styles.Muted)
		preview := s.preview()
		if sh.masked {
			preview = mask(preview)
		}
		r.cell(preview, previewW, lipgloss.NewStyle())
		r.cell(s.page, pageW, sh.styles.Muted)
		return r.String()
	}
}
