// Package tui is neotui's interactive browser: a Bubble Tea program of
// three tabs (Leads, Conversations, Search) over the local store, with a
// detail pane, a live filter, and a background sync.
package tui

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/spinner"
	tea "charm.land/bubbletea/v2"

	"github.com/neotui/neotui/api"
	"github.com/neotui/neotui/internal/store"
	"github.com/neotui/neotui/internal/syncer"
	"github.com/neotui/neotui/tui/list"
)

type tab int

const (
	tabLeads tab = iota
	tabSessions
	tabSearch
	tabCount
)

// Below this width the detail replaces the list instead of sitting beside it.
const splitWidth = 100

// Smallest usable terminal.
const minWidth, minHeight = 40, 10

// Model is the root model: tabs, focus, status bar and help, delegating to
// the active child.
type Model struct {
	sh     *shared
	cancel context.CancelFunc

	tab        tab
	detailOpen bool // the detail has focus (and, when narrow, the screen)
	showHelp   bool

	leads, sessions list.Model
	search          searchModel
	detail          detailModel
	help            help.Model
	spinner         spinner.Model

	leadSeq, sessionSeq       int
	leadsReady, sessionsReady bool
	loadErr                   error

	syncing     bool
	progress    syncer.Progress
	progressBot string // the bot syncing, in the All bots inbox
	syncedAt    time.Time
	syncErr     error
	syncedFrom  api.Day // the oldest day a sync of this run asked for
	olderAsked  bool
	older       [2]api.Day // the days of the older history being loaded; zero: none

	// The inbox (inbox.go).
	rawLeads   []store.Lead    // as loaded; the rows are built from them
	known      map[string]bool // bot and key of each lead of the last complete load
	newest     time.Time       // the newest lead ever loaded
	lastVisit  time.Time
	unseenOnly bool
	triageSeq  int64
	lastSynced time.Time // the store's newest sync mark, as last polled
	overlay    *picker
	drafts     map[[2]string]failedSave // note texts not saved, by bot and lead key, while the user was elsewhere
	quitting   bool                     // ctrl+c pressed once over unsaved text
	steppedTo  int64                    // n/N went on to this conversation among the results
	helpTop    int                      // the first line of the help screen shown: it scrolls on a short screen
	notes      *notesModel
	undos      []*undo
	flashText  string
	flashErr   bool
	flashAt    time.Time
}

// New returns the browser over opts.Store.
func New(opts Options) Model {
	ctx, cancel := context.WithCancel(context.Background())
	sh := &shared{Options: opts, styles: newStyles(true), keys: DefaultKeyMap(), ctx: ctx}
	sh.keys.exportOff = opts.NoExport
	if sh.SyncDays <= 0 {
		sh.SyncDays = 30
	}
	m := Model{
		sh:       sh,
		cancel:   cancel,
		leads:    newList(sh, renderLead(sh)),
		sessions: newList(sh, renderSession(sh)),
		search:   newSearch(sh),
		detail:   newDetail(sh),
		help:     help.New(),
		spinner:  spinner.New(spinner.WithSpinner(spinner.MiniDot)),
	}
	m.applyStyles()
	return m
}

func newList(sh *shared, render list.RenderFunc) list.Model {
	st := list.Styles{
		FilterPrompt: sh.styles.Title, FilterText: sh.styles.Bold, Count: sh.styles.Muted,
		Empty: sh.styles.Muted, Match: sh.styles.Match,
	}
	return list.New(render, st, list.DefaultKeyMap())
}

// Init loads the first page of each list from the store — the first frame
// needs nothing else — and starts the background sync.
func (m Model) Init() tea.Cmd {
	cmds := []tea.Cmd{
		tea.RequestBackgroundColor,
		loadLeads(m.sh, m.leadSeq, firstPage),
		loadSessions(m.sh, m.sessionSeq, firstPage),
		recordVisit(m.sh),
		tick(m.sh),
		poll(m.sh),
		m.refreshTick(),
	}
	if m.sh.online() {
		// Through Update: Init cannot record that a sync runs.
		cmds = append(cmds, func() tea.Msg { return startSyncMsg{} })
	}
	return tea.Batch(cmds...)
}

