package tui

import (
	"errors"
	"fmt"
	"runtime"

	"charm.land/bubbles/v2/spinner"
	tea "charm.land/bubbletea/v2"

	"github.com/neotui/neotui/internal/english"
	"github.com/neotui/neotui/internal/store"
)

// The root's handling of results: each goes to whoever asked for it, and
// the root follows with what navigation needs (the detail, the lists).

// updateResult handles an async result; ok is false for a message it does
// not know, which goes to every child.
func (m Model) updateResult(msg tea.Msg) (Model, tea.Cmd, bool) {
	if next, cmd, ok := m.updateData(msg); ok {
		return next, cmd, true
	}
	if next, cmd, ok := m.updateSync(msg); ok {
		return next, cmd, true
	}
	return m.updateTriage(msg) // inbox.go
}

// updateData takes what loads from the store: the lists, the detail, the
// search.
func (m Model) updateData(msg tea.Msg) (Model, tea.Cmd, bool) {
	var cmd tea.Cmd
	switch msg := msg.(type) {
	case leadsLoadedMsg:
		m, cmd = m.leadsLoaded(msg)
	case sessionsLoadedMsg:
		m, cmd = m.sessionsLoaded(msg)
	case openHitMsg:
		m.detailOpen = true
		cmd = m.detail.showSession(msg.hit.SessionID, msg.query, msg.hit.Seq)
	case openTriageMsg:
		if l := m.detail.lead; m.detailOpen && l != nil && l.Bot == msg.bot && l.Key == msg.key {
			fresh := *l
			fresh.SetTriage(msg.triage)
			m.detail.lead = &fresh
		}
	case matchEdgeMsg:
		m, cmd = m.matchEdge(msg.dir)
	case jumpMsg:
		m.jump(msg)
	case searchResultsMsg:
		m.search, cmd = m.search.Update(msg)
	case reportLoadedMsg, historyCountedMsg:
		m.stats, cmd = m.stats.Update(msg)
	case transcriptLoadedMsg, sessionFetchedMsg:
		m, cmd = m.transcriptLoaded(msg)
	default:
		return m, nil, false
	}
	return m, cmd, true
}

// updateSync takes the background sync's news and the timers.
func (m Model) updateSync(msg tea.Msg) (Model, tea.Cmd, bool) {
	var cmd tea.Cmd
	switch msg := msg.(type) {
	case startSyncMsg:
		cmd = m.status.startRange()
	case refreshMsg:
		cmd = tea.Batch(m.status.startRange(), refreshTick(m.sh))
	case syncProgressMsg:
		m.status.progress, m.status.progressBot = msg.progress, msg.bot
		cmd = listenSync(msg.events)
		if msg.committed {
			cmd = tea.Batch(cmd, m.reload())
		}
	case syncDoneMsg:
		m.status.done(msg)
		cmd = tea.Batch(m.reload(), m.status.syncWanted())
	case spinner.TickMsg:
		m.status, cmd = m.status.update(msg)
	case tickMsg:
		cmd = tea.Batch(tick(m.sh), m.leads.reload())
	case pollMsg:
		cmd = readTriageSeq(m.sh, false)
	case noticeMsg:
		if msg.concerns(m.sh) {
			cmd = readTriageSeq(m.sh, true)
		} else {
			cmd = waitNotice(m.sh)
		}
	case triageSeqMsg:
		m, cmd = m.triageSeqRead(msg)
	case flashExpiredMsg:
		m.status.expired(msg)
	case NoticeMsg:
		m.status.pinFlash(msg.Text)
		if msg.Quit {
			m.cancel()
			cmd = tea.Quit
		}
	default:
		return m, nil, false
	}
	return m, cmd, true
}

func (m Model) leadsLoaded(msg leadsLoadedMsg) (Model, tea.Cmd) {
	if msg.seq != m.leads.seq {
		return m, nil
	}
	if m.storeFailed(msg.err) {
		return m, nil
	}
	if msg.err != nil {
		m.loadErr = msg.err
		return m, nil
	}
	m.loadErr = nil
	fresh, cmd := m.leads.loaded(msg)
	cmds := []tea.Cmd{cmd, m.announce(fresh), m.afterFirstFrame()}
	if msg.complete {
		cmds = append(cmds, collectAfterLoad(msg.rows.Len()))
	}
	if m.detailOpen && m.detail.lead != nil {
		cmds = append(cmds, m.refreshOpenLead()) // the reader stays on their lead, whatever the list did
	} else {
		cmds = append(cmds, m.follow())
	}
	return m, tea.Batch(cmds...)
}

