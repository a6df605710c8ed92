package tui

import (
	"context"
	"fmt"
	"slices"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/neotui/neotui/api"
	"github.com/neotui/neotui/internal/english"
	"github.com/neotui/neotui/internal/store"
)

// The inbox: what makes the Leads tab a triage inbox — unseen marks and
// the last-visit separator, triage keys and their overlays, undo, export,
// live reloads when another process or session changes something, the
// periodic refresh with its bell, and switching bots.

// defaultPollEvery is how often the store is asked whether triage changed
// elsewhere: cheap (one indexed read), and what makes a teammate's action
// show within a second.
const defaultPollEvery = time.Second

// beltPollEvery is how often it is asked where the store also sends notices
// (PostgreSQL): they do the work, the poll only makes sure.
const beltPollEvery = 30 * time.Second

type (
	pollMsg   struct{}
	noticeMsg struct {
		notices []store.Notice // all that had arrived, at least one
	}
	refreshMsg   struct{}
	triageSeqMsg struct {
		read     int       // the read's number (shared.reads), the newest applied wins
		notice   bool      // a notice asked for it; else the poll
		seq      int64     // the store's triage sequence
		synced   time.Time // the bot's newest sync mark
		err      error
		timedOut bool // no answer within pollTimeout
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
		if sh.notices != nil {
			every = beltPollEvery
		}
	}
	if every < 0 {
		return nil
	}
	return after(sh, every, pollMsg{})
}

// waitNotice waits for the store's next notices (see store.Notices): the
// one Cmd outstanding on them, armed again once what they woke is read.
// It ends, with nothing, when the subscription does (the browser's
// context ended, or the store closed).
func waitNotice(sh *shared) tea.Cmd {
	ch := sh.notices
	if ch == nil {
		return nil
	}
	return func() tea.Msg {
		n, ok := <-ch
		if !ok {
			return nil
		}
		msg := noticeMsg{notices: []store.Notice{n}}
		for { // the others already there: one read for all
			select {
			case n, ok := <-ch:
				if !ok {
					return msg
				}
				msg.notices = append(msg.notices, n)
			default:
				return msg
			}
		}
	}
}

// concerns reports whether any of the notices may change what the browser
// shows: a sync of another bot does not, unless in the All bots inbox.
func (msg noticeMsg) concerns(sh *shared) bool {
	for _, n := range msg.notices {
		if n.Kind != store.NoticeSync || n.Bot == "" || n.Bot == sh.Serial || sh.allBots {
			return true
		}
	}
	return false
}

// pollTimeout bounds a read of the store's triage sequence: a server cut
// off without a word (a network gone, not a server stopped) is reported as
// unreachable, not waited on.
const pollTimeout = 5 * time.Second

// readTriageSeq reads whether triage changed or a sync committed elsewhere,
// and, on PostgreSQL, whether its server can be reached (see
// statusModel.down); notice says a notice asked, and its Cmd is armed
// again with the result.
func readTriageSeq(sh *shared, notice bool) tea.Cmd {
	sh.reads++
	read, bot := sh.reads, sh.Serial
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(sh.ctx, pollTimeout)
		defer cancel()
		msg := triageSeqMsg{read: read, notice: notice}
		msg.seq, msg.err = sh.Store.TriageSeq(ctx)
		if msg.err == nil {
			msg.synced, msg.err = sh.Store.LastSync(ctx, bot)
		}
		msg.timedOut = msg.err != nil && sh.Store.OnServer() && ctx.Err() == context.DeadlineExceeded && sh.ctx.Err() == nil
		return msg
	}
}

