package cli

import (
	"strings"
	"sync"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/neotui/neotui/tui"
)

// openFunc opens what the browser shows: its bots' sessions, the first shown
// first, and what closes them once it ends. note tells what an upgrade of
// the store is doing.
type openFunc func(note func(string)) (sessions []*session, close func() error, err error)

// browserStart is what the browser's start shares with runBrowser: the
// store's opening, run beside the program, sends its notes and then its
// result on events; the browser made of it, and the sessions' closer, are
// left here for runBrowser to close once the program ends.
type browserStart struct {
	events chan tea.Msg  // storeNoteMsg…, then one storeOpenedMsg
	done   chan struct{} // closed when the program has ended
	make   func([]*session) tui.Model

	mu      sync.Mutex
	browser *tui.Model
	close   func() error
	err     error
}

// start runs open beside the program. What it opens after the program
// ended (the user quit while waiting) it closes itself.
func (b *browserStart) start(open openFunc) {
	go func() {
		note := func(s string) {
			select {
			case b.events <- storeNoteMsg(s):
			case <-b.done:
			}
		}
		sessions, closeFn, err := open(note)
		select {
		case b.events <- storeOpenedMsg{sessions, closeFn, err}:
		case <-b.done:
			if err == nil {
				closeFn()
			}
		}
	}()
}

// end closes what the program left: the browser, then its sessions. It
// returns the error that ended the opening, if one did.
func (b *browserStart) end() error {
	close(b.done)
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.browser != nil {
		b.browser.Close() // cancels the browser's queries and syncs before the store closes
	}
	if b.close != nil {
		b.close()
	}
	return b.err
}

type (
	storeNoteMsg   string
	storeOpenedMsg struct {
		sessions []*session
		close    func() error
		err      error
	}
	openingSlowMsg struct{}
)

// openingSlow is how long the opening shows nothing before it says what it
// waits for: a store on a server that does not answer can take its whole
// connect timeout.
const openingSlow = 500 * time.Millisecond

// opening is the browser while its store opens. The store opens while
// Bubble Tea sets up the terminal rather than before: on PostgreSQL the
// connection alone takes 20 ms, as long as the rest of the start, and the
// first frame waits for both. It draws in the terminal's own screen, not
// the browser's alternate one, so that a store that fails to open leaves
// nothing behind but its error: an upgrade's notes, and once slow, what it
// waits for. What the terminal sends meanwhile (its size, colours, keys)
// it keeps for the browser, which gets it in order once made.
type opening struct {
	b       *browserStart
	notes   []string
	slow    bool
	pending []tea.Msg
}

func (o opening) Init() tea.Cmd {
	return tea.Batch(o.wait(), tea.Tick(openingSlow, func(time.Time) tea.Msg { return openingSlowMsg{} }))
}

// wait reads the opening's next event.
func (o opening) wait() tea.Cmd {
	return func() tea.Msg { return <-o.b.events }
}

func (o opening) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case storeNoteMsg:
		o.notes = append(o.notes, "neotui: "+string(msg))
		return o, o.wait()
	case storeOpenedMsg:
		return o.opened(msg)
	case openingSlowMsg:
		o.slow = true
		return o, nil
	case tea.KeyPressMsg:
		if msg.String() == "ctrl+c" {
			return o, tea.Quit
		}
	}
	o.pending = append(o.pending, msg)
	return o, nil
}

// opened makes the browser of what opened and hands it what the terminal
// sent meanwhile; a failure ends the program, with its error for runBrowser.
func (o opening) opened(msg storeOpenedMsg) (tea.Model, tea.Cmd) {
	o.b.mu.Lock()
	defer o.b.mu.Unlock()
	if msg.err != nil {
		o.b.err = msg.err
		return o, tea.Quit
	}
	m := o.b.make(msg.sessions)
	o.b.browser, o.b.close = &m, msg.close
	var browser tea.Model = m
	cmds := []tea.Cmd{m.Init()}
	for _, p := range o.pending {
		var cmd tea.Cmd
		browser, cmd = browser.Update(p)
		cmds = append(cmds, cmd)
	}
	return browser, tea.Batch(cmds...)
}

func (o opening) View() tea.View {
	lines := o.notes
	if o.slow {
		lines = append(lines[:len(lines):len(lines)], "neotui: opening the store… (ctrl+c to quit)")
	}
	return tea.NewView(strings.Join(lines, "\n"))
}