// announce says that fresh leads arrived, with a bell unless quiet.
func (m *Model) announce(fresh int) tea.Cmd {
	if fresh == 0 {
		return nil
	}
	m.flash(english.Plural(fresh, "new lead"), false)
	if m.sh.Quiet {
		return nil
	}
	return tea.Raw("\a")
}

// refreshOpenLead gives the open lead its fresh triage from the last load.
// A lead that left the list (marked seen under u, snoozed) stays open, its
// triage read from the store: a stale version would have every action on
// it refused.
func (m *Model) refreshOpenLead() tea.Cmd {
	open := m.detail.lead
	if l, ok := m.leads.find(open.Bot, open.Key); ok {
		m.detail.lead = &l
		return nil
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

func (m Model) sessionsLoaded(msg sessionsLoadedMsg) (Model, tea.Cmd) {
	if msg.seq != m.sessions.seq {
		return m, nil
	}
	if m.storeFailed(msg.err) {
		return m, nil
	}
	if msg.err != nil {
		m.loadErr = msg.err
		return m, nil
	}
	m.loadErr = nil
	cmd := collectAfterLoad(msg.rows.Len())
	if !msg.complete {
		cmd = nil
	}
	return m, tea.Batch(m.sessions.loaded(msg), m.follow(), cmd)
}

// collectMin is the rows below which a load's garbage is too little to
// collect for.
const collectMin = 10000

// collectAfterLoad collects the garbage of a load of n rows once its rows
// are shown. A big load's last collection runs while its reads and the
// rows it replaces are still live, and the heap's next goal grows with
// them (at 100k conversations and 25k leads, seen at 80 MB where the rows
// kept call for 69): the heap then fills to it, and RSS keeps it. A
// collection once the rows are in place sets the goal from what is kept.
// It runs in a command, concurrently: the list stays responsive.
func collectAfterLoad(n int) tea.Cmd {
	if n < collectMin {
		return nil
	}
	return func() tea.Msg {
		runtime.GC()
		return nil
	}
}

// transcriptLoaded hands a conversation to the detail; after n/N went on to
// it from Search, it says which match it reached.
func (m Model) transcriptLoaded(msg tea.Msg) (Model, tea.Cmd) {
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

// matchEdge steps past the last (or first) match of the open transcript:
// from Search to the next (or previous) conversation among the results,
// elsewhere nowhere, saying so.
func (m Model) matchEdge(dir int) (Model, tea.Cmd) {
	if !m.detailOpen || m.detail.highlight == "" {
		return m, nil
	}
	if m.tab == tabSearch && m.detail.lead == nil {
		h, ok := m.search.step(dir, m.detail.sessionID)
		more := m.search.readMore() // the results' cursor moved on: so does their reading
		if ok {
			m.flash(fmt.Sprintf("conversation %d", h.SessionID), false)
			m.steppedTo = h.SessionID // once it is loaded, say which match
			return m, tea.Batch(m.detail.showSession(h.SessionID, m.search.query, h.Seq), more)
		}
		if dir > 0 && m.search.more {
			m.flash("reading more matches: n again goes on", false)
			return m, more
		}
	}
	if dir > 0 {
		m.flash("no more matches: that was the last", false)
	} else {
		m.flash("no earlier matches: that was the first", false)
	}
	return m, nil
}

// triageSeqRead reloads what changed elsewhere: data another process
// synced, triage a teammate changed. It arms again what asked for the
// read: the notices' wait or the poll.
func (m Model) triageSeqRead(msg triageSeqMsg) (Model, tea.Cmd) {
	cmds := []tea.Cmd{poll(m.sh)}
	if msg.notice {
		cmds[0] = waitNotice(m.sh)
	}
	if msg.read < m.readApplied {
		// Older than one applied: what it found, or failed to, is not news
		// (a poll that timed out after a notice's read came back).
		return m, tea.Batch(cmds...)
	}
	if msg.err != nil {
		if msg.timedOut || store.IsUnreachable(msg.err) {
			m.status.down = true
		}
		return m, tea.Batch(cmds...)
	}
	m.readApplied = msg.read
	if m.status.down {
		cmds = append(cmds, m.storeBack())
	}
	if msg.synced.After(m.status.lastSynced) && !m.status.lastSynced.IsZero() && !m.status.syncing {
		cmds = append(cmds, m.reload())
	}
	m.status.lastSynced = msg.synced
	if msg.seq != m.triageSeq {
		m.triageSeq = msg.seq
		cmds = append(cmds, m.leads.reload(), m.reloadNotes(), m.stats.reload(m.tab == tabStats))
	}
	return m, tea.Batch(cmds...)
}

// storeBack takes the store's return: what is on screen is read again,
// and a sync the outage broke runs again.
func (m *Model) storeBack() tea.Cmd {
	m.status.down = false
	m.flash("the store is reachable again", false)
	cmds := []tea.Cmd{m.reload(), m.reloadNotes()}
	if store.IsUnreachable(m.status.err) || errors.Is(m.status.err, store.ErrLeaseLost) {
		m.status.err = nil
		cmds = append(cmds, m.status.startRange())
	}
	return tea.Batch(cmds...)
}

// storeFailed reports whether a load failed because the store is
// unreachable: then what is on screen stays, and the status line says why
// it does not change.
func (m *Model) storeFailed(err error) bool {
	if !store.IsUnreachable(err) {
		return false
	}
	m.status.down = true
	return true
}

// reloadNotes reads the notes up again, if they are.
func (m Model) reloadNotes() tea.Cmd {
	if n, ok := m.dialog.(*notesModel); ok {
		return loadNotes(m.sh, n.lead)
	}
	return nil
}

// delegate passes a message to the focused child of the current tab.
func (m Model) delegate(msg tea.Msg) (Model, tea.Cmd) {
	var cmd tea.Cmd
	if m.detailOpen {
		m.detail, cmd = m.detail.Update(msg)
		return m, cmd
	}
	switch m.tab {
	case tabLeads:
		before := m.leads.list.FilterValue()
		m.leads.list, cmd = m.leads.list.Update(msg)
		if m.leads.list.FilterValue() != before {
			m.filterChanged()
		}
	case tabSessions:
		m.sessions.list, cmd = m.sessions.list.Update(msg)
	case tabSearch:
		m.search, cmd = m.search.Update(msg)
		return m, cmd
	case tabStats:
		before := m.stats.rng
		m.stats, cmd = m.stats.Update(msg)
		if m.stats.rng != before {
			cmd = tea.Batch(cmd, m.syncStats())
		}
		return m, cmd
	}
	return m, tea.Batch(cmd, m.moved())
}

// moved follows the active list's cursor: the detail shows its row, and
// the list's end loads older history.
func (m *Model) moved() tea.Cmd {
	cmds := []tea.Cmd{m.follow()}
	if l := m.activeList(); l != nil && l.VisibleLen() > 0 && l.AtEnd() {
		cmds = append(cmds, m.loadOlder())
	}
	return tea.Batch(cmds...)
}

// delegateAll passes messages nobody claimed (the children's own async
// results) to every child that may own them.
func (m Model) delegateAll(msg tea.Msg) (Model, tea.Cmd) {
	var c1, c2, c3, c4 tea.Cmd
	m.leads.list, c1 = m.leads.list.Update(msg)
	m.sessions.list, c2 = m.sessions.list.Update(msg)
	m.search, c3 = m.search.Update(msg)
	m.detail, c4 = m.detail.Update(msg)
	return m, tea.Batch(c1, c2, c3, c4, m.follow())
}

// filterChanged says, as the Leads filter is typed, when a status: or is:
// word can match nothing; the warning goes once the filter is fixed.
func (m *Model) filterChanged() {
	switch w := m.leads.filterWarning(); {
	case w != "":
		m.status.filterFlash(w)
	case m.status.filter:
		m.status.clear()
	}
}
