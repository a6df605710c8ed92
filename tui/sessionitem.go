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
// Its ID and preview are its filter text, the one string the store read
// them as; its URI, which the filter searches too, and its page are shared
// with every row of that URI, so that 100k rows cost little more than
// their previews.
type sessionItem struct {
	text    string // "ID preview"
	uri     *uriParts
	created int64 // UTC unix nanoseconds
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
		created: s.CreateTime.UnixNano(), count: int32(s.MessageCount)})
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
		var r row
		r.start(sh, selected, terms)
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
