package apitest

import (
	"cmp"
	"iter"
	"slices"
	"sync"
	"time"

	"github.com/neotui/neotui/api"
)

// Serial numbers of the bots DemoBots returns.
const (
	DemoSerial   = "de3a0c5e2f7b4d1a9c8e6b5a4f3d2c1b" // the main demo bot, DemoSessions sessions over 120 days
	SecondSerial = "5ec0d2b07a1f4c3e9d8b6a5f4e3d2c1b" // a smaller one, ~120 sessions over 45 days
	// The serials of the docs' own examples (neoagent-api.md).
	DocsLeadsSerial   = "3254a9d0424c4806b9ea3d0763ccfxxx"
	DocsHistorySerial = "36XXGxiYDigrQgg5xz4n45bcBW7qeYyW35"
)

// Bot is one chatbot's data: generated sessions (see Generate) plus any added
// with AddSession and AddLead. It is safe for concurrent use.
type Bot struct {
	serial, name string
	gen          *generator // nil: nothing generated

	// anyDay bots serve every record whatever the dates asked, as the docs'
	// example does (it answers a 2025 range with 2023 data).
	anyDay bool

	mu       sync.RWMutex
	sessions []api.Session // added, ordered by CreateTime
	leads    []api.Lead    // added
}

// Serial returns the bot's serial number.
func (b *Bot) Serial() string { return b.serial }

// Name returns the bot's display name.
func (b *Bot) Name() string { return b.name }

// Len returns how many sessions were generated (not counting added ones);
// the hostile records are at Len()-HostileContact and so on.
func (b *Bot) Len() int {
	if b.gen == nil {
		return 0
	}
	return b.gen.n
}

// At returns generated session i, 0 ≤ i < Len(), and the lead it produced if any.
func (b *Bot) At(i int) (api.Session, api.Lead, bool) {
	l, ok := b.gen.lead(i)
	return b.gen.session(i), l, ok
}

// Days returns the first and last UTC day of the generated sessions and
// their leads; zero days when nothing is generated.
func (b *Bot) Days() (first, last api.Day) {
	if b.Len() == 0 {
		return 0, 0
	}
	return api.DayOf(b.gen.time(0)), api.DayOf(b.gen.time(b.gen.n - 1).Add(maxLeadDelay))
}

// AddSession adds a session, as when a new conversation arrives.
func (b *Bot) AddSession(s api.Session) {
	b.mu.Lock()
	defer b.mu.Unlock()
	i, _ := slices.BinarySearchFunc(b.sessions, s.CreateTime, func(s api.Session, t time.Time) int {
		if s.CreateTime.After(t) {
			return 1
		}
		return -1 // after every equal one: added order is kept
	})
	b.sessions = slices.Insert(b.sessions, i, s)
}

// AddLead adds a lead or appointment, as when a visitor leaves contact details.
func (b *Bot) AddLead(l api.Lead) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.leads = append(b.leads, l)
}

// Sessions returns what ChatContentHistory serves for these UTC days
// (inclusive; a zero Day is open), ignoring Options.Now: oldest first.
func (b *Bot) Sessions(from, to api.Day) []api.Session {
	return slices.Collect(b.SessionSeq(from, to))
}

// SessionSeq is Sessions one at a time, without holding them all: the way to
// produce a big history body (see WriteHistory).
func (b *Bot) SessionSeq(from, to api.Day) iter.Seq[api.Session] {
	return b.sessionsIn(dayWindow(from, to))
}

// Leads returns what LeadList serves for these UTC days (inclusive; a zero Day
// is open), ignoring Options.Now: newest first, as in the docs' example.
func (b *Bot) Leads(from, to api.Day) []api.Lead {
	return b.leadsIn(dayWindow(from, to))
}

// window is the instants [lo, hi); a zero bound is open.
type window struct{ lo, hi time.Time }

func dayWindow(from, to api.Day) window {
	var w window
	if !from.IsZero() {
		w.lo = from.Time()
	}
	if !to.IsZero() {
		w.hi = to.End()
	}
	return w
}

// until closes the window at t, inclusive.
func (w window) until(t time.Time) window {
	if end := t.Add(time.Nanosecond); w.hi.IsZero() || end.Before(w.hi) {
		w.hi = end
	}
	return w
}

func (w window) contains(t time.Time) bool {
	return (w.lo.IsZero() || !t.Before(w.lo)) && (w.hi.IsZero() || t.Before(w.hi))
}

func (b *Bot) sessionsIn(w window) iter.Seq[api.Session] {
	if b.anyDay {
		w = window{}
	}
	return func(yield func(api.Session) bool) {
		var added []api.Session
		b.mu.RLock()
		for _, s := range b.sessions {
			if w.contains(s.CreateTime) {
				added = append(added, s)
			}
		}
		b.mu.RUnlock()
		if b.gen != nil {
			from, to := b.gen.indices(w.lo, w.hi)
			for i := from; i < to; i++ {
				s := b.gen.session(i)
				for len(added) > 0 && added[0].CreateTime.Before(s.CreateTime) {
					if !yield(added[0]) {
						return
					}
					added = added[1:]
				}
				if !yield(s) {
					return
				}
			}
		}
		for _, s := range added {
			if !yield(s) {
				return
			}
		}
	}
}

