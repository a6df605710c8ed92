package tui

import (
	tea "charm.land/bubbletea/v2"

	"github.com/neotui/neotui/tui/list"
)

// sessionsModel is the Conversations tab: every stored conversation of the
// bot, newest first; its rows are built in sessionitem.go.
type sessionsModel struct {
	sh    *shared
	list  list.Model
	sort  *listSort // the rows' order (o), shown in the header
	seq   int       // of the newest load asked for
	ready bool
}

func newSessions(sh *shared) sessionsModel {
	sort := newSessionSort()
	ls := newList(sh, renderSession(sh))
	ls.SetHeader(sessionHeader(sh, sort))
	return sessionsModel{sh: sh, sort: sort, list: ls}
}

// reload reads the conversations again (after a sync).
func (s *sessionsModel) reload() tea.Cmd {
	s.seq++
	return loadSessions(s.sh, s.seq, 0, s.sort.order(), s.list.Rows())
}

// cycleSort shows the rows in the next order (o), sorted off the update
// loop; the cursor stays on the row it was on. A load in flight is
// superseded: a first page shown asks for the rest again when sorted.
func (s *sessionsModel) cycleSort() tea.Cmd {
	s.sort.next()
	s.seq++
	return sortRows(s.seq, s.list.Rows(), s.sort.order(), !s.list.More())
}

// firstLoad reads the first page, for the first frame.
func (s *sessionsModel) firstLoad() tea.Cmd {
	return loadSessions(s.sh, s.seq, firstPage, s.sort.order(), list.Rows{})
}

// loaded takes a load's rows, and asks for the rest after a first page.
func (s *sessionsModel) loaded(msg sessionsLoadedMsg) tea.Cmd {
	s.ready = true
	cmds := []tea.Cmd{s.list.SetRows(msg.rows)}
	if !msg.complete {
		s.list.SetMore(true)
		cmds = append(cmds, s.reload())
	}
	return tea.Batch(cmds...)
}

// selectedID is the conversation of the selected row.
func (s sessionsModel) selectedID() (int64, bool) {
	if it, ok := s.list.Selected(); ok {
		return it.(*sessionItem).id(), true
	}
	return 0, false
}

// forget empties the tab: another bot was chosen.
func (s *sessionsModel) forget() {
	s.ready = false
	s.list.SetItems(nil)
}
