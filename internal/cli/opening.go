package cli

import (
	"fmt"
	"io"
	"strings"
	"sync"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/neotui/neotui/tui"
)

// openFunc opens what the browser shows: its bots' sessions, the first shown
// first, and what closes them once it ends. note tells what an upgrade of
// the store is doing.
type openFunc func(note func(string)) (sessions []*session, closer func() error, err error)

// browserStart is what the browser's start shares with runBrowser: the
// store's opening, run beside the program, sends its notes and then its
// result on events. Who closes what it opened is decided under mu: end,
// once the program is over, or the opening itself when it finishes after
// that (the user quit while it waited).
type browserStart struct {
	events     chan tea.Msg  // storeNoteMsg…, then one storeOpenedMsg
	done       chan struct{} // closed when the program has ended
	finished   chan struct{} // closed when the opening has returned
	newBrowser func([]*session) tui.Model
	settle     func() // once the browser is made: its GOGC (browserGC)
	stderr     io.Writer

	mu        sync.Mutex
	ended     bool         // end has run
	upgrading bool         // the store said it is upgrading
	browser   *tui.Model   // made of what opened
	closer    func() error // closes what opened; end's to call
	err       error        // why the opening failed
}

func newBrowserStart(stderr io.Writer) *browserStart {
	return &browserStart{events: make(chan tea.Msg), done: make(chan struct{}), finished: make(chan struct{}), stderr: stderr}
}

// start runs open beside the program.
func (b *browserStart) start(open openFunc) {
	go func() {
		defer close(b.finished)
		note := func(s string) {
			b.mu.Lock()
			b.upgrading = true
			b.mu.Unlock()
			b.send(storeNoteMsg(s))
		}
		sessions, closer, err := open(note)
		b.mu.Lock()
		if b.ended {
			b.mu.Unlock()
			if err == nil {
				closer()
			}
			return
		}
		if err == nil {
			b.closer = closer
		}
		b.mu.Unlock()
		b.send(storeOpenedMsg{sessions: sessions, err: err})
	}()
}

// send gives msg to the program, unless it has ended.
func (b *browserStart) send(msg tea.Msg) {
	select {
	case b.events <- msg:
	case <-b.done:
	}
}

// end closes what the program left: the browser, then what the opening
// opened. An upgrade of the store under way is let finish first: quitting
// would undo it, and the next start would begin it again. It returns the
// error that ended the opening, if one did.
func (b *browserStart) end() error {
	b.mu.Lock()
	b.ended = true
	upgrading := b.upgrading
	b.mu.Unlock()
	close(b.done)
	if upgrading {
		select {
		case <-b.finished:
		default:
			fmt.Fprintln(b.stderr, "neotui: finishing the store's upgrade before quitting…")
			<-b.finished
		}
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.browser != nil {
		b.browser.Close() // cancels the browser's queries and syncs before the store closes
	}
	if b.closer != nil {
		b.closer()
	}
	return b.err
}

type (
	storeNoteMsg   string
	storeOpenedMsg struct {
		sessions []*session
		err      error
	}
	openingSlowMsg struct{}
	handOverMsg    struct{}
)

// openingSlow is how long the opening shows nothing before it says what it
// waits for: a store on a server that does not answer can take its whole
// connect timeout.
const openingSlow = 500 * time.Millisecond

// handOverAfter is how long the opening waits, once it has taken its slow
// line off, for that frame to be drawn (two of the program's frames) before
// the browser takes the screen: drawn later, the line would stay in the
// terminal once the browser ends.
const handOverAfter = 2 * time.Second / frameRate

// quitKey leaves while the store opens.
var quitKey = key.NewBinding(key.WithKeys("ctrl+c"))

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
	made    *tui.Model // the browser, once made, if it waits for handOverMsg
	pending []tea.Msg
}

func (o opening) Init() tea.Cmd {
	return tea.Batch(o.wait(), tea.Tick(openingSlow, func(time.Time) tea.Msg { return openingSlowMsg{} }))
}

// wait reads the opening's next event; nothing once the program has ended.
func (o opening) wait() tea.Cmd {
	return func() tea.Msg {
		select {
		case msg := <-o.b.events:
			return msg
		case <-o.b.done:
			return nil
		}
	}
}

func (o opening) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case storeNoteMsg:
		o.notes = append(o.notes, "neotui: "+string(msg))
		return o, o.wait()
	case storeOpenedMsg:
		return o.opened(msg)
	case handOverMsg:
		return o.handOver()
	case openingSlowMsg:
		o.slow = o.made == nil
		return o, nil
	case tea.KeyPressMsg:
		if key.Matches(msg, quitKey) {
			return o, tea.Quit
		}
	}
	o.pending = append(o.pending, msg)
	return o, nil
}

// opened makes the browser of what opened; a failure ends the program, with
// its error for runBrowser. The browser takes over at once, unless the slow
// line is on screen: then once it is gone.
func (o opening) opened(msg storeOpenedMsg) (tea.Model, tea.Cmd) {
	o.b.mu.Lock()
	defer o.b.mu.Unlock()
	if msg.err != nil {
		o.b.err = msg.err
		return o, tea.Quit
	}
	m := o.b.newBrowser(msg.sessions)
	o.b.browser, o.made = &m, &m
	if o.b.settle != nil {
		o.b.settle()
	}
	if o.slow {
		o.slow = false
		return o, tea.Tick(handOverAfter, func(time.Time) tea.Msg { return handOverMsg{} })
	}
	return o.handOver()
}

// handOver gives the browser what the terminal sent meanwhile, and the
// program.
func (o opening) handOver() (tea.Model, tea.Cmd) {
	var browser tea.Model = *o.made
	cmds := []tea.Cmd{o.made.Init()}
	for _, p := range o.pending {
		var cmd tea.Cmd
		browser, cmd = browser.Update(p)
		cmds = append(cmds, cmd)
	}
	return browser, tea.Batch(cmds...)
}

func (o opening) View() tea.View {
	lines := o.notes
	if o.slow && !o.upgrading() {
		lines = append(lines[:len(lines):len(lines)], "neotui: opening the store… (ctrl+c to quit)")
	}
	return tea.NewView(strings.Join(lines, "\n"))
}

// upgrading is whether the store has said it is upgrading: its notes say
// what it does, and quitting waits for it.
func (o opening) upgrading() bool { return len(o.notes) > 0 }