// startSync syncs the start-up range: cheap when it was synced before, as
// only open days are asked again.
func (m *Model) startSync() tea.Cmd {
	if !m.sh.online() || m.syncing {
		return nil
	}
	today := api.DayOf(m.sh.now())
	from := today - api.Day(m.sh.SyncDays-1)
	if m.syncedFrom == 0 || from < m.syncedFrom {
		m.syncedFrom = from
	}
	return m.runSync(from, today)
}

func (m *Model) runSync(from, to api.Day) tea.Cmd {
	m.syncing, m.syncErr, m.progress, m.progressBot = true, nil, syncer.Progress{}, ""
	return tea.Batch(startSync(m.sh, from, to), m.spinner.Tick)
}

// loadOlder syncs the 30 days before the oldest asked for, when the user
// scrolls to the end of a list: history loads on demand.
func (m *Model) loadOlder() tea.Cmd {
	if !m.sh.online() || m.syncing || m.olderAsked || m.syncedFrom == 0 {
		return nil
	}
	if l := m.activeList(); l != nil && l.FilterValue() != "" {
		return nil // the end of a filtered list is not the end of history
	}
	m.olderAsked = true
	to := m.syncedFrom - 1
	m.syncedFrom -= 30
	m.older = [2]api.Day{m.syncedFrom, to}
	if !m.flashAt.After(m.sh.now()) {
		m.flashText = "" // the load's progress shows instead
	}
	return m.runSync(m.syncedFrom, to)
}

// reloadLeads reads the leads again (after a triage change).
func (m *Model) reloadLeads() tea.Cmd {
	m.leadSeq++
	return loadLeads(m.sh, m.leadSeq, 0)
}

// reload reads both lists again in full (after a sync committed data).
func (m *Model) reload() tea.Cmd {
	m.leadSeq++
	m.sessionSeq++
	return tea.Batch(loadLeads(m.sh, m.leadSeq, 0), loadSessions(m.sh, m.sessionSeq, 0))
}

// Close cancels what is still running; the app calls it after the program ends.
func (m Model) Close() { m.cancel() }

func (m *Model) applyStyles() {
	m.help.Styles = m.sh.styles.Help
	m.spinner.Style = m.sh.styles.Spinner
}

// typing reports that a text box has focus: keys are text then, and no
// global key fires (but ctrl+c).
func (m Model) typing() bool {
	if m.overlay != nil || m.notes != nil {
		return true
	}
	switch m.tab {
	case tabLeads:
		return !m.detailOpen && m.leads.Filtering()
	case tabSessions:
		return !m.detailOpen && m.sessions.Filtering()
	case tabSearch:
		return !m.detailOpen && m.search.typing()
	}
	return false
}

func (m Model) split() bool { return m.sh.width >= splitWidth }

// activeList is the list of the current tab (nil on Search).
func (m *Model) activeList() *list.Model {
	switch m.tab {
	case tabLeads:
		return &m.leads
	case tabSessions:
		return &m.sessions
	}
	return nil
}

// selectionKey identifies what the detail should show for the current tab.
func (m Model) selectionKey() string {
	if l := m.activeList(); l != nil {
		if it, ok := l.Selected(); ok {
			return it.Key()
		}
	}
	return ""
}

// follow points the detail at the selected row, when the detail is beside
// the list or open.
func (m *Model) follow() tea.Cmd {
	if !m.split() && !m.detailOpen {
		return nil
	}
	switch m.tab {
	case tabLeads:
		if it, ok := m.leads.Selected(); ok {
			li, ok := it.(*leadItem)
			if !ok {
				return nil // the separator
			}
			if m.detail.lead == nil || m.detail.lead.Key != li.lead.Key {
				return m.detail.showLead(li.lead)
			}
			m.detail.lead = &li.lead // fresher triage, same lead
		}
	case tabSessions:
		if it, ok := m.sessions.Selected(); ok {
			id := it.(*sessionItem).sum.SessionID
			if m.detail.lead != nil || m.detail.sessionID != id {
				return m.detail.showSession(id, "", -1)
			}
		}
	}
	return nil
}

