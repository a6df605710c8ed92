package tui

import (
	"fmt"
	"strconv"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

	"github.com/neotui/neotui/api"
	"github.com/neotui/neotui/internal/english"
	"github.com/neotui/neotui/internal/safetext"
	"github.com/neotui/neotui/internal/store"
	"github.com/neotui/neotui/tui/transcript"
)

// detailModel is the right-hand (or full-screen) pane: a lead's contact
// card or a conversation's header, above the conversation's transcript.
type detailModel struct {
	sh *shared

	lead      *store.Lead // nil for a conversation opened from its tab
	bot       string      // whose conversation it is
	related   []store.Lead
	masked    bool
	sessionID int64
	session   *api.Session
	leads     []store.Lead // the conversation's leads
	err       error
	fetching  bool
	highlight string
	scrollTo  int // message to bring to the top once loaded; -1 none

	transcript    transcript.Model
	width, height int
}

func newDetail(sh *shared) detailModel {
	return detailModel{sh: sh, scrollTo: -1, transcript: transcript.New(transcript.DefaultStyles(sh.styles.isDark), sh.styles.isDark)}
}

// showLead shows a lead's card and loads its conversation.
func (d *detailModel) showLead(l store.Lead) tea.Cmd {
	d.lead, d.bot = &l, l.Bot
	return d.load(l.SessionID, "", -1)
}

// showSession shows a conversation, optionally scrolled to a message with
// a term highlighted (from Search).
func (d *detailModel) showSession(id int64, highlight string, scrollTo int) tea.Cmd {
	d.lead, d.bot = nil, d.sh.Serial
	return d.load(id, highlight, scrollTo)
}

func (d *detailModel) load(id int64, highlight string, scrollTo int) tea.Cmd {
	if d.session != nil && d.sessionID == id && d.err == nil {
		d.applyHighlight(highlight, scrollTo)
		return d.resize()
	}
	d.sessionID, d.session, d.leads, d.related, d.err, d.fetching = id, nil, nil, nil, nil, false
	d.highlight, d.scrollTo = highlight, scrollTo
	return tea.Batch(loadTranscript(d.sh, d.bot, id, d.lead), d.resize())
}

func (d *detailModel) applyHighlight(term string, scrollTo int) {
	d.highlight = term
	d.transcript.SetHighlight(term)
	if scrollTo >= 0 {
		d.transcript.ScrollToMessage(scrollTo)
	}
}

func (d *detailModel) setSize(w, h int) tea.Cmd {
	d.width, d.height = w, h
	return d.resize()
}

// resize gives the transcript what the card leaves.
func (d *detailModel) resize() tea.Cmd {
	h := d.height - lipgloss.Height(d.card())
	return d.transcript.SetSize(d.width, max(h, 1))
}

// shown is the session as the transcript shows it: masked (ctrl+p) or not.
func (d *detailModel) shown(s api.Session) api.Session {
	if !d.masked {
		return s
	}
	msgs := make([]api.Message, len(s.Messages))
	for i, m := range s.Messages {
		// Sanitized first: a hidden escape inside an address must not split
		// it into a part the mask misses.
		msgs[i] = api.Message{Type: m.Type, Content: mask(safetext.Clean(m.Content))}
	}
	s.Messages = msgs
	return s
}

// setMasked hides or shows emails and phones, keeping the reader's place.
func (d *detailModel) setMasked(masked bool) tea.Cmd {
	d.masked = masked
	if d.session == nil {
		return nil
	}
	return d.transcript.SetSession(d.shown(*d.session))
}

func (d *detailModel) setDark(isDark bool) tea.Cmd {
	return d.transcript.SetDark(isDark, transcript.DefaultStyles(isDark))
}

// messages · update

