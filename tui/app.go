// Package tui is neotui's interactive browser: a Bubble Tea program of
// four tabs (Leads, Conversations, Search, Stats) over the local store, with a
// detail pane, a live filter, a background sync and dialogs over it all.
package tui

import (
	"context"
	"fmt"
	"time"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/neotui/neotui/internal/english"
	"github.com/neotui/neotui/internal/store"
	"github.com/neotui/neotui/tui/list"
)

type tab int

const (
	tabLeads tab = iota
	tabSessions
	tabSearch
	tabStats
	tabCount
)

// Below this width the detail replaces the list instead of sitting beside it.
const splitWidth = 100

// Smallest usable terminal.
const minWidth, minHeight = 40, 10

// Model is the root model. It only navigates: which tab, whether the detail
// has focus, which dialog is up, and the layout; the tabs, the detail, the
// status line and the dialogs do the rest.
type Model struct {
	sh     *shared
	cancel context.CancelFunc

	tab        tab
	detailOpen bool   // the detail has focus (and, when narrow, the screen)
	dialog     dialog // the box over the screen; nil: none

	leads    leadsModel
	sessions sessionsModel
	search   searchModel
	stats    statsModel
	detail   detailModel
	status   statusModel
	// help draws the footer's hints. Its width stays 0, so it draws them
	// whole, and fitFooter drops hints to fit; replaced, never changed in
	// place.
	help *help.Model

	loadErr     error                        // the last load's, on either list
	triageSeq   int64                        // the store's triage sequence, as last read
	readApplied int                          // the newest read of it applied (shared.reads)
	undos       []*undo                      // ctrl+z takes the last back
	drafts      map[store.LeadRef]failedSave // note texts not saved, by bot and lead key, while the user was elsewhere
	quitting    bool                         // ctrl+c pressed once over unsaved text
	steppedTo   int64                        // n/N went on to this conversation among the results
	started     bool                         // the first page of leads is in: what waited for it began (afterFirstFrame)
}

// New returns the browser over opts.Store.
func New(opts Options) Model {
	ctx, cancel := context.WithCancel(context.Background())
	sh := &shared{Options: opts, styles: newStyles(true), keys: DefaultKeyMap(), ctx: ctx, op: &store.Operator{}}
	sh.keys.exportOff = opts.NoExport
	if sh.SyncDays <= 0 {
		sh.SyncDays = 30
	}
	m := Model{
		sh:       sh,
		cancel:   cancel,
		leads:    newLeads(sh),
		sessions: newSessions(sh),
		search:   newSearch(sh),
		stats:    newStats(sh),
		detail:   newDetail(sh),
		status:   newStatus(sh),
		help:     new(help.New()),
	}
	m.applyStyles()
	return m
}

func newList(sh *shared, render list.RenderFunc) list.Model {
	return list.New(render, listStyles(sh.styles), list.DefaultKeyMap())
}

func listStyles(st *Styles) list.Styles {
	return list.Styles{FilterPrompt: st.Title, FilterText: st.Bold, Count: st.Muted, Empty: st.Muted, Match: st.Match}
}

// Init loads the first page of leads from the store — the first frame
// needs nothing else; the rest follows it (afterFirstFrame) — and starts
// the background sync.
func (m Model) Init() tea.Cmd {
	cmds := []tea.Cmd{
		tea.RequestBackgroundColor,
		m.leads.firstLoad(),
		tick(m.sh),
		poll(m.sh),
		refreshTick(m.sh),
	}
	if m.sh.online() {
		// Through Update: Init cannot record that a sync runs.
		cmds = append(cmds, func() tea.Msg { return startSyncMsg{} })
	}
	return tea.Batch(cmds...)
}

// Close cancels what is still running and waits, a few seconds at most,
// for a sync to end and give its lease back; the app calls it after the
// program ends, before the store closes.
func (m Model) Close() {
	m.cancel()
	done := make(chan struct{})
	go func() {
		m.sh.syncs.Wait()
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(closeWait):
	}
}

// closeWait bounds how long Close waits for a sync: a request cancelled
// mid-flight ends at once, a window being written within its transaction.
const closeWait = 5 * time.Second

// reload reads both lists again in full (after a sync committed data), and
// the figures.
func (m *Model) reload() tea.Cmd {
	return tea.Batch(m.leads.reload(), m.sessions.reload(), m.stats.reload(m.tab == tabStats))
}

// loadOlder syncs older history when the user reaches the end of a list;
// not of a filtered one, whose end is not the end of history.
func (m *Model) loadOlder() tea.Cmd {
	if l := m.activeList(); l != nil && l.FilterValue() != "" {
		return nil
	}
	return m.status.loadOlder()
}

func (m *Model) flash(text string, isErr bool) { m.status.flash(text, isErr) }