// layout gives every child its size.
func (m *Model) layout() tea.Cmd {
	w, h := m.sh.width, m.bodyHeight()
	listW := m.listWidth()
	inner := listW
	if m.split() {
		inner-- // a gap before the pane's border
	}
	m.leads.SetSize(inner, h)
	m.sessions.SetSize(inner, h)
	m.search.setSize(inner, h)
	m.help.SetWidth(w)
	if m.notes != nil {
		m.notes.setSize(w, m.sh.height)
	}
	detailW := w
	if m.split() {
		detailW = w - listW - 2 // the pane's border and padding
	}
	return m.detail.setSize(detailW, h)
}

// listWidth is the list's share of the screen.
func (m Model) listWidth() int {
	if m.split() {
		return m.sh.width / 2
	}
	return m.sh.width
}

// bodyHeight is the screen less the tab bar (2 lines), status and footer.
func (m Model) bodyHeight() int { return max(m.sh.height-4, 1) }

// Update handles a message: sizes and theme go to everyone, keys to the
// focused child, results to whoever asked.
func (m Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
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
		m.sh.styles = newStyles(m.sh.styles.isDark).forProfile(msg.Profile)
		m.leads = m.restyle(m.leads, renderLead(m.sh))
		m.sessions = m.restyle(m.sessions, renderSession(m.sh))
		return m, nil
	case tea.BackgroundColorMsg:
		m.sh.styles = newStyles(msg.IsDark()).forProfile(m.sh.profile)
		m.applyStyles()
		m.leads = m.restyle(m.leads, renderLead(m.sh))
		m.sessions = m.restyle(m.sessions, renderSession(m.sh))
		return m, m.detail.setDark(msg.IsDark())
	case tea.KeyPressMsg:
		return m.handleKey(msg)
	case tea.PasteMsg:
		switch {
		case m.overlay != nil:
			_, cmd := m.overlay.update(msg)
			return m, cmd
		case m.notes != nil:
			_, cmd := m.notes.update(msg)
			return m, cmd
		}
		return m.delegate(msg)
	case leadsLoadedMsg:
		return m.leadsLoaded(msg)
	case sessionsLoadedMsg:
		return m.sessionsLoaded(msg)
	case syncProgressMsg:
		m.progress, m.progressBot = msg.progress, msg.bot
		cmds := []tea.Cmd{listenSync(msg.events)}
		if msg.committed {
			cmds = append(cmds, m.reload())
		}
		return m, tea.Batch(cmds...)
	case syncDoneMsg:
		m.syncing, m.syncErr, m.olderAsked = false, msg.err, false
		if msg.err == nil || msg.report.Windows > 0 {
			m.syncedAt = m.sh.now()
		}
		if o := m.older; o != [2]api.Day{} && msg.err == nil {
			// Say what the end of the list brought, even nothing.
			got := "nothing stored"
			if c := msg.report.Changes; c.NewSessions > 0 || c.NewLeads > 0 {
				got = plural(c.NewSessions, "conversation") + ", " + plural(c.NewLeads, "lead")
			}
			m.flash(fmt.Sprintf("older history %s…%s: %s", o[0], o[1], got), false)
		}
		m.older = [2]api.Day{}
		return m, m.reload()
	case startSyncMsg:
		return m, m.startSync()
	case NoticeMsg:
		m.flash(msg.Text, true)
		m.flashAt = m.sh.now().Add(time.Hour) // stays until replaced
		if msg.Quit {
			m.cancel()
			return m, tea.Quit
		}
		return m, nil
	case pollMsg:
		return m, readTriageSeq(m.sh)
	case triageSeqMsg:
		cmds := []tea.Cmd{poll(m.sh)}
		if msg.err != nil {
			return m, tea.Batch(cmds...)
		}
		if msg.synced.After(m.lastSynced) && !m.lastSynced.IsZero() && !m.syncing {
			// Another process or session synced new data into the store.
			cmds = append(cmds, m.reload())
		}
		m.lastSynced = msg.synced
		if msg.seq != m.triageSeq {
			// Someone (here, another process, a teammate) changed triage.
			m.triageSeq = msg.seq
			cmds = append(cmds, m.reloadLeads())
			if m.notes != nil {
				cmds = append(cmds, loadNotes(m.sh, m.notes.lead))
			}
		}
		return m, tea.Batch(cmds...)
	case refreshMsg:
		return m, tea.Batch(m.startSync(), m.refreshTick())
	case visitMsg:
		if msg.err == nil {
			m.lastVisit = msg.last
			return m, m.leads.SetItems(m.leadItems())
		}
		return m, nil
	case triagedMsg:
		if n := msg.note; n != nil {
			for _, u := range m.undos {
				if u.note != nil && u.note.ID == n.ID {
					u.note.Version = n.Version
				}
				if u.edited != nil && u.edited.ID == n.ID {
					u.edited.Version = n.Version
				}
			}
		}
		switch {
		case msg.err != nil:
			m.flash(describeErr(m.sh, msg.lead, msg.what, msg.err), true)
		case msg.quiet:
		case msg.lead != "":
			m.flash(msg.lead+": "+msg.what, false)
		default:
			m.flash(msg.what, false)
		}
		if msg.err == nil && msg.undo != nil {
			m.undos = append(m.undos, msg.undo)
		}
		cmds := []tea.Cmd{m.reloadLeads()}
		if m.notes != nil {
			cmds = append(cmds, loadNotes(m.sh, m.notes.lead))
		}
		return m, tea.Batch(cmds...)
	case copiedMsg:
		switch {
		case msg.err != nil:
			m.flash("could not copy: "+msg.err.Error(), true)
		case msg.text != "":
			return m, copyText(msg.text, msg.what)
		default:
			m.flash("copied "+msg.what+" to the clipboard", false)
		}
		return m, nil
	case exportedMsg:
		switch {
		case msg.err != nil && m.overlay == nil && m.notes == nil && msg.retry != nil:
			// Back to the dialog, the name as typed, to pick another place.
			msg.retry.err = "not exported: " + msg.err.Error()
			m.overlay = msg.retry
		case msg.err != nil:
			m.flash("export failed: "+msg.err.Error(), true)
		default:
			m.flash(fmt.Sprintf("exported to %s: %s", shortPath(msg.path), msg.what), false)
		}
		return m, nil
	case switchBotMsg:
		return m, m.switchBot(msg)
	case notesLoadedMsg:
		return m.notesLoaded(msg)
	case tickMsg:
		return m, tea.Batch(tick(m.sh), m.reloadLeads())
	case spinner.TickMsg:
		if !m.syncing {
			return m, nil
		}
		var cmd tea.Cmd
		m.spinner, cmd = m.spinner.Update(msg)
		return m, cmd
	case openHitMsg:
		m.detailOpen = true
		return m, m.detail.showSession(msg.hit.SessionID, msg.query, msg.hit.Seq)
	case openTriageMsg:
		if l := m.detail.lead; m.detailOpen && l != nil && l.Bot == msg.bot && l.Key == msg.key {
			fresh := *l
			fresh.Triage = msg.triage
			m.detail.lead = &fresh
		}
		return m, nil
	case matchEdgeMsg:
		return m.matchEdge(msg.dir)
	case searchResultsMsg:
		var cmd tea.Cmd
		m.search, cmd = m.search.Update(msg)
		return m, cmd
	case transcriptLoadedMsg, sessionFetchedMsg:
		var cmd tea.Cmd
		m.detail, cmd = m.detail.Update(msg)
		if id := m.steppedTo; id != 0 && m.detail.session != nil && m.detail.sessionID == id {
			m.steppedTo = 0
			if i, n := m.detail.transcript.MatchPosition(); i > 0 {
				m.flash(fmt.Sprintf("conversation %d: match %d of %d", id, i, n), false)
			}
		}
		return m, cmd
	}
	return m.delegateAll(msg)
}

