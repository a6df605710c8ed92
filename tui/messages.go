package tui

import (
	"github.com/neotui/neotui/api"
	"github.com/neotui/neotui/internal/store"
	"github.com/neotui/neotui/internal/syncer"
	"github.com/neotui/neotui/tui/list"
)

// Results of loads are tagged with the load's sequence number; a result
// older than the newest load is dropped.

type leadsLoadedMsg struct {
	seq      int
	leads    leadSet
	rows     list.Rows   // of leads, built and indexed off the UI goroutine
	cols     leadColumns // of rows
	view     int         // the leadView.seq rows were built for
	complete bool        // false for the first, short page of a start-up load
	snoozed  bool        // the snoozed leads only (Z)
	err      error
}

type sessionsLoadedMsg struct {
	seq      int
	rows     list.Rows // one *sessionItem per conversation, built and indexed off the UI goroutine
	complete bool
	err      error
}

// transcriptLoadedMsg is one conversation, for the detail pane.
type transcriptLoadedMsg struct {
	id      int64
	session api.Session
	leads   []store.Lead
	related []store.Lead // the visitor's other leads
	err     error        // wraps store.ErrNotFound when it is not stored
}

// sessionFetchedMsg: a conversation missing from the store was fetched.
type sessionFetchedMsg struct {
	id  int64
	err error
}

// openTriageMsg is the fresh triage of the open lead, read because it
// left the list.
type openTriageMsg struct {
	bot, key string
	triage   store.Triage
}

// matchEdgeMsg: n (dir 1) or N (dir -1) found no further match in the open
// transcript. From Search, the app opens the next conversation with hits.
type matchEdgeMsg struct{ dir int }

type searchResultsMsg struct {
	seq   int
	query string
	page  store.SearchPage
	next  bool // a next page, not the first
	err   error
}

// syncProgressMsg and syncDoneMsg come from the background sync, through
// the channel that listenSync reads.
type syncProgressMsg struct {
	progress  syncer.Progress
	bot       string // which bot, in the All bots inbox: "Acme (1/2)"
	committed bool   // a window was saved: reload the lists
	events    <-chan any
}

type syncDoneMsg struct {
	report syncer.Report
	err    error
}

// startSyncMsg starts the start-up sync.
type startSyncMsg struct{}

// tickMsg refreshes "synced 2 min ago", and reloads the leads so that
// snoozed ones come back on time.
type tickMsg struct{}

// NoticeMsg is a message from outside the program (the SSH server) shown in
// the status line; with Quit the program ends right after.
type NoticeMsg struct {
	Text string
	Quit bool
}