// typing reports that a text box has focus: keys are text then, and no
// global key fires (but ctrl+c).
func (m Model) typing() bool {
	switch {
	case m.dialog != nil:
		return true
	case m.detailOpen:
		return false
	case m.tab == tabLeads:
		return m.leads.list.Filtering()
	case m.tab == tabSessions:
		return m.sessions.list.Filtering()
	case m.tab == tabStats:
		return false
	}
	return m.search.typing()
}

// Update handles a message: sizes and theme go to everyone, keys to the
// dialog or the focused child, results to whoever asked (update.go).
func (m Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	m, cmd := m.update(msg)
	if h, ok := m.dialog.(*helpScreen); ok {
		h.setText(m.fullHelp(), m.bodyHeight()) // it follows the width and the sync
	}
	if expire := m.status.expire(); expire != nil {
		cmd = tea.Batch(cmd, expire)
	}
	return m, cmd
}

func (m Model) update(msg tea.Msg) (Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.sh.width, m.sh.height = msg.Width, msg.Height
		// Wide enough now for the pane beside the list: it shows the
		// selected row, not what was last opened. An open lead stays open,
		// even one that left the list.
		if m.detailOpen {
			return m, m.layout()
		}
		return m, tea.Batch(m.layout(), m.follow())
	case tea.ColorProfileMsg:
		m.sh.profile = msg.Profile
		m.restyle(newStyles(m.sh.styles.isDark).forProfile(msg.Profile))
		return m, nil
	case tea.BackgroundColorMsg:
		m.restyle(newStyles(msg.IsDark()).forProfile(m.sh.profile))
		return m, m.detail.setDark(msg.IsDark())
	case tea.KeyPressMsg:
		return m.handleKey(msg)
	case tea.MouseMsg:
		return m.mouse(msg)
	case tea.PasteMsg:
		if m.dialog != nil {
			_, cmd := m.dialog.update(msg)
			return m, cmd
		}
		return m.delegate(msg)
	}
	if next, cmd, ok := m.updateResult(msg); ok {
		return next, cmd
	}
	return m.delegateAll(msg)
}

// restyle takes new styles: the lists keep their items and state.
func (m *Model) restyle(st *Styles) {
	m.sh.styles = st
	m.applyStyles()
	m.leads.list.SetRender(renderLead(m.sh, m.leads.cols))
	m.leads.list.SetStyles(listStyles(st))
	m.sessions.list.SetRender(renderSession(m.sh))
	m.sessions.list.SetStyles(listStyles(st))
}

func (m *Model) applyStyles() {
	h := *m.help
	h.Styles = m.sh.styles.Help
	m.help = &h
	m.status.spinner.Style = m.sh.styles.Spinner
}

func (m Model) handleKey(msg tea.KeyPressMsg) (Model, tea.Cmd) {
	k := m.sh.keys
	if key.Matches(msg, k.Interrupt) {
		return m.quit(msg)
	}
	quitting := m.quitting
	m.quitting = false
	switch {
	case m.tooSmall():
		// Nothing can be seen: a key must not act blind. Quit, or resize.
		if key.Matches(msg, k.Quit) {
			m.quitting = quitting
			return m.quit(msg)
		}
		return m, nil
	case m.dialog != nil:
		done, cmd := m.dialog.update(msg)
		if done {
			m.dialog = nil
		}
		return m, cmd
	case m.typing():
		// Tab keys type nothing, so they still switch tabs.
		if t, ok := m.tabKey(msg, false); ok {
			return m.switchTab(t)
		}
		return m.delegate(msg)
	}
	if t, ok := m.tabKey(msg, true); ok {
		return m.switchTab(t)
	}
	switch {
	case key.Matches(msg, k.Quit):
		m.quitting = quitting
		return m.quit(msg)
	case key.Matches(msg, k.Help):
		m.open(newHelpScreen())
		return m, nil
	case key.Matches(msg, k.Refresh):
		return m.refresh()
	case m.detailOpen && m.detail.highlight != "" && key.Matches(msg, k.NextMatch, k.PrevMatch):
		// n and N step through search matches in an open transcript that
		// has them; elsewhere n is notes.
		return m.stepMatch(msg)
	}
	if handled := m.jumpKey(msg); handled {
		return m, nil
	}
	if handled, cmd := m.sortKey(msg); handled {
		return m, cmd
	}
	if handled, cmd := m.handleTriageKey(msg); handled {
		return m, cmd
	}
	switch {
	case m.detailOpen && key.Matches(msg, k.Back):
		m.detailOpen = false
		return m, nil
	case m.detailOpen:
		var cmd tea.Cmd
		m.detail, cmd = m.detail.Update(msg)
		return m, cmd
	case key.Matches(msg, k.Open) && m.tab != tabSearch:
		return m.openSelected()
	}
	return m.delegate(msg)
}

