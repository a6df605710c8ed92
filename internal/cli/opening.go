package cli

import (
	"fmt"
	"io"
	"runtime/debug"
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
// result on events: the browser made over the store, with the first page
// it shows already read. Who closes what it opened is decided under mu:
// end, once the program is over, or the opening itself when it finishes
// after that (the user quit while it waited).
type browserStart struct {
	events     chan tea.Msg  // storeNoteMsg…, then one storeOpenedMsg
	done       chan struct{} // closed when the program has ended
	finished   chan struct{} // closed when the opening has returned
	newBrowser func([]*session) tui.Model
	settle     func() // once the first page is in: the browser's GOGC (browserGC)
	stderr     io.Writer

	mu        sync.Mutex
	ended     bool         // end has run
	upgrading bool         // the store said it is upgrading
	browser   *tui.Model   // made over what opened
	closer    func() error // closes what opened; end's to call
	err       error        // why the opening failed
}

func newBrowserStart(stderr io.Writer) *browserStart {
	return &browserStart{events: make(chan tea.Msg), done: make(chan struct{}), finished: make(chan struct{}), stderr: stderr}
}

// start runs open beside the program, then makes the browser over what
// opened and reads its first page: they run while Bubble Tea sets up the
// terminal, not in Update, and the browser draws its first frame as soon
// as it takes over.
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
		if err != nil {
			b.hand(storeOpenedMsg{err: err}, nil)
			return
		}
		b.hand(b.made(sessions, closer))
	}()
}

// made is the browser over sessions with its first page read, or why it
// could not be; what opened is closed then. A panic is that error: Bubble
// Tea recovers those of Update and of commands, restoring the terminal,
// not those of this goroutine.
func (b *browserStart) made(sessions []*session, closer func() error) (opened storeOpenedMsg, closes func() error) {
	if b.hasEnded() {
		return storeOpenedMsg{}, closer // the user quit meanwhile: nothing to make
	}
	defer func() {
		if r := recover(); r != nil {
			if opened.browser != nil {
				opened.browser.Close()
			}
			closer()
			opened, closes = storeOpenedMsg{err: fmt.Errorf("the browser failed to start: %v\n%s", r, debug.Stack())}, nil
		}
	}()
	m := b.newBrowser(sessions)
	opened.browser = &m
	opened.first = m.FirstPage()
	return opened, closer
}

// hand gives the program what opened, and end what closes it; once the
// program has ended, the opening closes it itself.
func (b *browserStart) hand(opened storeOpenedMsg, closer func() error) {
	b.mu.Lock()
	if b.ended {
		b.mu.Unlock()
		if opened.browser != nil {
			opened.browser.Close()
		}
		if closer != nil {
			closer()
		}
		return
	}
	if opened.err == nil {
		b.browser, b.closer = opened.browser, closer
	}
	if b.settle != nil {
		b.settle()
	}
	b.mu.Unlock()
	b.send(opened)
}

// hasEnded is whether end has run.
func (b *browserStart) hasEnded() bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.ended
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
		browser *tui.Model // made over the store
		first   tea.Msg    // its FirstPage
		err     error
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
	first   tea.Msg    // its FirstPage
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

// opened takes the browser made over what opened; a failure ends the
// program, with its error for runBrowser. The browser takes over at once,
// unless the slow line is on screen: then once it is gone.
func (o opening) opened(msg storeOpenedMsg) (tea.Model, tea.Cmd) {
	if msg.err != nil {
		o.b.mu.Lock()
		o.b.err = msg.err
		o.b.mu.Unlock()
		return o, tea.Quit
	}
	o.made, o.first = msg.browser, msg.first
	if o.slow {
		o.slow = false
		return o, tea.Tick(handOverAfter, func(time.Time) tea.Msg { return handOverMsg{} })
	}
	return o.handOver()
}

// handOver gives the browser what the terminal sent meanwhile and its
// first page, then the program: its Init comes last, so that it does not
// read that page again.
func (o opening) handOver() (tea.Model, tea.Cmd) {
	var browser tea.Model = *o.made
	var cmds []tea.Cmd
	for _, msg := range append(o.pending[:len(o.pending):len(o.pending)], o.first) {
		var cmd tea.Cmd
		browser, cmd = browser.Update(msg)
		cmds = append(cmds, cmd)
	}
	return browser, tea.Batch(append(cmds, browser.Init())...)
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
