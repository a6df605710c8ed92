package tui

import (
	"slices"
	"strings"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/neotui/neotui/internal/store"
	"github.com/neotui/neotui/tui/list"
)

// leadsModel is the Leads tab, a triage inbox: the leads newest first,
// unseen ones marked, a separator where the last visit falls, unseen only
// on u; its rows are built in leaditem.go.
type leadsModel struct {
	sh    *shared
	list  list.Model
	cols  *leadColumns // measured when the rows are built, read when they draw
	seq   int          // of the newest load asked for
	ready bool

	raw        []store.Lead // as loaded; the rows are built from them
	unseenN    int          // of raw, never opened: the tab bar shows it in every frame
	learned    bool         // a complete load came: the next may bring news
	newest     time.Time    // the newest lead ever loaded
	lastVisit  time.Time
	unseenOnly bool
}

// leadColumns is what the rows' columns need to know of all the rows.
type leadColumns struct {
	anyStatus bool // some lead has a status: the column shows for all
	nameWidth int  // the widest lead name, up to maxNameWidth
}

func newLeads(sh *shared) leadsModel {
	cols := &leadColumns{}
	return leadsModel{sh: sh, cols: cols, list: newList(sh, renderLead(sh, cols))}
}

// messages · commands

// reload reads the leads again (after a triage change, a sync).
func (l *leadsModel) reload() tea.Cmd {
	l.seq++
	return loadLeads(l.sh, l.seq, 0)
}

// firstLoad reads the first page, for the first frame.
func (l *leadsModel) firstLoad() tea.Cmd { return loadLeads(l.sh, l.seq, firstPage) }

// update

// loaded takes a load's leads; fresh counts the leads that arrived since
// the last complete load (see announceNew).
func (l *leadsModel) loaded(msg leadsLoadedMsg) (fresh int, cmd tea.Cmd) {
	l.raw, l.ready = msg.leads, true
	l.unseenN = 0
	for _, ld := range l.raw {
		if ld.Triage.SeenAt.IsZero() {
			l.unseenN++
		}
	}
	cmds := []tea.Cmd{l.refresh()}
	if !msg.complete {
		cmds = append(cmds, l.reload())
	} else if !msg.snoozed {
		fresh = l.announceNew(msg.leads)
	}
	return fresh, tea.Batch(cmds...)
}

// refresh rebuilds the rows from the leads loaded (the mask, the unseen
// view or the last visit changed).
func (l *leadsModel) refresh() tea.Cmd { return l.list.SetItems(l.items()) }

// forget empties the tab: another bot was chosen.
func (l *leadsModel) forget() {
	l.learned, l.newest, l.ready = false, time.Time{}, false
	l.list.SetItems(nil)
}

// items builds the rows: unseen only when asked, masked when asked, with
// the separator where the last visit falls. The rows share one allocation,
// and the rows of one page its text.
func (l *leadsModel) items() []list.Item {
	sh := l.sh
	*l.cols = leadColumns{}
	names := map[string]string{}
	for _, b := range sh.Bots {
		names[b.Serial] = b.Name
	}
	pages := map[string]string{}
	rows := make([]leadItem, 0, len(l.raw))
	items := make([]list.Item, 0, len(l.raw)+1)
	sepDone := l.lastVisit.IsZero()
	newer := 0
	for i := range l.raw {
		ld := &l.raw[i]
		if l.unseenOnly && !ld.Triage.SeenAt.IsZero() {
			continue
		}
		if !sepDone && !ld.CreateTime.After(l.lastVisit) {
			if newer > 0 {
				items = append(items, sepItem{since: "(last visit " + clock(l.lastVisit, sh.now(), sh.loc()) + ")"})
			}
			sepDone = true
		}
		if ld.CreateTime.After(l.lastVisit) {
			newer++
		}
		if ld.Triage.Status != "" && ld.Triage.Status != store.StatusNew {
			l.cols.anyStatus = true
		}
		page, ok := pages[ld.URI]
		if !ok {
			page = pagePath(ld.URI)
			pages[ld.URI] = page
		}
		rows = append(rows, newLeadItem(ld, page, sh.masked))
		it := &rows[len(rows)-1]
		// A name's width is at most its bytes: most are measured for free.
		if n := len(it.name); n > l.cols.nameWidth && l.cols.nameWidth < maxNameWidth {
			l.cols.nameWidth = min(max(l.cols.nameWidth, ansi.StringWidth(it.name)), maxNameWidth)
		}
		if sh.allBots {
			it.bot = firstNonEmpty(names[ld.Bot], ld.Bot)
		}
		items = append(items, it)
	}
	return items
}