// quit ends the program, unless that loses typed text: then the same key
// pressed again does.
func (m Model) quit(msg tea.KeyPressMsg) (tea.Model, tea.Cmd) {
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
	switch {
	case m.notes != nil && m.notes.unsaved():
		return "your note is"
	case len(m.drafts) == 1:
		return "a note you wrote is"
	case len(m.drafts) > 1:
		return plural(len(m.drafts), "note") + " you wrote are"
	}
	return ""
}

// notesLoaded hands a lead's notes to the overlay. The text of a failed
// save is never dropped: it goes back into its lead's editor, reopening
// the overlay if none is up, or, while the user is busy elsewhere, waits
// for that lead's notes to be opened again.
func (m Model) notesLoaded(msg notesLoadedMsg) (tea.Model, tea.Cmd) {
	k := [2]string{msg.lead.Bot, msg.lead.Key}
	mine := m.notes != nil && m.notes.isFor(msg.lead)
	if f, ok := m.drafts[k]; ok && msg.failed == nil && mine && !m.notes.editorOn {
		delete(m.drafts, k)
		msg.failed = &f
	}
	if f := msg.failed; f != nil {
		switch {
		case mine && !m.notes.editorOn:
		case m.notes == nil && m.overlay == nil && !m.typing():
			m.notes = newNotes(m.sh, msg.lead)
			m.notes.setSize(m.sh.width, m.sh.height)
		default:
			if m.drafts == nil {
				m.drafts = map[[2]string]failedSave{}
			}
			if old, ok := m.drafts[k]; ok {
				// Another text of the lead waits already: keep both, as one
				// new note, for the user to sort out.
				f = &failedSave{draft: old.draft + "\n\n" + f.draft, err: f.err}
			}
			m.drafts[k] = *f
			m.flash(fmt.Sprintf("%s: note not saved (%v) — n on that lead brings your text back",
				leadName(msg.lead), f.err), true)
			msg.failed = nil
		}
	}
	if m.notes == nil {
		return m, nil
	}
	_, cmd := m.notes.update(msg)
	return m, cmd
}

