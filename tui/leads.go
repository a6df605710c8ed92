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
	sort  *listSort    // the rows' order (o), shown in the header
	seq   int          // of the newest load asked for
	ready bool

	raw        leadSet       // as loaded; the rows are built from them
	unseenN    int           // of raw, never opened: the tab bar shows it in every frame
	learned    bool          // a complete load came: the next may bring news
	woken      store.LeadRef // the lead last woken in the snoozed view: the inbox shows it first
	newest     time.Time     // the newest lead ever loaded
	lastVisit  time.Time
	unseenOnly bool
	// viewSeq numbers the views the rows were built for, from 1: a load's
	// rows, built for an older view, are built again.
	viewSeq int
}

// leadColumns is what the rows' columns need to know of all the rows.
type leadColumns struct {
	nameWidth    int // the widest lead name, up to maxNameWidth
	contactWidth int // the widest contact, up to maxContactW
	rows         int // leads among the rows: what the view (all, unseen, snoozed) shows
}

func newLeads(sh *shared) leadsModel {
	cols, sort := &leadColumns{}, newLeadSort()
	ls := newList(sh, renderLead(sh, cols))
	ls.SetHeader(leadHeader(sh, cols, sort))
	return leadsModel{sh: sh, cols: cols, sort: sort, list: ls, viewSeq: 1}
}

// messages · commands

// reload reads the leads again (after a triage change, a sync).
func (l *leadsModel) reload() tea.Cmd {
	l.seq++
	return l.load(l.seq, 0)
}

// firstLoad reads the first page, for the first frame.
func (l *leadsModel) firstLoad() tea.Cmd { return l.load(l.seq, firstPage) }

// load reads limit leads (0: all) as load seq, their rows built in the
// command for the view as it is now.
func (l *leadsModel) load(seq, limit int) tea.Cmd {
	return loadLeads(l.sh, seq, limit, l.rowsView(), l.list.Rows())
}

// update

// loaded takes a load's leads; fresh counts the leads that arrived since
// the last complete load (see announceNew).
func (l *leadsModel) loaded(msg leadsLoadedMsg) (fresh int, cmd tea.Cmd) {
	l.raw, l.ready = msg.leads, true
	l.unseenN = 0
	for ld := range l.raw.all() {
		if ld.Triage().SeenAt.IsZero() {
			l.unseenN++
		}
	}
	if msg.view != 0 && msg.view == l.viewSeq { // rows were built with the leads, for this view
		*l.cols = msg.cols
		cmd = l.list.SetRows(msg.rows)
	} else {
		cmd = l.refresh()
	}
	cmds := []tea.Cmd{cmd}
	if !msg.snoozed && l.woken.Key != "" && l.list.Select(l.woken.Key) {
		l.woken = store.LeadRef{} // back in the inbox, on the lead just woken
	}
	if !msg.complete {
		l.list.SetMore(true)
		cmds = append(cmds, l.reload())
	} else if !msg.snoozed {
		fresh = l.announceNew(msg.leads)
	}
	return fresh, tea.Batch(cmds...)
}

// refresh rebuilds the rows from the leads loaded, here on the update loop:
// the mask, the unseen view or the last visit changed.
func (l *leadsModel) refresh() tea.Cmd {
	l.viewSeq++
	items, cols := leadRows(l.raw, l.rowsView())
	*l.cols = cols
	return l.list.SetItems(items)
}

// cycleSort shows the rows in the next order (o), the cursor on the row it
// was on.
func (l *leadsModel) cycleSort() tea.Cmd {
	l.sort.next()
	return l.refresh()
}

// forget empties the tab: another bot was chosen.
func (l *leadsModel) forget() {
	l.learned, l.newest, l.ready = false, time.Time{}, false
	l.viewSeq++
	l.list.SetItems(nil)
}

// leadView is what the leads' rows show besides the leads, as it was when
// a command that builds them was made (commands never read the model).
type leadView struct {
	seq                         int    // the model's viewSeq
	sort                        string // the rows' order (listSort)
	unseenOnly, masked, allBots bool
	lastVisit, now              time.Time
	loc                         *time.Location
	names                       map[string]string // each bot's name
}

func (l *leadsModel) rowsView() leadView {
	v := leadView{seq: l.viewSeq, sort: l.sort.order(), unseenOnly: l.unseenOnly, masked: l.sh.masked, allBots: l.sh.allBots,
		lastVisit: l.lastVisit, now: l.sh.now(), loc: l.sh.loc(), names: map[string]string{}}
	for _, b := range l.sh.Bots {
		v.names[b.Serial] = b.Name
	}
	return v
}

// leadRows are the rows of leads in view v: unseen only when asked, masked
// when asked, in its order, with the separator where the last visit falls
// (newest first only); and what their
// columns need to know of them all. The rows share one allocation, and the
// rows of one URI its parts.
func leadRows(leads leadSet, v leadView) ([]list.Item, leadColumns) {
	var cols leadColumns
	uris := map[string]*uriParts{}
	rows := make([]leadItem, 0, leads.len())
	items := make([]list.Item, 0, leads.len()+1)
	sorted := v.sort != "" && v.sort != sortNewest
	sepDone := v.lastVisit.IsZero() || sorted // the separator divides the newest-first order only
	newer := 0
	for ld := range leads.all() {
		if v.unseenOnly && !ld.Triage().SeenAt.IsZero() {
			continue
		}
		if !sepDone && !ld.CreateTime.After(v.lastVisit) {
			if newer > 0 {
				items = append(items, sepItem{since: "(last visit " + clock(v.lastVisit, v.now, v.loc) + ")"})
			}
			sepDone = true
		}
		if ld.CreateTime.After(v.lastVisit) {
			newer++
		}
		rows = append(rows, newLeadItem(ld, uriOf(uris, ld.URI), v.masked))
		it := &rows[len(rows)-1]
		// A name's width is at most its bytes: most are measured for free.
		if n := len(it.name); n > cols.nameWidth && cols.nameWidth < maxNameWidth {
			cols.nameWidth = min(max(cols.nameWidth, ansi.StringWidth(it.name)), maxNameWidth)
		}
		if n := len(it.contact); n > cols.contactWidth && cols.contactWidth < maxContactW {
			cols.contactWidth = min(max(cols.contactWidth, ansi.StringWidth(it.contact)), maxContactW)
		}
		if v.allBots {
			it.bot = firstNonEmpty(v.names[ld.Bot], ld.Bot)
		}
		items = append(items, it)
	}
	cols.rows = len(rows)
	if sorted {
		sortLeads(items, v.sort)
	}
	return items, cols
}

// announceNew counts the leads of a complete load newer than any loaded
// before: they arrived (a sync, another process). Such a lead cannot have
// been loaded before, so no set of the leads loaded is kept. A snoozed lead
// coming back, or older history loading, is not news. The first load only
// learns.
func (l *leadsModel) announceNew(leads leadSet) int {
	fresh := 0
	newest := l.newest
	for ld := range leads.all() {
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
	for ld := range l.raw.all() {
		if ld.Bot == bot && ld.Key == key {
			return *ld, true
		}
	}
	return store.Lead{}, false
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
	case l.unseenOnly && l.raw.len() > 0:
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
