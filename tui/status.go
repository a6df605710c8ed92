package tui

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"charm.land/bubbles/v2/spinner"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/neotui/neotui/api"
	"github.com/neotui/neotui/internal/english"
	"github.com/neotui/neotui/internal/safetext"
	"github.com/neotui/neotui/internal/store"
	"github.com/neotui/neotui/internal/syncer"
)

// statusModel is the status line: the background sync (its progress, its
// age, its error), the loading of older history, and the last message the
// app showed (a flash) — whatever of those matters most right now.
type statusModel struct {
	sh      *shared
	spinner spinner.Model

	syncing     bool
	progress    syncer.Progress
	progressBot string // the bot syncing, in the All bots inbox
	syncedAt    time.Time
	err         error   // the last sync's
	syncedFrom  api.Day // the oldest day a sync of this run asked for
	olderAsked  bool
	older       [2]api.Day // the days of the older history being loaded; zero: none
	lastSynced  time.Time  // the store's newest sync mark, as last polled
	down        bool       // the store's server is unreachable, as last polled
	wanted      api.Day    // the oldest day the Stats tab needs, for after the running sync

	text   string // the flash
	isErr  bool
	at     time.Time
	pin    bool // stays until replaced (a notice from the server)
	filter bool // about the filter: it goes when the filter changes
	seq    int  // of the flash, so that its expiry does not clear a newer one
	timed  int  // the last flash whose expiry is scheduled
}

// How long a flash lives by default: a confirmation is read at a glance; a
// warning, twice as long, unless its context (tab, filter) goes first.
const confirmFor = 5 * time.Second

// flashExpiredMsg ends flash seq, if it still shows.
type flashExpiredMsg struct{ seq int }

func newStatus(sh *shared) statusModel {
	return statusModel{sh: sh, spinner: spinner.New(spinner.WithSpinner(spinner.MiniDot))}
}

// flash shows a message in the status line for a few seconds, or until
// its context changes or the next one.
func (s *statusModel) flash(text string, isErr bool) {
	s.seq++
	s.text, s.isErr, s.at, s.pin, s.filter = text, isErr, s.sh.now(), false, false
}

// pinFlash shows a message that stays until replaced.
func (s *statusModel) pinFlash(text string) {
	s.flash(text, true)
	s.pin = true
}

// filterFlash shows a warning about the filter as typed.
func (s *statusModel) filterFlash(text string) {
	s.flash(text, true)
	s.filter = true
}

// clear drops the flash, unless it is pinned.
func (s *statusModel) clear() {
	if !s.pin {
		s.text = ""
	}
}

// expire schedules the end of the newest flash, once.
func (s *statusModel) expire() tea.Cmd {
	d := s.lifetime()
	if s.text == "" || s.pin || s.timed == s.seq || d < 0 {
		return nil
	}
	s.timed = s.seq
	if s.isErr {
		d *= 2
	}
	return after(s.sh, d, flashExpiredMsg{seq: s.seq})
}

// lifetime is how long a confirmation shows; negative: until replaced.
func (s *statusModel) lifetime() time.Duration {
	if s.sh.FlashFor == 0 {
		return confirmFor
	}
	return s.sh.FlashFor
}

// expired ends flash seq if it is still the one shown.
func (s *statusModel) expired(msg flashExpiredMsg) {
	if msg.seq == s.seq {
		s.clear()
	}
}

// messages · commands

// startRange syncs the start-up range: cheap when it was synced before, as
// only open days are asked again.
func (s *statusModel) startRange() tea.Cmd {
	if !s.sh.online() || s.syncing {
		return nil
	}
	today := api.DayOf(s.sh.now())
	from := today - api.Day(s.sh.SyncDays-1)
	if s.syncedFrom == 0 || from < s.syncedFrom {
		s.syncedFrom = from
	}
	return s.run(from, today)
}

func (s *statusModel) run(from, to api.Day) tea.Cmd {
	s.syncing, s.err, s.progress, s.progressBot = true, nil, syncer.Progress{}, ""
	return tea.Batch(startSync(s.sh, from, to), s.spinner.Tick)
}

// loadOlder syncs the 30 days before the oldest asked for: history loads on
// demand, when the user scrolls to the end of a list.
func (s *statusModel) loadOlder() tea.Cmd {
	if !s.sh.online() || s.syncing || s.olderAsked || s.syncedFrom == 0 {
		return nil
	}
	s.olderAsked = true
	to := s.syncedFrom - 1
	s.syncedFrom -= 30
	s.older = [2]api.Day{s.syncedFrom, to}
	s.clear() // the load's progress shows instead
	return s.run(s.syncedFrom, to)
}

// syncBack syncs the days from from up to those synced already, for the
// Stats tab's older ranges; after the running sync if one runs.
func (s *statusModel) syncBack(from api.Day) tea.Cmd {
	if !s.sh.online() || s.syncedFrom == 0 || from >= s.syncedFrom {
		return nil
	}
	if s.syncing {
		s.wanted = from
		return nil
	}
	to := s.syncedFrom - 1
	s.syncedFrom, s.older = from, [2]api.Day{from, to}
	return s.run(from, to)
}

