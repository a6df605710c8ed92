package tui

import (
	tea "charm.land/bubbletea/v2"

	"github.com/neotui/neotui/internal/store"
	"github.com/neotui/neotui/tui/list"
)

// The tests read the browser's state through these accessors, in this one
// file, and otherwise through the screen: the models can be split and
// moved without rewriting what the tests assert.

// flashText is the message of the status line, as last set.
func flashText(m Model) string { return m.status.text }

// flashErr reports that the status line's message is a warning.
func flashErr(m Model) bool { return m.status.isErr }

// storedLeads are the leads of the last load, before the view's limits.
func storedLeads(m Model) []store.Lead {
	var leads []store.Lead
	for l := range m.leads.raw.all() {
		leads = append(leads, *l)
	}
	return leads
}

// storedLead is the i-th lead of the last load, as the browser holds it.
func storedLead(m Model, i int) *store.Lead {
	for l := range m.leads.raw.all() {
		if i == 0 {
			return l
		}
		i--
	}
	return nil
}

// openLead is the lead the detail shows; nil for a conversation.
func openLead(m Model) *store.Lead { return m.detail.lead }

// leadList and sessionList are the lists of the Leads and Conversations tabs.
func leadList(m Model) *list.Model    { return &m.leads.list }
func sessionList(m Model) *list.Model { return &m.sessions.list }

// selectedRow is the visible row under a list's cursor.
func selectedRow(l *list.Model) int { return l.Cursor() }

// hitList is the Search tab's results.
func hitList(m Model) *list.Model { return &m.search.results }

// pickerOf is the menu up, or nil.
func pickerOf(m Model) *picker {
	p, _ := m.dialog.(*picker)
	return p
}

// notesOf is the notes dialog up, or nil.
func notesOf(m Model) *notesModel {
	n, _ := m.dialog.(*notesModel)
	return n
}

// helpShown reports that the ? screen is up.
func helpShown(m Model) bool {
	_, ok := m.dialog.(*helpScreen)
	return ok
}

// undoCount is how many actions ctrl+z can take back.
func undoCount(m Model) int { return len(m.undos) }

// unseenCount is the Leads tab's count of leads never opened.
func unseenCount(m Model) int { return m.leads.unseen() }

// unseenOnly reports that the Leads tab shows unseen leads only (u).
func unseenOnly(m Model) bool { return m.leads.unseenOnly }

// viewLimits says which leads the Leads tab's view leaves out.
func viewLimits(m Model) []string { return m.leads.viewLimits() }

// leadSeq is the sequence number of the newest load of leads asked for.
func leadSeq(m Model) int { return m.leads.seq }

// activeTab is the tab on screen.
func activeTab(m Model) tab { return m.tab }

// detailFocused reports that the detail has the keys (and, narrow, the screen).
func detailFocused(m Model) bool { return m.detailOpen }

// shownSession is the conversation the detail shows.
func shownSession(m Model) int64 { return m.detail.sessionID }

// detailOf is the detail pane.
func detailOf(m Model) *detailModel { return &m.detail }

// flashSeq numbers the status line's newest message.
func flashSeq(m Model) int { return m.status.seq }

// searchSeq numbers the newest search asked for.
func searchSeq(m Model) int { return m.search.seq }

// reloadLeads is the command that reads the leads again, as after a sync.
func reloadLeads(m *Model) tea.Cmd { return m.leads.reload() }