func (d detailModel) Update(msg tea.Msg) (detailModel, tea.Cmd) {
	switch msg := msg.(type) {
	case transcriptLoadedMsg:
		if msg.id != d.sessionID {
			return d, nil // the selection moved on
		}
		if fetch := d.sh.fetcherFor(d.bot); isNotFound(msg.err) && fetch != nil && !d.fetching && msg.id != 0 {
			d.fetching = true
			return d, fetchSession(d.sh, fetch, msg.id)
		}
		if store.IsUnreachable(msg.err) && d.session != nil && d.session.SessionID == msg.id {
			return d, nil // read again while the store is away: what is shown stays
		}
		d.err = msg.err
		if msg.err != nil {
			return d, nil
		}
		d.session, d.leads, d.related = &msg.session, msg.leads, msg.related
		cmd := d.transcript.SetSession(d.shown(msg.session))
		d.applyHighlight(d.highlight, d.scrollTo)
		return d, tea.Batch(cmd, d.resize())
	case sessionFetchedMsg:
		if msg.id != d.sessionID {
			return d, nil
		}
		if msg.err != nil {
			d.err = msg.err
			return d, nil
		}
		return d, loadTranscript(d.sh, d.bot, msg.id, d.lead)
	case tea.KeyPressMsg:
		switch {
		case key.Matches(msg, d.sh.keys.NextMatch):
			if !d.transcript.NextMatch() {
				return d, func() tea.Msg { return matchEdgeMsg{dir: 1} }
			}
			return d, nil
		case key.Matches(msg, d.sh.keys.PrevMatch):
			if !d.transcript.PrevMatch() {
				return d, func() tea.Msg { return matchEdgeMsg{dir: -1} }
			}
			return d, nil
		}
	}
	var cmd tea.Cmd
	d.transcript, cmd = d.transcript.Update(msg)
	return d, cmd
}

// view

func (d detailModel) View() string {
	card := d.card()
	var body string
	switch {
	case d.lead != nil && d.sessionID == 0:
		body = d.sh.styles.Muted.Render("This lead came with no conversation: Neoagent gave it no session.")
	case d.err != nil && isNotFound(d.err):
		body = d.sh.styles.Muted.Render(fmt.Sprintf("Conversation %d is not in the local store; it may be older than what was synced.", d.sessionID))
	case d.err != nil:
		body = d.sh.styles.StatusErr.Render(safetext.Line(storeErrText(d.err)))
	case d.fetching && d.session == nil:
		body = d.sh.styles.Muted.Render(fmt.Sprintf("Fetching conversation %d…", d.sessionID))
	case d.session == nil:
		body = d.sh.styles.Muted.Render("Loading…")
	default:
		body = d.transcript.View()
	}
	return place(card+"\n"+place(body, d.width, 0), d.width, d.height)
}

// card is the lead's contact card, or the conversation's header.
func (d detailModel) card() string {
	c := &cardLines{d: d}
	if l := d.lead; l != nil {
		d.leadCard(c, *l)
	}
	header := fmt.Sprintf("Conversation %d", d.sessionID)
	if d.lead != nil && d.sessionID == 0 {
		header = "no conversation"
	}
	if s := d.session; s != nil {
		header += " · " + s.CreateTime.In(d.sh.loc()).Format("Jan 02 15:04") + " · " + d.place(len(s.Messages))
	}
	if d.lead == nil {
		d.conversationCard(c, header)
	} else {
		c.add(d.sh.styles.Muted.Render(fitCell("── "+header+" ", d.width)))
	}
	// On a short screen the card yields: the transcript keeps a third of
	// the pane (at least 3 lines), the card its top and its last line.
	all := strings.Split(strings.Join(c.lines, "\n"), "\n")
	if most := d.height - min(max(d.height/3, 3), d.height-1); len(all) > most && most > 0 {
		all = append(all[:most-1], all[len(all)-1])
	}
	return strings.Join(all, "\n")
}

// place says where the reader is in a conversation of n messages: "msg
// 5/17 · 40%", or "17 messages" before the transcript is laid out.
func (d detailModel) place(n int) string {
	msg, total, percent := d.transcript.Position()
	if total != n || n == 0 {
		return english.Plural(n, "message")
	}
	return fmt.Sprintf("msg %d/%d · %d%%", msg, total, percent)
}

// cardLines are the lines of a card, as they are added.
type cardLines struct {
	d     detailModel
	lines []string
}

func (c *cardLines) add(line string) { c.lines = append(c.lines, line) }

// field is a labelled value, sanitized to one line; none when empty.
func (c *cardLines) field(label, value string) {
	if value = safetext.Line(strings.TrimSpace(value)); value != "" {
		c.add(c.d.sh.styles.CardLabel.Render(fitCell(label, 8)) + " " + fitCell(value, c.d.width-9))
	}
}

// linked is a field whose value is a link neotui made (mailto:, tel:,
// https:); the visible text is the target's own value.
func (c *cardLines) linked(label, value, target string) {
	value = safetext.Line(strings.TrimSpace(value))
	if value == "" {
		return
	}
	if c.d.masked {
		value, target = mask(value), ""
	}
	st := c.d.sh.styles
	c.add(st.CardLabel.Render(fitCell(label, 8)) + " " + link(fitCell(value, c.d.width-9), target, st.CardValue))
}