// matchEdge steps past the last (or first) match of the open transcript:
// from Search to the next (or previous) conversation among the results,
// elsewhere nowhere, saying so.
func (m Model) matchEdge(dir int) (tea.Model, tea.Cmd) {
	if !m.detailOpen || m.detail.highlight == "" {
		return m, nil
	}
	if m.tab == tabSearch && m.detail.lead == nil {
		if h, ok := m.search.step(dir, m.detail.sessionID); ok {
			m.flash(fmt.Sprintf("conversation %d", h.SessionID), false)
			m.steppedTo = h.SessionID // once it is loaded, say which match
			return m, m.detail.showSession(h.SessionID, m.search.query, h.Seq)
		}
	}
	if dir > 0 {
		m.flash("no more matches: that was the last", false)
	} else {
		m.flash("no earlier matches: that was the first", false)
	}
	return m, nil
}

// restyle rebuilds a list with the new styles, keeping items and state.
func (m Model) restyle(l list.Model, render list.RenderFunc) list.Model {
	l.SetRender(render)
	l.SetStyles(list.Styles{
		FilterPrompt: m.sh.styles.Title, FilterText: m.sh.styles.Bold, Count: m.sh.styles.Muted,
		Empty: m.sh.styles.Muted, Match: m.sh.styles.Match,
	})
	return l
}

func (m Model) leadsLoaded(msg leadsLoadedMsg) (tea.Model, tea.Cmd) {
	if msg.seq != m.leadSeq {
		return m, nil
	}
	if msg.err != nil {
		m.loadErr = msg.err
		return m, nil
	}
	m.rawLeads = msg.leads
	m.leadsReady, m.loadErr = true, nil
	cmds := []tea.Cmd{m.leads.SetItems(m.leadItems())}
	if !msg.complete {
		m.leadSeq++
		cmds = append(cmds, loadLeads(m.sh, m.leadSeq, 0))
	} else if !msg.snoozed {
		cmds = append(cmds, m.announceNew(msg.leads))
	}
	if m.detailOpen && m.detail.lead != nil {
		cmds = append(cmds, m.refreshOpenLead()) // the reader stays on their lead, whatever the list did
	} else {
		cmds = append(cmds, m.follow())
	}
	return m, tea.Batch(cmds...)
}