// countSessions is how many sessions sessionsIn would yield, without building them.
func (b *Bot) countSessions(w window) int {
	if b.anyDay {
		w = window{}
	}
	n := 0
	if b.gen != nil {
		from, to := b.gen.indices(w.lo, w.hi)
		n = to - from
	}
	b.mu.RLock()
	defer b.mu.RUnlock()
	for _, s := range b.sessions {
		if w.contains(s.CreateTime) {
			n++
		}
	}
	return n
}

func (b *Bot) leadsIn(w window) []api.Lead {
	if b.anyDay {
		w = window{}
	}
	var leads []api.Lead
	if b.gen != nil {
		lo := w.lo
		if !lo.IsZero() {
			lo = lo.Add(-maxLeadDelay) // a session just before the window can lead inside it
		}
		from, to := b.gen.indices(lo, w.hi)
		for i := from; i < to; i++ {
			if l, ok := b.gen.lead(i); ok && w.contains(l.CreateTime) {
				leads = append(leads, l)
			}
		}
	}
	b.mu.RLock()
	for _, l := range b.leads {
		if w.contains(l.CreateTime) {
			leads = append(leads, l)
		}
	}
	b.mu.RUnlock()
	slices.SortStableFunc(leads, func(a, b api.Lead) int {
		return cmp.Or(b.CreateTime.Compare(a.CreateTime), cmp.Compare(b.SessionID, a.SessionID))
	})
	return leads
}

// DemoSessions is how many sessions the main demo bot has unless told.
const DemoSessions = 600

// DemoBots returns the bots of `neotui demo` and `neotui fake-api`, fresh
// each call: a main bot with DemoSessions sessions over the 120 days before
// now, a smaller second one, and the two docs bots (see DocsLeads and
// DocsHistory).
func DemoBots(now time.Time) []*Bot { return DemoBotsOf(now, DemoSessions) }

// DemoBotsOf is DemoBots with sessions sessions in the main bot, five a
// day as DemoBots has them, over 120 days at least and a year at most:
// `neotui demo --sessions 100000` is a year of a big bot.
func DemoBotsOf(now time.Time, sessions int) []*Bot {
	days := min(max(sessions/5, 120), 365)
	return []*Bot{
		Generate(Spec{Serial: DemoSerial, Name: "Example Shop", Sessions: sessions, Days: days, End: now, Seed: 1, FirstID: 40001}),
		Generate(Spec{Serial: SecondSerial, Name: "Example Shop (Italia)", Sessions: 120, Days: 45, End: now, Seed: 2, FirstID: 90001}),
		DocsLeadsBot(),
		DocsHistoryBot(),
	}
}

// DocsLeadsBot serves exactly the docs' LeadList example, whatever the dates,
// and no history.
func DocsLeadsBot() *Bot {
	return &Bot{serial: DocsLeadsSerial, name: "Docs example (leads)", anyDay: true, leads: DocsLeads()}
}

// DocsHistoryBot serves exactly the docs' ChatContentHistory example,
// whatever the dates, and no leads.
func DocsHistoryBot() *Bot {
	return &Bot{serial: DocsHistorySerial, name: "Docs example (history)", anyDay: true, sessions: DocsHistory()}
}

// DocsLeads returns the two leads of the docs' LeadList example.
func DocsLeads() []api.Lead {
	return []api.Lead{
		{Type: api.TypeLead, Name: "test", Email: "test@qq.com", PhoneNumber: "",
			CreateTime: docsTime("2023-11-23T18:36:21.512302-08:00"), Content: "test",
			SessionID: 31305, URI: "www.xxx.com", Count: 2},
		{Type: api.TypeAppointment, Name: "test444", Email: "test444@qq.com", PhoneNumber: "",
			CreateTime: docsTime("2023-11-21T19:13:44.054019-08:00"), Content: "Please share anything",
			SessionID: 31313, URI: "www.xxx.com", Count: 2},
	}
}

// DocsHistory returns the one session of the docs' ChatContentHistory example.
func DocsHistory() []api.Session {
	return []api.Session{{
		SessionID: 31302, CreateTime: docsTime("2023-11-21T16:22:42.264484Z"), URI: "xxx",
		Messages: []api.Message{
			{Type: api.RoleAI, Content: "Ciao! Come posso aiutarti?"},
			{Type: api.RoleUser, Content: "voglio prenotare un appuntamento"},
			{Type: api.RoleAI, Content: "Perfetto! Seleziona la data e l'orario che preferisci..."},
		},
	}}
}

func docsTime(s string) time.Time {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		panic(err)
	}
	return t
}

// messageCount is how many messages the bot's history holds at now.
func (b *Bot) messageCount(now time.Time) int {
	n := 0
	for s := range b.sessionsIn(window{}.until(now)) {
		n += len(s.Messages)
	}
	return n
}