// leadCard is a lead's card: name, contacts, when and where, its triage,
// the visitor's earlier leads, and the start of what they wrote.
func (d detailModel) leadCard(c *cardLines, l store.Lead) {
	st := d.sh.styles
	name := safetext.Line(strings.TrimSpace(l.Name))
	if name == "" {
		name = "(no name)"
	}
	badge := st.Lead.Render("Lead")
	if l.Type == api.TypeAppointment {
		badge = st.Appointment.Render("Appointment")
	}
	if d.masked {
		name = mask(name)
	}
	head := st.Title.Render(name) + "  " + badge
	if l.Triage().Starred {
		head += " " + st.Star.Render("★")
	}
	c.add(fitCell(head, d.width))
	c.linked("email", l.Email, mailtoLink(l.Email))
	c.linked("phone", l.PhoneNumber, telLink(l.PhoneNumber))
	created := l.CreateTime.In(d.sh.loc()).Format("Mon Jan 02 2006 15:04 MST")
	if name, off := l.CreateTime.In(d.sh.loc()).Zone(); name != "UTC" || off != 0 {
		created += " · " + l.CreateTime.UTC().Format("2006-01-02 15:04 UTC")
	}
	c.field("created", created)
	c.linked("page", l.URI, pageLink(l.URI))
	// Neoagent sends Count with every lead and documents nothing of it: say
	// so, rather than let it pass for a count of messages or of visits.
	c.field("count", strconv.FormatInt(l.Count, 10)+" (Neoagent's Count field, undocumented)")
	c.add(d.triageLine(l))
	if n := len(d.related); n > 0 {
		var when []string
		for _, r := range d.related[:min(n, 3)] {
			when = append(when, r.CreateTime.In(d.sh.loc()).Format("Jan 02"))
		}
		count := english.Plural(n, "earlier lead")
		if n >= store.RelatedMax {
			count = fmt.Sprintf("%d+ earlier leads", n)
		}
		c.field("returns", fmt.Sprintf("%s: %s", count, strings.Join(when, ", ")))
	}
	if text := safetext.Clean(strings.TrimSpace(l.Content)); text != "" {
		if d.masked {
			text = mask(text)
		}
		wrapped := lipgloss.NewStyle().Width(d.width).Render(text)
		if parts := strings.Split(wrapped, "\n"); len(parts) > 3 {
			wrapped = strings.Join(parts[:3], "\n") + "…"
		}
		c.add(st.CardValue.Render(wrapped))
	}
}

// conversationCard is a conversation's header: its page, and who it left
// as leads.
func (d detailModel) conversationCard(c *cardLines, header string) {
	c.add(d.sh.styles.Title.Render(fitCell(header, d.width)))
	if s := d.session; s != nil {
		c.linked("page", s.URI, pageLink(s.URI))
	}
	for _, l := range d.leads {
		label := "lead"
		if l.Type == api.TypeAppointment {
			label = "appt"
		}
		who := safetext.Line(strings.Join(nonEmpty(l.Name, l.Email, l.PhoneNumber), " · "))
		if d.masked {
			who = mask(who)
		}
		c.field(label, who)
	}
}

func nonEmpty(s ...string) []string {
	var out []string
	for _, x := range s {
		if x = strings.TrimSpace(x); x != "" {
			out = append(out, x)
		}
	}
	return out
}

// triageLine is a lead's local state: status, seen, snooze, notes.
func (d detailModel) triageLine(l store.Lead) string {
	st := d.sh.styles
	t := l.Triage()
	status := t.Status
	if status == "" {
		status = store.StatusNew
	}
	parts := []string{st.statusStyle(status).Render(string(status))}
	if t.SeenAt.IsZero() {
		parts = append(parts, st.Unseen.Render("● unseen"))
	}
	if t.Snoozed(d.sh.now()) {
		parts = append(parts, "snoozed until "+t.SnoozedUntil.In(d.sh.loc()).Format("Mon Jan 02 15:04"))
	}
	if t.Notes > 0 {
		parts = append(parts, english.Plural(t.Notes, "note")+" (n)")
	}
	if t.UpdatedBy != "" {
		// "new · by ana" would read as if ana set it new: say it was a change.
		parts = append(parts, st.Muted.Render("last change "+safetext.Line(t.UpdatedBy)+", "+relative(t.UpdatedAt, d.sh.now(), d.sh.loc())))
	}
	return st.CardLabel.Render(fitCell("triage", 8)) + " " + fitCell(strings.Join(parts, " · "), d.width-9)
}
