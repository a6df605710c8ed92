package tui

import (
	"fmt"
	"slices"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/neotui/neotui/api"
	"github.com/neotui/neotui/internal/store"
	"github.com/neotui/neotui/tui/list"
)

// The inbox: what makes the Leads tab a triage inbox — unseen marks and
// the last-visit separator, triage keys and their overlays, undo, export,
// live reloads when another process or session changes something, the
// periodic refresh with its bell, and switching bots.

// defaultPollEvery is how often the store is asked whether triage changed
// elsewhere: cheap (one indexed read), and what makes a teammate's action
// show within a second.
const defaultPollEvery = time.Second

type (
	pollMsg      struct{}
	refreshMsg   struct{}
	triageSeqMsg struct {
		seq    int64
		synced time.Time // the bot's newest sync mark
		err    error
	}
	visitMsg struct {
		last time.Time
		err  error
	}
)

func poll(sh *shared) tea.Cmd {
	every := sh.PollEvery
	if every == 0 {
		every = defaultPollEvery
	}
	if every < 0 {
		return nil
	}
	return after(sh, every, pollMsg{})
}

func readTriageSeq(sh *shared) tea.Cmd {
	bot := sh.Serial
	return func() tea.Msg {
		seq, err := sh.Store.TriageSeq(sh.ctx)
		if err != nil {
			return triageSeqMsg{err: err}
		}
		synced, err := sh.Store.LastSync(sh.ctx, bot)
		return triageSeqMsg{seq: seq, synced: synced, err: err}
	}
}

func (m Model) refreshTick() tea.Cmd {
	every := m.sh.RefreshEvery
	if every == 0 {
		every = 5 * time.Minute
	}
	if every < 0 || !m.sh.online() {
		return nil
	}
	return after(m.sh, every, refreshMsg{})
}

// recordVisit reads when this user last looked, and notes that they look now.
func recordVisit(sh *shared) tea.Cmd {
	bot := sh.Serial
	return func() tea.Msg {
		last, err := sh.Store.LastVisit(sh.ctx, bot, sh.user())
		if err == nil {
			err = sh.Store.RecordVisit(sh.ctx, bot, sh.user(), sh.now())
		}
		return visitMsg{last: last, err: err}
	}
}

// leadItems builds the Leads rows: unseen only when asked, masked when
// asked, with the separator where the last visit falls.
func (m *Model) leadItems() []list.Item {
	m.sh.anyStatus, m.sh.nameWidth = false, 0
	names := map[string]string{}
	for _, b := range m.sh.Bots {
		names[b.Serial] = b.Name
	}
	var items []list.Item
	sepDone := m.lastVisit.IsZero()
	newer := 0
	for _, l := range m.rawLeads {
		if m.unseenOnly && !l.Triage.SeenAt.IsZero() {
			continue
		}
		if !sepDone && !l.CreateTime.After(m.lastVisit) {
			if newer > 0 {
				items = append(items, sepItem{since: "(last visit " + clock(m.lastVisit, m.sh.now(), m.sh.loc()) + ")"})
			}
			sepDone = true
		}
		if l.CreateTime.After(m.lastVisit) {
			newer++
		}
		if l.Triage.Status != "" && l.Triage.Status != store.StatusNew {
			m.sh.anyStatus = true
		}
		it := newLeadItem(l, m.sh.masked)
		// A name's width is at most its bytes: most are measured for free.
		if n := len(it.name); n > m.sh.nameWidth && m.sh.nameWidth < maxNameWidth {
			m.sh.nameWidth = min(max(m.sh.nameWidth, ansi.StringWidth(it.name)), maxNameWidth)
		}
		if m.sh.allBots {
			it.bot = firstNonEmpty(names[l.Bot], l.Bot)
		}
		items = append(items, it)
	}
	return items
}

// unseen counts leads never opened.
func (m Model) unseen() int {
	n := 0
	for _, l := range m.rawLeads {
		if l.Triage.SeenAt.IsZero() {
			n++
		}
	}
	return n
}