// refreshOpenLead gives the open lead its fresh triage from the last load.
// A lead that left the list (marked seen under u, snoozed) stays open, its
// triage read from the store: a stale version would have every action on
// it refused.
func (m *Model) refreshOpenLead() tea.Cmd {
	open := m.detail.lead
	for i := range m.rawLeads {
		if l := &m.rawLeads[i]; l.Bot == open.Bot && l.Key == open.Key {
			fresh := *l
			m.detail.lead = &fresh
			return nil
		}
	}
	sh, bot, key := m.sh, open.Bot, open.Key
	return func() tea.Msg {
		t, err := sh.Store.Triage(sh.ctx, bot, key)
		if err != nil {
			return nil // gone from the store: nothing fresher to show
		}
		return openTriageMsg{bot: bot, key: key, triage: t}
	}
}

func (m Model) sessionsLoaded(msg sessionsLoadedMsg) (tea.Model, tea.Cmd) {
	if msg.seq != m.sessionSeq {
		return m, nil
	}
	if msg.err != nil {
		m.loadErr = msg.err
		return m, nil
	}
	m.sessionsReady, m.loadErr = true, nil
	cmds := []tea.Cmd{m.sessions.SetItems(msg.items)}
	if !msg.complete {
		m.sessionSeq++
		cmds = append(cmds, loadSessions(m.sh, m.sessionSeq, 0))
	}
	cmds = append(cmds, m.follow())
	return m, tea.Batch(cmds...)
}

func (m Model) handleKey(msg tea.KeyPressMsg) (tea.Model, tea.Cmd) {
	k := m.sh.keys
	if msg.String() == "ctrl+c" {
		return m.quit(msg)
	}
	quitting := m.quitting
	m.quitting = false
	if m.overlay != nil {
		done, cmd := m.overlay.update(msg)
		if done {
			m.overlay = nil
		}
		return m, cmd
	}
	if m.notes != nil {
		if !m.notes.typing() && key.Matches(msg, k.Undo) {
			return m, m.undo()
		}
		closed, cmd := m.notes.update(msg)
		if closed {
			m.notes = nil
		}
		return m, cmd
	}
	if m.typing() {
		// Tab keys type nothing, so they still switch tabs.
		switch {
		case key.Matches(msg, k.NextTab):
			return m.switchTab((m.tab + 1) % tabCount)
		case key.Matches(msg, k.PrevTab):
			return m.switchTab((m.tab + tabCount - 1) % tabCount)
		}
		return m.delegate(msg)
	}
	if m.showHelp {
		if key.Matches(msg, k.Help, k.Back, k.Quit) {
			m.showHelp = false
		}
		last := max(strings.Count(m.fullHelp(), "\n")+1-m.bodyHeight(), 0)
		m.helpTop = min(scrolled(m.helpTop, msg.String(), m.bodyHeight()), last)
		return m, nil
	}
	switch {
	case key.Matches(msg, k.Quit):
		m.quitting = quitting
		return m.quit(msg)
	case key.Matches(msg, k.Help):
		m.showHelp, m.helpTop = true, 0
		return m, nil
	case key.Matches(msg, k.Refresh):
		switch {
		case !m.sh.online():
			m.flash("offline: reloaded from the local store, nothing to sync", false)
		case m.syncing:
			m.flash("a sync is already running", false)
		case !m.flashAt.After(m.sh.now()):
			m.flashText = "" // the sync's progress and outcome show, not an old message
		}
		return m, tea.Batch(m.startSync(), m.reload())
	case key.Matches(msg, k.NextTab):
		return m.switchTab((m.tab + 1) % tabCount)
	case key.Matches(msg, k.PrevTab):
		return m.switchTab((m.tab + tabCount - 1) % tabCount)
	case key.Matches(msg, k.LeadsTab):
		return m.switchTab(tabLeads)
	case key.Matches(msg, k.SessionsTab):
		return m.switchTab(tabSessions)
	case key.Matches(msg, k.Search):
		return m.switchTab(tabSearch)
	}
	// n and N step through search matches in an open transcript that has
	// them; elsewhere n is notes.
	if m.detailOpen && m.detail.highlight != "" && key.Matches(msg, k.NextMatch, k.PrevMatch) {
		var cmd tea.Cmd
		m.detail, cmd = m.detail.Update(msg)
		if i, n := m.detail.transcript.MatchPosition(); i > 0 {
			// The last messages cannot scroll to the top: say where n went.
			m.flash(fmt.Sprintf("match %d of %d in this conversation", i, n), false)
		}
		return m, cmd
	}
	if handled, cmd := m.handleTriageKey(msg); handled {
		return m, cmd
	}
	if m.detailOpen {
		if key.Matches(msg, k.Back) {
			m.detailOpen = false
			return m, nil
		}
		var cmd tea.Cmd
		m.detail, cmd = m.detail.Update(msg)
		return m, cmd
	}
	if key.Matches(msg, k.Open) && m.tab != tabSearch {
		if m.selectionKey() == "" {
			return m, nil
		}
		if m.tab == tabLeads {
			l, ok := m.selectedLead()
			if !ok {
				return m, nil // the separator
			}
			m.detailOpen = true
			cmds := []tea.Cmd{m.follow()}
			if l.Triage.SeenAt.IsZero() {
				cmds = append(cmds, setSeen(m.sh, l, true)) // opening a lead marks it seen
			}
			return m, tea.Batch(cmds...)
		}
		m.detailOpen = true
		return m, m.follow()
	}
	return m.delegate(msg)
}

