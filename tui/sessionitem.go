package tui

import (
	"strconv"
	"strings"

	"charm.land/lipgloss/v2"

	"github.com/neotui/neotui/internal/export"
	"github.com/neotui/neotui/internal/safetext"
	"github.com/neotui/neotui/internal/store"
	"github.com/neotui/neotui/tui/list"
)

// sessionItem is a row of the Conversations tab.
type sessionItem struct {
	sum          store.SessionSummary
	id, preview  string
	page, filter string
}

func newSessionItem(s store.SessionSummary) *sessionItem {
	it := &sessionItem{
		sum:     s,
		id:      strconv.FormatInt(s.SessionID, 10),
		preview: safetext.Line(s.Preview),
		page:    safetext.Line(export.PagePath(s.URI)),
	}
	if it.preview == "" {
		it.preview = "(no messages)"
	}
	it.filter = strings.Join([]string{it.id, it.preview, safetext.Line(s.URI)}, " ")
	return it
}

func (i *sessionItem) FilterText() string { return i.filter }
func (i *sessionItem) Key() string        { return i.id }

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
		r.cell(relative(s.sum.CreateTime, sh.now(), sh.loc()), 8, sh.styles.Muted)
		r.cell(s.id, 7, sh.styles.Muted)
		r.cell(strconv.Itoa(s.sum.MessageCount), 3, sh.styles.Muted)
		preview := s.preview
		if sh.masked {
			preview = mask(preview)
		}
		r.cell(preview, previewW, lipgloss.NewStyle())
		r.cell(s.page, pageW, sh.styles.Muted)
		return r.String()
	}
}