// announceNew compares a complete load with the last one: leads never
// loaded before and newer than any loaded before arrived (a sync, another
// process). A snoozed lead coming back, or older history loading, is not
// news. The first load only learns.
func (m *Model) announceNew(leads []store.Lead) tea.Cmd {
	fresh := 0
	known := make(map[string]bool, len(leads))
	newest := m.newest
	for _, l := range leads {
		known[l.Bot+"\x00"+l.Key] = true
		if m.known != nil && !m.known[l.Bot+"\x00"+l.Key] && l.CreateTime.After(m.newest) {
			fresh++
		}
		if l.CreateTime.After(newest) {
			newest = l.CreateTime
		}
	}
	first := m.known == nil
	m.known, m.newest = known, newest
	if first || fresh == 0 {
		return nil
	}
	m.flash(plural(fresh, "new lead"), false)
	if m.sh.Quiet {
		return nil
	}
	return tea.Raw("\a")
}

// selectedLead is the lead the triage keys act on: the open one, or the
// selected row of the Leads tab.
func (m Model) selectedLead() (store.Lead, bool) {
	if m.detailOpen && m.detail.lead != nil {
		return *m.detail.lead, true
	}
	if m.tab != tabLeads {
		return m.conversationLead()
	}
	if it, ok := m.leads.Selected(); ok {
		if l, ok := it.(*leadItem); ok {
			return l.lead, true
		}
	}
	return store.Lead{}, false
}

// noLeadReason says why a triage key has no lead to act on.
func (m Model) noLeadReason() string {
	switch {
	case m.tab == tabLeads:
		return "no lead selected"
	case m.detail.session != nil && (m.detailOpen || m.split()):
		return "this conversation left no lead: triage keys act on leads (1: Leads)"
	case m.tab == tabSearch:
		return "open a result (enter) to act on its conversation's lead"
	}
	return "open the conversation (enter) to act on its lead"
}

// conversationLead is the lead a conversation on screen (open, or beside
// its list) left, if any: what triage keys act on outside the Leads tab.
func (m Model) conversationLead() (store.Lead, bool) {
	d := m.detail
	if d.session == nil || len(d.leads) == 0 || !(m.detailOpen || m.split()) {
		return store.Lead{}, false
	}
	return d.leads[0], true
}

// undo takes the last action back (ctrl+z).
func (m *Model) undo() tea.Cmd {
	if len(m.undos) == 0 {
		m.flash("nothing to undo", false)
		return nil
	}
	u := m.undos[len(m.undos)-1]
	m.undos = m.undos[:len(m.undos)-1]
	return undoLast(m.sh, u)
}