// tabKey is the tab a key switches to: tab and shift+tab always, the digits
// only when they are not text (typing is false).
func (m Model) tabKey(msg tea.KeyPressMsg, digits bool) (tab, bool) {
	k := m.sh.keys
	switch {
	case key.Matches(msg, k.NextTab):
		return (m.tab + 1) % tabCount, true
	case key.Matches(msg, k.PrevTab):
		return (m.tab + tabCount - 1) % tabCount, true
	case !digits:
	case key.Matches(msg, k.LeadsTab):
		return tabLeads, true
	case key.Matches(msg, k.SessionsTab):
		return tabSessions, true
	case key.Matches(msg, k.Search):
		return tabSearch, true
	case key.Matches(msg, k.StatsTab):
		return tabStats, true
	}
	return 0, false
}

// refresh reloads the lists and syncs (r).
func (m Model) refresh() (Model, tea.Cmd) {
	switch {
	case !m.sh.online():
		m.flash("offline: reloaded from the local store, nothing to sync", false)
	case m.status.syncing:
		m.flash("a sync is already running", false)
	default:
		m.status.clear() // the sync's progress and outcome show, not an old message
	}
	return m, tea.Batch(m.status.startRange(), m.reload())
}

// stepMatch goes to the next or previous match in the open transcript.
func (m Model) stepMatch(msg tea.KeyPressMsg) (Model, tea.Cmd) {
	var cmd tea.Cmd
	m.detail, cmd = m.detail.Update(msg)
	if i, n := m.detail.transcript.MatchPosition(); i > 0 {
		// The last messages cannot scroll to the top: say where n went.
		m.flash(fmt.Sprintf("match %d of %d in this conversation", i, n), false)
	}
	return m, cmd
}

// openSelected opens the selected row in the detail (enter); opening a lead
// marks it seen.
func (m Model) openSelected() (Model, tea.Cmd) {
	if m.selectionKey() == "" {
		return m, nil
	}
	if m.tab != tabLeads {
		m.detailOpen = true
		return m, m.follow()
	}
	l, ok := m.leads.selected()
	if !ok {
		return m, nil // the separator
	}
	m.detailOpen = true
	cmds := []tea.Cmd{m.follow()}
	if l.Triage().SeenAt.IsZero() {
		cmds = append(cmds, setSeen(m.sh, l, true))
	}
	return m, tea.Batch(cmds...)
}

func (m Model) switchTab(t tab) (Model, tea.Cmd) {
	if t != m.tab {
		m.status.clear() // a message about the last tab is not about this one
	}
	m.tab, m.detailOpen = t, false
	switch t {
	case tabSearch:
		return m, m.search.focus()
	case tabStats:
		return m, tea.Batch(m.stats.shown(), m.syncStats())
	}
	return m, m.follow()
}

// quit ends the program, unless that loses typed text: then the same key
// pressed again does.
func (m Model) quit(msg tea.KeyPressMsg) (Model, tea.Cmd) {
	if lost := m.unsavedText(); lost != "" && !m.quitting {
		m.quitting = true
		m.flash(fmt.Sprintf("%s not saved: %s again quits without it", lost, msg.String()), true)
		return m, nil
	}
	m.cancel()
	return m, tea.Quit
}

// unsavedText names typed text that quitting would lose, or "".
func (m Model) unsavedText() string {
	n, _ := m.dialog.(*notesModel)
	switch {
	case n != nil && n.unsaved():
		return "your note is"
	case len(m.drafts) == 1:
		return "a note you wrote is"
	case len(m.drafts) > 1:
		return english.Plural(len(m.drafts), "note") + " you wrote are"
	}
	return ""
}

// afterFirstFrame starts what the first frame need not wait for, once the
// first page of leads is in (the Leads tab is the first frame): the first
// page of conversations, the visit's record (a write) and, where the store
// sends notices (PostgreSQL), listening to them. Each of them, started at
// once, took a connection of its own, whose setup competed with the leads'
// read: a PostgreSQL store's first frame took 239-261 ms for 206-209 now,
// a SQLite store's 188 for 163 (100k conversations, real binary). A change committed before the
// listening begins is not missed: the first notice is NoticeListening,
// which has everything read again.
func (m *Model) afterFirstFrame() tea.Cmd {
	if m.started {
		return nil
	}
	m.started = true
	if m.sh.Store != nil {
		m.sh.notices, _ = m.sh.Store.Notices(m.sh.ctx) // nil where the store sends none: it is polled
	}
	return tea.Batch(m.sessions.firstLoad(), recordVisit(m.sh), waitNotice(m.sh))
}
