package tui

import "charm.land/bubbles/v2/key"

// KeyMap is every key of the browser but the list's and transcript's own
// movement keys, which their packages define. It implements help.KeyMap.
type KeyMap struct {
	NextTab, PrevTab              key.Binding
	LeadsTab, SessionsTab, Search key.Binding
	StatsTab                      key.Binding
	Open, Back                    key.Binding
	Filter                        key.Binding
	Refresh                       key.Binding
	NextMatch, PrevMatch          key.Binding
	Help, Quit                    key.Binding
	Interrupt                     key.Binding // ctrl+c: quits from anywhere, a dialog or a text box too

	// Triage, on a lead.
	Status, Star, Snooze, Notes, Copy   key.Binding
	UnseenOnly, MarkUnseen, SnoozedOnly key.Binding
	Export, SwitchBot, Mask, Undo       key.Binding

	// Jumps: to a day (Leads, Conversations); to the last visit (Leads).
	Jump, LastVisit key.Binding

	// Sort: the order of the current list (Leads, Conversations).
	Sort key.Binding

	// For the full help only: the movement keys of the lists and the
	// transcript, so that every key is listed in one place.
	Move, Page, HalfPage, Ends, Scroll key.Binding

	// exportOff (Options.NoExport): e only says that export is off, so the
	// help leaves it out.
	exportOff bool
}

// DefaultKeyMap is the key map of design.md.
func DefaultKeyMap() KeyMap {
	return KeyMap{
		NextTab:     key.NewBinding(key.WithKeys("tab"), key.WithHelp("tab", "next tab")),
		PrevTab:     key.NewBinding(key.WithKeys("shift+tab"), key.WithHelp("shift+tab", "previous tab")),
		LeadsTab:    key.NewBinding(key.WithKeys("1"), key.WithHelp("1", "leads")),
		SessionsTab: key.NewBinding(key.WithKeys("2"), key.WithHelp("2", "conversations")),
		Search:      key.NewBinding(key.WithKeys("3"), key.WithHelp("3", "search")),
		StatsTab:    key.NewBinding(key.WithKeys("4"), key.WithHelp("4", "stats")),
		Open:        key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "open")),
		Back:        key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "back / clear")),
		Filter:      key.NewBinding(key.WithKeys("/"), key.WithHelp("/", "filter")),
		Refresh:     key.NewBinding(key.WithKeys("r"), key.WithHelp("r", "refresh")),
		NextMatch:   key.NewBinding(key.WithKeys("n"), key.WithHelp("n/N", "next/prev. hit (Search)")),
		PrevMatch:   key.NewBinding(key.WithKeys("N"), key.WithHelp("N", "previous match")),
		Help:        key.NewBinding(key.WithKeys("?"), key.WithHelp("?", "help")),
		Status:      key.NewBinding(key.WithKeys("s"), key.WithHelp("s", "set status")),
		Star:        key.NewBinding(key.WithKeys("*"), key.WithHelp("*", "star / unstar")),
		Snooze:      key.NewBinding(key.WithKeys("z"), key.WithHelp("z", "snooze")),
		Notes:       key.NewBinding(key.WithKeys("n"), key.WithHelp("n", "notes")),
		Copy:        key.NewBinding(key.WithKeys("y"), key.WithHelp("y", "copy…")),
		UnseenOnly:  key.NewBinding(key.WithKeys("u"), key.WithHelp("u", "unseen only")),
		MarkUnseen:  key.NewBinding(key.WithKeys("U"), key.WithHelp("U", "mark unseen")),
		SnoozedOnly: key.NewBinding(key.WithKeys("Z"), key.WithHelp("Z", "snoozed leads")),
		Export:      key.NewBinding(key.WithKeys("e"), key.WithHelp("e", "export view")),
		SwitchBot:   key.NewBinding(key.WithKeys("b"), key.WithHelp("b", "switch bot")),
		Mask:        key.NewBinding(key.WithKeys("ctrl+p"), key.WithHelp("ctrl+p", "hide emails/phones")),
		Undo:        key.NewBinding(key.WithKeys("ctrl+z"), key.WithHelp("ctrl+z", "undo")),
		Jump:        key.NewBinding(key.WithKeys("ctrl+g", ":"), key.WithHelp("ctrl+g/:", "jump to a day")),
		LastVisit:   key.NewBinding(key.WithKeys("v"), key.WithHelp("v", "to last visit")),
		Sort:        key.NewBinding(key.WithKeys("o"), key.WithHelp("o", "sort: next order")),
		Quit:        key.NewBinding(key.WithKeys("q", "ctrl+c"), key.WithHelp("q/ctrl+c", "quit")),
		Interrupt:   key.NewBinding(key.WithKeys("ctrl+c")),
		Move:        key.NewBinding(key.WithKeys("up", "down", "j", "k"), key.WithHelp("↑↓/jk", "move")),
		Page:        key.NewBinding(key.WithKeys("pgup", "pgdown", "ctrl+b", "ctrl+f"), key.WithHelp("pgup/pgdn", "page")),
		HalfPage:    key.NewBinding(key.WithKeys("ctrl+u", "ctrl+d"), key.WithHelp("ctrl+u/d", "half page (transcript)")),
		Scroll:      key.NewBinding(key.WithKeys("up", "down"), key.WithHelp("↑↓/jk", "scroll")),
		Ends:        key.NewBinding(key.WithKeys("g", "G", "home", "end"), key.WithHelp("g/G", "top/bottom")),
	}
}

// ShortHelp is the footer.
func (k KeyMap) ShortHelp() []key.Binding {
	return []key.Binding{k.Move, k.Open, k.Filter, k.Status, k.Notes, k.Copy, k.Help, k.Quit}
}

// FullHelp is the ? screen: every key.
func (k KeyMap) FullHelp() [][]key.Binding {
	export := k.Export
	export.SetEnabled(!k.exportOff)
	return [][]key.Binding{
		{k.Move, k.Page, k.HalfPage, k.Ends, k.Open, k.Back},
		{k.Filter, k.NextMatch, k.Refresh, k.Jump, k.LastVisit, k.Sort},
		{k.Status, k.Star, k.Snooze, k.SnoozedOnly, k.Notes, k.Copy, k.UnseenOnly, k.MarkUnseen},
		{export, k.SwitchBot, k.Mask, k.Undo},
		{k.NextTab, k.PrevTab, k.LeadsTab, k.SessionsTab, k.Search, k.StatsTab},
		{k.Help, k.Quit},
	}
}