// handleTriageKey runs a triage key; handled is false for other keys.
func (m *Model) handleTriageKey(msg tea.KeyPressMsg) (handled bool, cmd tea.Cmd) {
	k := m.sh.keys
	switch {
	case key.Matches(msg, k.Undo):
		return true, m.undo()
	case key.Matches(msg, k.Mask):
		m.sh.masked = !m.sh.masked
		if m.sh.masked {
			m.flash("emails and phones hidden (ctrl+p shows them)", false)
		} else {
			m.flash("emails and phones shown", false)
		}
		return true, tea.Batch(m.leads.SetItems(m.leadItems()), m.detail.setMasked(m.sh.masked))
	case key.Matches(msg, k.SnoozedOnly):
		m.sh.snoozedOnly = !m.sh.snoozedOnly
		m.tab, m.detailOpen = tabLeads, false
		if m.sh.snoozedOnly {
			m.flash("snoozed leads only: z x wakes one · Z returns to the inbox", false)
		} else {
			m.flash("the inbox: snoozed leads hidden until their time", false)
		}
		return true, m.reloadLeads()
	case key.Matches(msg, k.UnseenOnly):
		m.unseenOnly = !m.unseenOnly
		m.tab, m.detailOpen = tabLeads, false
		return true, tea.Batch(m.leads.SetItems(m.leadItems()), m.follow())
	case key.Matches(msg, k.SwitchBot):
		return true, m.openBotPicker()
	case key.Matches(msg, k.Export):
		return true, m.openExport()
	}
	l, ok := m.selectedLead()
	if !ok {
		for _, b := range []key.Binding{k.Status, k.Star, k.Snooze, k.Notes, k.Copy, k.MarkUnseen} {
			if key.Matches(msg, b) {
				m.flash(m.noLeadReason(), true)
				return true, nil
			}
		}
		return false, nil
	}
	switch {
	case key.Matches(msg, k.Status):
		m.overlay = newPicker(m.sh, "Status of "+leadName(l), statusChoices(), func(v any, _ string) tea.Cmd {
			return setStatus(m.sh, l, v.(store.Status))
		})
		m.overlay.cursor = max(slices.Index(store.Statuses, l.Triage.Status), 0) // on the current one
	case key.Matches(msg, k.Star):
		return true, toggleStar(m.sh, l)
	case key.Matches(msg, k.MarkUnseen):
		return true, setSeen(m.sh, l, false)
	case key.Matches(msg, k.Snooze):
		sh := m.sh
		pk := newPicker(sh, "Snooze "+leadName(l)+" until", snoozeChoices(sh.now(), sh.loc(), l.Triage.Snoozed(sh.now())),
			func(v any, text string) tea.Cmd {
				until, _ := v.(time.Time)
				if text != "" {
					t, err := parseSnooze(text, sh.now(), sh.loc())
					if err != nil {
						return func() tea.Msg { return triagedMsg{what: "snooze it", lead: leadName(l), err: err} }
					}
					until = t
				}
				return snooze(sh, l, until)
			}).withInput("or a date: ", "").withCheck(func(text string) (string, error) {
			_, err := parseSnooze(text, sh.now(), sh.loc()) // a bad date keeps the picker open
			return text, err
		})
		pk.input.Placeholder = "YYYY-MM-DD or YYYY-MM-DD HH:MM"
		pk.input.SetWidth(len(pk.input.Placeholder) + 1)
		m.overlay = pk
	case key.Matches(msg, k.Notes):
		m.notes = newNotes(m.sh, l)
		m.notes.setSize(m.sh.width, m.sh.height)
		return true, loadNotes(m.sh, l)
	case key.Matches(msg, k.Copy):
		var transcript *api.Session
		if m.detail.session != nil && m.detail.sessionID == l.SessionID {
			transcript = m.detail.session
		}
		leads := m.detail.leads
		m.overlay = newPicker(m.sh, "Copy to the clipboard", copyChoices(l, transcript, m.sh.masked), func(v any, _ string) tea.Cmd {
			return copyLead(m.sh, l, transcript, leads, v.(string))
		})
	default:
		return false, nil
	}
	return true, nil
}

func (m *Model) openBotPicker() tea.Cmd {
	if len(m.sh.Bots) < 2 {
		m.flash("only one bot is configured: add bots to the config file to switch", true)
		return nil
	}
	var cs []choice
	for i, b := range m.sh.Bots {
		cs = append(cs, choice{fmt.Sprint(i + 1), b.Name, b})
	}
	cs = append(cs, choice{"a", "All bots (one inbox)", nil})
	m.overlay = newPicker(m.sh, "Bot", cs, func(v any, _ string) tea.Cmd {
		return func() tea.Msg { return switchBotMsg{bot: v} }
	})
	return nil
}

type switchBotMsg struct{ bot any } // a Bot, or nil for All bots

func (m *Model) switchBot(msg switchBotMsg) tea.Cmd {
	if b, ok := msg.bot.(Bot); ok {
		m.sh.allBots = false
		m.sh.BotName, m.sh.Serial, m.sh.Sync, m.sh.FetchSession = b.Name, b.Serial, b.Sync, b.FetchSession
	} else {
		m.sh.allBots = true
		m.sh.BotName = "All bots"
	}
	m.known, m.newest, m.detailOpen = nil, time.Time{}, false // undo still works: it names its bot
	m.detail.lead, m.detail.sessionID, m.detail.session = nil, 0, nil
	m.leadsReady, m.sessionsReady = false, false
	m.leads.SetItems(nil)
	m.sessions.SetItems(nil)
	m.syncedFrom, m.olderAsked, m.older = 0, false, [2]api.Day{}
	return tea.Batch(m.reload(), recordVisit(m.sh), m.startSync())
}

// flash shows a message in the status line until the next one.
func (m *Model) flash(s string, isErr bool) {
	m.flashText, m.flashErr, m.flashAt = s, isErr, m.sh.now()
}