// syncWanted runs the sync the Stats tab asked for while another ran.
func (s *statusModel) syncWanted() tea.Cmd {
	from := s.wanted
	s.wanted = 0
	if from == 0 {
		return nil
	}
	return s.syncBack(from)
}

// forget drops what the sync knew of the bot: another bot was chosen.
func (s *statusModel) forget() {
	s.syncedFrom, s.olderAsked, s.older, s.wanted = 0, false, [2]api.Day{}, 0
}

// done takes the end of a sync.
func (s *statusModel) done(msg syncDoneMsg) {
	s.syncing, s.err, s.olderAsked = false, msg.err, false
	if msg.err == nil || msg.report.Windows > 0 {
		s.syncedAt = s.sh.now()
	}
	if o := s.older; o != [2]api.Day{} && msg.err == nil {
		// Say what the end of the list brought, even nothing.
		got := "nothing stored"
		if c := msg.report.Changes; c.NewSessions > 0 || c.NewLeads > 0 {
			got = english.Plural(c.NewSessions, "conversation") + ", " + english.Plural(c.NewLeads, "lead")
		}
		s.flash(fmt.Sprintf("older history %s…%s: %s", o[0], o[1], got), false)
	}
	s.older = [2]api.Day{}
}

// update ticks the spinner while a sync runs.
func (s statusModel) update(msg spinner.TickMsg) (statusModel, tea.Cmd) {
	if !s.syncing {
		return s, nil
	}
	var cmd tea.Cmd
	s.spinner, cmd = s.spinner.Update(msg)
	return s, cmd
}

// view

// view shows the flash while it is fresh, else the sync: progress, its
// age, or its error; never blocking.
func (s statusModel) view() string {
	st := s.sh.styles
	var out string
	switch {
	case s.text != "" && (s.pin || s.lifetime() < 0 || s.sh.now().Sub(s.at) < 2*s.lifetime()):
		if s.isErr {
			out = st.StatusErr.Render("⚠ " + safetext.Line(s.text))
		} else {
			out = st.Status.Render(safetext.Line(s.text))
			if s.err != nil && !s.syncing {
				// "2 new leads" from one bot does not hide another's failure.
				out += st.Status.Render(" · ") + s.errLine(s.sh.width-lipgloss.Width(out)-3)
			}
		}
		if s.syncing {
			out = s.spinner.View() + " " + out
		}
	case s.down:
		out = st.StatusErr.Render("⚠ " + s.downLine())
	case s.syncing:
		out = s.spinner.View() + " " + st.Status.Render(s.progressLine())
	case s.err != nil:
		out = s.errLine(s.sh.width)
	case !s.syncedAt.IsZero():
		out = st.Status.Render("synced " + relative(s.syncedAt, s.sh.now(), s.sh.loc()) + " · " + safetext.Line(s.sh.BotName))
	case !s.sh.online():
		out = st.Status.Render("offline: showing the local store")
	}
	return ansi.Truncate(out, s.sh.width, "…")
}

// downLine says that the store cannot be reached, and what that means.
func (s statusModel) downLine() string {
	return "store unreachable (" + safetext.Line(s.sh.Store.Where()) + "): retrying — triage is paused"
}

// progressLine says what the running sync is at.
func (s statusModel) progressLine() string {
	p := s.progress
	what := "syncing"
	if s.older != [2]api.Day{} {
		what = "loading older history"
	}
	if s.progressBot != "" {
		what += " " + safetext.Line(s.progressBot)
	}
	if p.Total > 0 {
		what = fmt.Sprintf("%s: %s %d/%d windows", what, p.Endpoint, min(p.Done+1, p.Total), p.Total)
		if p.Endpoint == store.EndpointHistory {
			what += fmt.Sprintf(" (%s…%s)", p.Window, p.WindowTo)
		}
	}
	if paused := p.Paused(s.sh.now()); paused != "" {
		// Why nothing moves comes first: "Neoagent is limiting requests —
		// retrying in 20 s".
		return safetext.Line(paused) + " · " + what
	}
	return what
}

// errLine is the last sync's error in width cells: the cause first, then
// "r retries" where trying again can help. An error cut short keeps the
// key and says where to read it whole.
func (s statusModel) errLine(width int) string {
	text, hint := "⚠ "+syncErrText(s.err), ""
	if !permanent(s.err) {
		hint = " · r retries"
	}
	if ansi.StringWidth(text+hint) > width {
		const more = "… ? shows all"
		text = ansi.Truncate(text, max(width-ansi.StringWidth(more+hint), 0), "") + more
	}
	return s.sh.styles.StatusErr.Render(text + hint)
}

// syncErrText is a sync's error on one line: one clause per bot that failed.
func syncErrText(err error) string {
	return safetext.Line(strings.ReplaceAll(err.Error(), "\n", "; "))
}

// permanent reports that trying again cannot help until the
// configuration changes: a wrong key or serial, a refused request.
func permanent(err error) bool {
	for _, e := range []error{api.ErrUnauthorized, api.ErrForbidden, api.ErrNotFound, api.ErrBadRequest} {
		if errors.Is(err, e) {
			return true
		}
	}
	return false
}
