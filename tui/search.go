package tui

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

	"github.com/neotui/neotui/api"
	"github.com/neotui/neotui/internal/english"
	"github.com/neotui/neotui/internal/export"
	"github.com/neotui/neotui/internal/safetext"
	"github.com/neotui/neotui/internal/store"
	"github.com/neotui/neotui/tui/list"
)

// minLiveSearch is the shortest query searched as you type: the trigram
// index needs three characters; shorter ones scan, so they wait for enter.
const minLiveSearch = 3

// searchModel is the Search tab: a query box over every stored message,
// and the hits, newest conversation first, a page at a time: the first
// screen shows from one short read, and the next page is read as the
// cursor nears the last row.
type searchModel struct {
	sh      *shared
	input   *textinput.Model // replaced, never changed in place (editInput)
	results list.Model
	height  int    // of the results
	seq     int    // of the newest search asked for
	query   string // of the results shown
	err     error
	busy    bool // the first page is on its way

	rows     []list.Item
	rowOf    map[string]int  // each row's index by Key
	seen     map[string]bool // conversation and snippet of each row: a repeat is not a row
	next     store.Cursor    // where the next page starts
	more     bool            // the store may hold hits after next
	fetching bool            // the next page is on its way
}

func newSearch(sh *shared) searchModel {
	in := textinput.New()
	in.Prompt = "search: "
	in.Placeholder = "words from any message"
	in.Focus()
	results := newList(sh, renderHit(sh))
	results.SetHeader(hitHeader(sh))
	return searchModel{sh: sh, input: &in, results: results}
}

// openHitMsg asks the app to open a hit's conversation at the hit.
type openHitMsg struct {
	hit   store.Hit
	query string
}

// step selects the next (dir 1) or previous (dir -1) hit outside
// conversation id: walking up, that is the previous conversation's last hit.
func (s *searchModel) step(dir int, id int64) (store.Hit, bool) {
	it, ok := s.results.SelectNext(dir, func(it list.Item) bool { return it.(*hitItem).hit.SessionID != id })
	if !ok {
		return store.Hit{}, false
	}
	return it.(*hitItem).hit, true
}

func (s searchModel) typing() bool { return s.input.Focused() }

// searchHead is the lines View draws above the results: the query box and
// the line that says what was found.
const searchHead = 2

func (s *searchModel) setSize(w, h int) {
	s.editInput(func(in *textinput.Model) { in.SetWidth(w - len(in.Prompt) - 1) })
	s.height = h - searchHead
	s.results.SetSize(w, s.height)
}

func (s *searchModel) focus() (cmd tea.Cmd) {
	s.editInput(func(in *textinput.Model) { cmd = in.Focus() })
	return cmd
}

func (s *searchModel) blur() { s.editInput((*textinput.Model).Blur) }

// editInput changes the query box on a copy of it: the model is a value,
// and its earlier copies keep the box they had, as when it was held by
// value (see list.Model.editInput). By value, the box was 8 KB of the app's
// model, copied whole with every message.
func (s *searchModel) editInput(edit func(*textinput.Model)) {
	in := *s.input
	edit(&in)
	s.input = &in
}

// messages · update

func (s searchModel) Update(msg tea.Msg) (searchModel, tea.Cmd) {
	switch msg := msg.(type) {
	case searchResultsMsg:
		if msg.seq != s.seq {
			return s, nil // an older search finished late
		}
		return s, s.showPage(msg)
	case tea.PasteMsg:
		if s.input.Focused() {
			return s.updateInput(msg)
		}
	case tea.KeyPressMsg:
		if s.input.Focused() {
			switch {
			case key.Matches(msg, s.sh.keys.Open):
				s.blur()
				return s, s.run(true)
			case key.Matches(msg, s.sh.keys.Back):
				if s.input.Value() != "" {
					s.editInput(func(in *textinput.Model) { in.SetValue("") })
					return s, s.run(false)
				}
				s.blur()
				return s, nil
			}
			return s.updateInput(msg)
		}
		switch {
		case key.Matches(msg, s.sh.keys.Filter):
			return s, s.focus()
		case key.Matches(msg, s.sh.keys.Open):
			return s, s.openSelected()
		}
	}
	var cmd tea.Cmd
	s.results, cmd = s.results.Update(msg)
	return s, tea.Batch(cmd, s.readMore())
}

// openSelected asks the app to open the selected hit.
func (s searchModel) openSelected() tea.Cmd {
	it, ok := s.results.Selected()
	if !ok {
		return nil
	}
	h, query := it.(*hitItem), s.query
	return func() tea.Msg { return openHitMsg{hit: h.hit, query: query} }
}

// showPage takes a page of hits: the first of a search replaces the rows,
// a next one adds to them.
func (s *searchModel) showPage(msg searchResultsMsg) tea.Cmd {
	s.busy, s.fetching, s.err, s.query = false, false, msg.err, msg.query
	if !msg.next {
		s.rows, s.rowOf, s.seen = nil, map[string]int{}, map[string]bool{}
	}
	for _, h := range msg.page.Hits {
		it := newHitItem(h, msg.query)
		if k := strconv.FormatInt(h.SessionID, 10) + "\x00" + it.snippet; !s.seen[k] {
			s.seen[k] = true
			s.rowOf[it.key] = len(s.rows)
			s.rows = append(s.rows, it)
		}
	}
	s.next, s.more = msg.page.Next, msg.page.More && msg.err == nil
	return tea.Batch(s.results.SetItems(s.rows), s.readMore())
}