// announceNew counts the leads of a complete load newer than any loaded
// before: they arrived (a sync, another process). Such a lead cannot have
// been loaded before, so no set of the leads loaded is kept. A snoozed lead
// coming back, or older history loading, is not news. The first load only
// learns.
func (l *leadsModel) announceNew(leads []store.Lead) int {
	fresh := 0
	newest := l.newest
	for _, ld := range leads {
		if ld.CreateTime.After(l.newest) {
			fresh++
		}
		if ld.CreateTime.After(newest) {
			newest = ld.CreateTime
		}
	}
	first := !l.learned
	l.learned, l.newest = true, newest
	if first {
		return 0
	}
	return fresh
}

// find is the loaded lead of bot and key.
func (l leadsModel) find(bot, key string) (store.Lead, bool) {
	i := slices.IndexFunc(l.raw, func(ld store.Lead) bool { return ld.Bot == bot && ld.Key == key })
	if i < 0 {
		return store.Lead{}, false
	}
	return l.raw[i], true
}

// selected is the lead of the selected row; none on the separator.
func (l leadsModel) selected() (store.Lead, bool) {
	if it, ok := l.list.Selected(); ok {
		if li, ok := it.(*leadItem); ok {
			return *li.lead, true
		}
	}
	return store.Lead{}, false
}

// visible are the leads of the view, as filtered on screen.
func (l leadsModel) visible() []store.Lead {
	var leads []store.Lead
	for _, it := range l.list.Visible() {
		if li, ok := it.(*leadItem); ok {
			leads = append(leads, *li.lead)
		}
	}
	return leads
}

// unseen counts leads never opened.
func (l leadsModel) unseen() int { return l.unseenN }

// filterWarning says, as it is typed, when a status: or is: word of the
// filter can match nothing, and what it takes; "" when all can.
func (l leadsModel) filterWarning() string {
	valid := map[string][]string{"status:": store.StatusNames(), "is:": {"starred", "unseen"}}
	for _, w := range strings.Fields(strings.ToLower(l.list.FilterValue())) {
		for prefix, values := range valid {
			v, ok := strings.CutPrefix(w, prefix)
			if ok && !slices.ContainsFunc(values, func(s string) bool { return strings.HasPrefix(s, v) }) {
				return prefix + " takes " + strings.Join(values, ", ")
			}
		}
	}
	return ""
}

// viewLimits says which leads the view leaves out, for the messages.
func (l leadsModel) viewLimits() []string {
	var out []string
	if l.list.FilterValue() != "" {
		out = append(out, "filtered")
	}
	if l.unseenOnly {
		out = append(out, "unseen only")
	}
	// As loadLeads reads them: running snoozes hidden, or alone under Z.
	if l.sh.snoozedOnly {
		out = append(out, "snoozed only")
	} else {
		out = append(out, "snoozed hidden")
	}
	return out
}

// view

// emptyText is what the tab says with no leads to show.
func (l leadsModel) emptyText() string {
	switch {
	case l.sh.snoozedOnly:
		return "No snoozed leads. Z returns to the inbox."
	case l.unseenOnly && len(l.raw) > 0:
		return "No unseen leads: every one has been opened. u shows them all."
	}
	return "No leads stored yet."
}

// view is the list, saying why it is empty when it is.
func (l leadsModel) view() string {
	ls := l.list
	ls.SetEmpty(l.emptyText())
	return ls.View()
}