func (m Model) switchTab(t tab) (tea.Model, tea.Cmd) {
	if t != m.tab && m.flashErr && !m.flashAt.After(m.sh.now()) {
		m.flashText = "" // a warning about the last tab is not about this one
	}
	m.tab, m.detailOpen = t, false
	if t == tabSearch {
		return m, m.search.focus()
	}
	return m, m.follow()
}

// delegate passes a message to the focused child of the current tab.
func (m Model) delegate(msg tea.Msg) (tea.Model, tea.Cmd) {
	var cmd tea.Cmd
	if m.detailOpen {
		m.detail, cmd = m.detail.Update(msg)
		return m, cmd
	}
	switch m.tab {
	case tabLeads:
		m.leads, cmd = m.leads.Update(msg)
		if _, ok := msg.(tea.KeyPressMsg); ok && m.leads.Filtering() {
			m.checkFilterWords()
		}
	case tabSessions:
		m.sessions, cmd = m.sessions.Update(msg)
	case tabSearch:
		m.search, cmd = m.search.Update(msg)
		return m, cmd
	}
	cmds := []tea.Cmd{cmd, m.follow()}
	if l := m.activeList(); l != nil && l.VisibleLen() > 0 && l.AtEnd() {
		cmds = append(cmds, m.loadOlder())
	}
	return m, tea.Batch(cmds...)
}

// checkFilterWords says, as it is typed, when a status: or is: word can
// match nothing, and what it takes.
func (m *Model) checkFilterWords() {
	valid := map[string][]string{"status:": store.StatusNames(), "is:": {"starred", "unseen"}}
	for _, w := range strings.Fields(strings.ToLower(m.leads.FilterValue())) {
		for prefix, values := range valid {
			v, ok := strings.CutPrefix(w, prefix)
			if ok && !slices.ContainsFunc(values, func(s string) bool { return strings.HasPrefix(s, v) }) {
				m.flash(prefix+" takes "+strings.Join(values, ", "), true)
				return
			}
		}
	}
}

// delegateAll passes messages nobody claimed (the children's own async
// results) to every child that may own them.
func (m Model) delegateAll(msg tea.Msg) (tea.Model, tea.Cmd) {
	var c1, c2, c3, c4 tea.Cmd
	m.leads, c1 = m.leads.Update(msg)
	m.sessions, c2 = m.sessions.Update(msg)
	m.search, c3 = m.search.Update(msg)
	m.detail, c4 = m.detail.Update(msg)
	return m, tea.Batch(c1, c2, c3, c4, m.follow())
}