// readMore asks for the next page when the rows below the cursor no longer
// fill the screen.
func (s *searchModel) readMore() tea.Cmd {
	if !s.more || s.fetching || s.busy {
		return nil
	}
	below := len(s.rows)
	if it, ok := s.results.Selected(); ok {
		below -= s.rowOf[it.Key()]
	}
	if below > s.height {
		return nil
	}
	s.fetching = true
	return searchMessages(s.sh, s.seq, s.query, s.next)
}

func (s searchModel) updateInput(msg tea.Msg) (searchModel, tea.Cmd) {
	before := s.input.Value()
	var cmd tea.Cmd
	s.editInput(func(in *textinput.Model) { *in, cmd = in.Update(msg) })
	if s.input.Value() == before {
		return s, cmd
	}
	return s, tea.Batch(cmd, s.run(false))
}

// run searches for the box's text; as you type only from minLiveSearch
// characters, on enter whatever it holds.
func (s *searchModel) run(entered bool) tea.Cmd {
	q := strings.TrimSpace(s.input.Value())
	s.seq++
	s.fetching, s.more = false, false // a page on its way is of the last query
	if q == "" || (!entered && utf8.RuneCountInString(q) < minLiveSearch) {
		s.busy = false
		if q == "" {
			s.query, s.rows = "", nil
			return s.results.SetItems(nil)
		}
		return nil
	}
	s.busy = true
	return searchMessages(s.sh, s.seq, q, store.Cursor{})
}

// view

func (s searchModel) View() string {
	st := s.sh.styles
	var status string
	switch {
	case s.err != nil:
		status = st.StatusErr.Render(safetext.Line(storeErrText(s.err)))
	case s.busy:
		status = st.Muted.Render("searching…")
	case s.query != "":
		count := english.Plural(s.results.Len(), "message")
		if s.more {
			count = fmt.Sprintf("first %d matches, newest first,", s.results.Len())
		}
		status = st.Muted.Render(fmt.Sprintf("%s for %q", count, safetext.Line(s.query)))
	case s.input.Value() != "":
		status = st.Muted.Render(fmt.Sprintf("type %d letters or press enter", minLiveSearch))
	default:
		status = st.Muted.Render("Search every stored message. enter: results · / : edit the query")
	}
	results := s.results
	results.SetEmpty(" ") // the status line above says it
	if s.query != "" && !s.busy && s.err == nil {
		results.SetEmpty("No stored message holds that: try fewer or other letters.")
	}
	return lipgloss.JoinVertical(lipgloss.Left, s.input.View(), status, results.View())
}

// hitItem is a search result row.
type hitItem struct {
	hit     store.Hit
	role    string
	snippet string
	key     string
	words   []string // of the query, lower-cased, for highlighting
}

func newHitItem(h store.Hit, query string) *hitItem {
	role := export.RoleLabel(h.Type)
	text := strings.Join(strings.Fields(safetext.Line(h.Content)), " ")
	if h.Type == api.RoleAI {
		// A one-line snippet shows words, not ** or [text](url).
		text = markdownMarks.Replace(markdownLink.ReplaceAllString(text, "$1"))
	}
	return &hitItem{hit: h, role: role, snippet: safetext.Snippet(text, query, 12),
		key:   strconv.FormatInt(h.SessionID, 10) + ":" + strconv.Itoa(h.Seq),
		words: strings.Fields(strings.ToLower(query))}
}

// markdownMarks are the Markdown marks AI replies use most, dropped from
// snippets: emphasis, code and headings.
var markdownMarks = strings.NewReplacer("**", "", "__", "", "`", "", "### ", "", "## ", "", "# ", "")

// markdownLink is a Markdown link; its text stays in a snippet.
var markdownLink = regexp.MustCompile(`\[([^\]]*)\]\([^)\s]*\)`)

func (i *hitItem) FilterText() string { return i.snippet }
func (i *hitItem) Key() string        { return i.key }

// The columns of a hit: the conversation, when, who wrote the message.
const hitIDW, hitWhenW, hitRoleW = 7, 15, 7

// hitHeader draws the hits' header line; they come newest first, always.
func hitHeader(sh *shared) list.HeaderFunc {
	return func(width int) string {
		var h header
		h.start(1)
		h.cell("ID", hitIDW)
		h.cell("When", hitWhenW)
		h.cell("From", hitRoleW)
		h.cell("Message", width-1-hitIDW-hitWhenW-hitRoleW-4)
		return h.render(sh, width, nil, "")
	}
}

func renderHit(sh *shared) list.RenderFunc {
	return func(it list.Item, width int, selected bool, _ []string) string {
		h := it.(*hitItem)
		var r row
		r.start(sh, selected, h.words)
		r.cell(strconv.FormatInt(h.hit.SessionID, 10), hitIDW, sh.styles.Muted)
		r.cell(clock(h.hit.CreateTime, sh.now(), sh.loc()), hitWhenW, sh.styles.Muted)
		r.cell(h.role, hitRoleW, sh.styles.Bold)
		text := h.snippet
		if sh.masked {
			text = mask(text)
		}
		r.cell(text, width-1-hitIDW-hitWhenW-hitRoleW-4, lipgloss.NewStyle())
		return r.String()
	}
}