func refreshTick(sh *shared) tea.Cmd {
	every := sh.RefreshEvery
	if every == 0 {
		every = 5 * time.Minute
	}
	if every < 0 || !sh.online() {
		return nil
	}
	return after(sh, every, refreshMsg{})
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

// selectedLead is the lead the triage keys act on: the open one, or the
// selected row of the Leads tab.
func (m Model) selectedLead() (store.Lead, bool) {
	if m.detailOpen && m.detail.lead != nil {
		return *m.detail.lead, true
	}
	if m.tab == tabStats {
		return store.Lead{}, false // the figures hold no lead
	}
	if m.tab != tabLeads {
		return m.conversationLead()
	}
	return m.leads.selected()
}

// noLeadReason says why a triage key has no lead to act on.
func (m Model) noLeadReason() string {
	switch {
	case m.tab == tabLeads:
		return "no lead selected"
	case m.tab == tabStats:
		return "triage keys act on leads (1: Leads)"
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
	if m.status.down {
		m.flash("not undone: the store is unreachable — try again when it is back", true)
		return nil
	}
	u := m.undos[len(m.undos)-1]
	m.undos = m.undos[:len(m.undos)-1]
	return undoLast(m.sh, u)
}

// handleTriageKey runs a triage key; handled is false for other keys.
func (m *Model) handleTriageKey(msg tea.KeyPressMsg) (handled bool, cmd tea.Cmd) {
	if handled, cmd := m.viewKey(msg); handled {
		return true, cmd
	}
	k := m.sh.keys
	l, ok := m.selectedLead()
	if !ok {
		if key.Matches(msg, k.Status, k.Star, k.Snooze, k.Notes, k.Copy, k.MarkUnseen) {
			m.flash(m.noLeadReason(), true)
			return true, nil
		}
		return false, nil
	}
	if m.status.down && key.Matches(msg, k.Status, k.Star, k.Snooze, k.Notes, k.MarkUnseen) {
		// Refused at once: a menu or an editor would only lead to a
		// failed save.
		if key.Matches(msg, k.Notes) {
			m.flash(leadName(l)+": the notes cannot be read: the store is unreachable — try again when it is back", true)
		} else {
			m.flash(leadName(l)+": "+notSaved, true)
		}
		return true, nil
	}
	switch {
	case key.Matches(msg, k.Status):
		p := newPicker(m.sh, "Status of "+leadName(l), statusChoices(), func(v any, _ string) tea.Cmd {
			return setStatus(m.sh, l, v.(store.Status))
		})
		p.cursor = max(slices.Index(store.Statuses, l.Triage().Status), 0) // on the current one
		m.open(p)
	case key.Matches(msg, k.Star):
		return true, toggleStar(m.sh, l)
	case key.Matches(msg, k.MarkUnseen):
		return true, setSeen(m.sh, l, false)
	case key.Matches(msg, k.Snooze):
		m.open(snoozePicker(m.sh, l))
	case key.Matches(msg, k.Notes):
		m.open(newNotes(m.sh, l))
		return true, loadNotes(m.sh, l)
	case key.Matches(msg, k.Copy):
		var transcript *api.Session
		if m.detail.session != nil && m.detail.sessionID == l.SessionID {
			transcript = m.detail.session
		}
		leads := m.detail.leads
		m.open(newPicker(m.sh, "Copy to the clipboard", copyChoices(l, transcript, m.sh.masked), func(v any, _ string) tea.Cmd {
			return copyLead(m.sh, l, transcript, leads, v.(string))
		}))
	default:
		return false, nil
	}
	return true, nil
}

// viewKey runs a key that changes the inbox's view, or the whole of it.
func (m *Model) viewKey(msg tea.KeyPressMsg) (handled bool, cmd tea.Cmd) {
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
		return true, tea.Batch(m.leads.refresh(), m.detail.setMasked(m.sh.masked))
	case key.Matches(msg, k.SnoozedOnly):
		m.sh.snoozedOnly = !m.sh.snoozedOnly
		m.tab, m.detailOpen = tabLeads, false
		if m.sh.snoozedOnly {
			m.flash("snoozed leads only: z x wakes one · Z returns to the inbox", false)
		} else {
			m.flash("the inbox: snoozed leads hidden until their time", false)
		}
		return true, m.leads.reload()
	case key.Matches(msg, k.UnseenOnly):
		m.leads.unseenOnly = !m.leads.unseenOnly
		m.tab, m.detailOpen = tabLeads, false
		if m.leads.unseenOnly {
			m.flash(fmt.Sprintf("unseen only: %s · u shows all", english.Plural(m.leads.unseen(), "lead")), false)
		} else {
			m.flash(fmt.Sprintf("all %s · u shows the unseen only", english.Plural(m.leads.raw.len(), "lead")), false)
		}
		return true, tea.Batch(m.leads.refresh(), m.follow())
	case key.Matches(msg, k.SwitchBot):
		return true, m.openBotPicker()
	case key.Matches(msg, k.Export):
		return true, m.openExport()
	}
	return false, nil
}

// snoozePicker asks until when to snooze l: a preset, or a typed date.
func snoozePicker(sh *shared, l store.Lead) *picker {
	choices := snoozeChoices(sh.now(), sh.loc(), l.Triage().Snoozed(sh.now()))
	p := newPicker(sh, "Snooze "+leadName(l)+" until", choices, func(v any, text string) tea.Cmd {
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
	p.input.Placeholder = "YYYY-MM-DD or YYYY-MM-DD HH:MM"
	p.input.SetWidth(len(p.input.Placeholder) + 1)
	return p
}

func (m *Model) openBotPicker() tea.Cmd {
	if len(m.sh.Bots) < 2 {
		m.flash("only one bot is configured: add bots to the config file to switch", true)
		return nil
	}
	m.open(newPicker(m.sh, "Bot", botChoices(m.sh.Bots), func(v any, _ string) tea.Cmd {
		return func() tea.Msg { return switchBotMsg{bot: v} }
	}))
	return nil
}

// botChoices are the bot picker's choices: each bot by its number, and
// All bots.
func botChoices(bots []Bot) []choice {
	var cs []choice
	for i, b := range bots {
		cs = append(cs, choice{newKey(fmt.Sprint(i+1), "a bot"), b.Name, b})
	}
	return append(cs, choice{newKey("a", "All bots"), "All bots (one inbox)", nil})
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
	m.detailOpen = false // undo still works: it names its bot
	m.detail.lead, m.detail.sessionID, m.detail.session = nil, 0, nil
	m.leads.forget()
	m.sessions.forget()
	m.stats.forget()
	m.status.forget()
	return tea.Batch(m.reload(), recordVisit(m.sh), m.status.startRange())
}

// updateTriage takes the results of triage: actions, notes, copies,
// exports, the bot switch, the last visit.
func (m Model) updateTriage(msg tea.Msg) (Model, tea.Cmd, bool) {
	var cmd tea.Cmd
	switch msg := msg.(type) {
	case triagedMsg:
		m, cmd = m.triaged(msg)
	case undoMsg:
		cmd = m.undo()
	case notesLoadedMsg:
		m, cmd = m.notesLoaded(msg)
	case noteEditedMsg:
		if n, ok := m.dialog.(*notesModel); ok && n.isFor(msg.lead) {
			n.edited(msg)
		}
	case copiedMsg:
		switch {
		case msg.err != nil:
			m.flash("could not copy: "+msg.err.Error(), true)
		case msg.text != "":
			cmd = copyText(msg.text, msg.what)
		default:
			m.flash("copied "+msg.what+" to the clipboard", false)
		}
	case exportedMsg:
		switch {
		case msg.err != nil && m.dialog == nil && msg.retry != nil:
			// Back to the dialog, the name as typed, to pick another place.
			msg.retry.err = "not exported: " + msg.err.Error()
			m.open(msg.retry)
		case msg.err != nil:
			m.flash("export failed: "+msg.err.Error(), true)
		default:
			// The whole path: the file is to be found, whatever folder it went to.
			m.flash(fmt.Sprintf("exported to %s: %s", msg.path, msg.what), false)
		}
	case switchBotMsg:
		cmd = m.switchBot(msg)
	case visitMsg:
		if msg.err == nil {
			m.leads.lastVisit = msg.last
			cmd = m.leads.refresh()
		}
	default:
		return m, nil, false
	}
	return m, cmd, true
}

// triaged reports a finished action, keeps its undo, and reloads what it
// changed.
func (m Model) triaged(msg triagedMsg) (Model, tea.Cmd) {
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
	m.storeFailed(msg.err)
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
	if msg.woke.Key != "" {
		m.leads.woken = msg.woke
	}
	return m, tea.Batch(m.leads.reload(), m.reloadNotes())
}

// notesLoaded hands a lead's notes to the dialog. The text of a failed
// save is never dropped: it goes back into its lead's editor, reopening
// the dialog if none is up, or, while the user is busy elsewhere, waits
// for that lead's notes to be opened again.
func (m Model) notesLoaded(msg notesLoadedMsg) (Model, tea.Cmd) {
	k := store.LeadRef{Bot: msg.lead.Bot, Key: msg.lead.Key}
	notes, _ := m.dialog.(*notesModel)
	mine := notes != nil && notes.isFor(msg.lead)
	if f, ok := m.drafts[k]; ok && msg.failed == nil && mine && !notes.editorOn {
		delete(m.drafts, k)
		msg.failed = &f
	}
	if f := msg.failed; f != nil {
		switch {
		case mine && !notes.editorOn:
		case !m.typing():
			notes = newNotes(m.sh, msg.lead)
			m.open(notes)
		default:
			m.keepDraft(msg.lead, *f)
			msg.failed = nil
		}
	}
	if notes == nil {
		return m, nil
	}
	_, cmd := notes.update(msg)
	return m, cmd
}

// keepDraft keeps the text of a failed save until its lead's notes open.
func (m *Model) keepDraft(l store.Lead, f failedSave) {
	k := store.LeadRef{Bot: l.Bot, Key: l.Key}
	if m.drafts == nil {
		m.drafts = map[store.LeadRef]failedSave{}
	}
	if old, ok := m.drafts[k]; ok {
		// Another text of the lead waits already: keep both, as one new
		// note, for the user to sort out.
		f = failedSave{draft: old.draft + "\n\n" + f.draft, err: f.err}
	}
	m.drafts[k] = f
	m.flash(fmt.Sprintf("%s: note not saved (%s) — n on that lead brings your text back", leadName(l), storeErrText(f.err)), true)
}
