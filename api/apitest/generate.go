package apitest

import (
	"fmt"
	"math/bits"
	"sort"
	"strings"
	"time"

	"github.com/neotui/neotui/api"
)

// Spec describes a synthetic bot. The same Spec always yields the same data.
type Spec struct {
	Serial, Name string
	Sessions     int       // how many conversations
	Days         int       // spread over this many days before End; default 30
	End          time.Time // default 2025-03-07 (the docs' example EndTime), not now, to stay deterministic
	Seed         int64
	FirstID      int64 // SessionID of session 0; default derived from Seed so bots rarely share IDs
}

// Generate returns a bot whose sessions are computed on demand from (Seed, i):
// nothing is held in memory, so a bot of a million sessions costs nothing
// until it is asked for a range.
func Generate(spec Spec) *Bot {
	if spec.Name == "" {
		spec.Name = spec.Serial
	}
	return &Bot{serial: spec.Serial, name: spec.Name, gen: newGenerator(spec)}
}

// The API writes leads' CreateTime in Pacific standard time.
var pacific = time.FixedZone("", -8*3600)

// maxLeadDelay bounds how long after its session a lead is created.
const maxLeadDelay = 16 * time.Minute

const (
	usPerHour = int64(time.Hour / time.Microsecond)
	usPerDay  = 24 * usPerHour
)

// hourWeights is how busy each UTC hour is: European daytime and the
// American afternoon, quiet nights. Sessions are spaced by this density, so
// times look lived-in yet stay monotonic in the session index.
var hourWeights = [24]int64{4, 3, 3, 2, 2, 2, 3, 5, 7, 9, 10, 10, 9, 10, 10, 11, 11, 10, 9, 8, 7, 6, 5, 5}

var hourCum, dayWeight = func() (cum [25]int64, total int64) {
	for h, w := range hourWeights {
		cum[h+1] = cum[h] + w
	}
	return cum, cum[24]
}()

type generator struct {
	n       int
	seed    int64
	firstID int64
	baseDay int64 // the UTC day (days since 1970) weights are counted from
	wStart  int64 // weight of the span's start
	wSpan   int64 // weight of the whole span
}

func newGenerator(spec Spec) *generator {
	if spec.Days <= 0 {
		spec.Days = 30
	}
	if spec.End.IsZero() {
		spec.End = time.Date(2025, 3, 7, 0, 0, 0, 0, time.UTC)
	}
	if spec.FirstID == 0 {
		spec.FirstID = 10000 + int64(uint64(spec.Seed)%1000)*1_000_000
	}
	end := spec.End.UnixMicro()
	start := end - int64(spec.Days)*usPerDay
	g := &generator{n: max(spec.Sessions, 0), seed: spec.Seed, firstID: spec.FirstID, baseDay: start / usPerDay}
	g.wStart = g.weightAt(start)
	g.wSpan = g.weightAt(end) - g.wStart
	return g
}

// weightAt is the cumulative busyness from baseDay to the instant us; integer
// arithmetic keeps it exact and monotonic on every platform.
func (g *generator) weightAt(us int64) int64 {
	day, rem := us/usPerDay-g.baseDay, us%usPerDay
	h := rem / usPerHour
	return day*dayWeight*usPerHour + hourCum[h]*usPerHour + hourWeights[h]*(rem-h*usPerHour)
}

// instantAt inverts weightAt.
func (g *generator) instantAt(w int64) int64 {
	day, rem := w/(dayWeight*usPerHour), w%(dayWeight*usPerHour)
	h := int64(sort.Search(24, func(h int) bool { return hourCum[h+1]*usPerHour > rem }))
	return (g.baseDay+day)*usPerDay + h*usPerHour + (rem-hourCum[h]*usPerHour)/hourWeights[h]
}

// timeUS is when session i starts, in µs since 1970: session i sits at a
// random point of the i-th of n equal shares of the span's weight, so times
// never decrease with i and a day is found by binary search.
func (g *generator) timeUS(i int) int64 {
	r := newRNG(g.seed, i, streamTime)
	pos := uint64(i)<<20 | r.next()>>44 // i + a 20-bit fraction
	hi, lo := bits.Mul64(uint64(g.wSpan), pos)
	off, _ := bits.Div64(hi, lo, uint64(g.n)<<20)
	return g.instantAt(g.wStart + int64(off))
}

func (g *generator) time(i int) time.Time { return time.UnixMicro(g.timeUS(i)).UTC() }

// search returns the first session starting at or after t.
func (g *generator) search(t time.Time) int {
	us := t.UnixMicro()
	if time.UnixMicro(us).Before(t) {
		us++ // t has nanoseconds: the first whole µs at or after it
	}
	return sort.Search(g.n, func(i int) bool { return g.timeUS(i) >= us })
}

// indices returns the sessions starting in [lo, hi); zero bounds are open.
func (g *generator) indices(lo, hi time.Time) (int, int) {
	from, to := 0, g.n
	if !lo.IsZero() {
		from = g.search(lo)
	}
	if !hi.IsZero() {
		to = g.search(hi)
	}
	return from, max(from, to)
}

// visitor is what decides a session and its lead: cheap to compute, so a
// LeadList over a huge bot never builds a message.
type visitor struct {
	book         *phrasebook
	topic        int
	request      string
	name         string
	email, phone string
	hasLead      bool
	delay        time.Duration // from session start to lead
	count        int64
	uri          string
}

func (g *generator) visitor(i int) visitor {
	r := newRNG(g.seed, i, streamVisitor)
	v := visitor{book: pickBook(&r), topic: r.intn(numTopics)}
	b := v.book
	v.request = pick(&r, b.topics[v.topic].requests)
	first, last := pick(&r, b.first), pick(&r, b.last)
	if b.familyFirst {
		v.name = last.shown + first.shown
	} else {
		v.name = first.shown + " " + last.shown
	}
	switch r.intn(3) {
	case 0:
		v.email = first.ascii + "." + last.ascii
	case 1:
		v.email = first.ascii + last.ascii + fmt.Sprint(r.intn(100))
	default:
		v.email = first.ascii[:1] + "." + last.ascii
	}
	v.email += "@" + pick(&r, b.mailDomains)
	v.phone = digits(&r, b.phone)
	switch r.intn(5) { // some visitors leave only one of the two
	case 0:
		v.email = ""
	case 1:
		v.phone = ""
	}
	v.hasLead = r.intn(4) == 0
	v.delay = 2*time.Minute + time.Duration(r.intn(13*60*1e6))*time.Microsecond
	v.count = 1 + int64(r.intn(4))
	v.uri = site + "/"
	if b.lang != "" {
		v.uri += b.lang + "/"
	}
	if r.intn(5) > 0 { // most chats start on the topic's page
		v.uri += topicPaths[v.topic]
	}
	if r.intn(6) == 0 {
		v.uri += "?utm_source=google&utm_medium=cpc"
	}
	if k := g.hostile(i); k != 0 {
		v.hasLead = k == HostileContact || k == HostileEscapes || k == HostileEmpty
	}
	return v
}

func (v *visitor) contact() string {
	switch {
	case v.email == "":
		return v.phone
	case v.phone == "":
		return v.email
	}
	return v.email + ", " + v.phone
}

func (g *generator) session(i int) api.Session {
	v := g.visitor(i)
	s := api.Session{SessionID: g.firstID + int64(i), CreateTime: g.time(i), URI: v.uri}
	if k := g.hostile(i); k != 0 {
		s.Messages = hostileMessages(k, &v)
		return s
	}
	r := newRNG(g.seed, i, streamTalk)
	s.Messages = conversation(&v, &r)
	return s
}

// lead returns the lead or appointment session i produced, if any.
func (g *generator) lead(i int) (api.Lead, bool) {
	v := g.visitor(i)
	if !v.hasLead {
		return api.Lead{}, false
	}
	l := api.Lead{
		Type:        api.TypeLead,
		Name:        v.name,
		Email:       v.email,
		PhoneNumber: v.phone,
		CreateTime:  g.time(i).Add(v.delay).In(pacific),
		Content:     v.request,
		SessionID:   g.firstID + int64(i),
		URI:         v.uri,
		Count:       v.count,
	}
	if v.topic == topicBooking {
		l.Type = api.TypeAppointment
	}
	if k := g.hostile(i); k != 0 {
		hostileLead(k, &l)
	}
	return l, true
}

// conversation builds a coherent dialogue of 2–20 messages: greeting, request,
// answer, the contact exchange when the visitor became a lead, follow-ups,
// thanks and goodbye. Short ones are cut where the visitor left.
func conversation(v *visitor, r *rng) []api.Message {
	b, t := v.book, &v.book.topics[v.topic]
	m := 2 + r.intn(10) + r.intn(10)
	msgs := make([]api.Message, 0, max(m, 6))
	msgs = append(msgs, ai(pick(r, b.greet)), user(v.request), ai(t.answer))
	if v.hasLead {
		msgs = append(msgs,
			ai(b.ask),
			user(fmt.Sprintf(pick(r, b.give), v.name, v.contact())),
			ai(fmt.Sprintf(b.confirm, v.name)))
	}
	if m <= len(msgs) {
		return msgs[:m]
	}
	rem := m - len(msgs)
	// Follow-ups: the topic's own in their order, then general ones; a long
	// chat goes round again.
	pair := func(k int) [2]string {
		if k %= len(t.more) + len(b.general); k < len(t.more) {
			return t.more[k]
		}
		return b.general[k-len(t.more)]
	}
	for k := range (rem - 1) / 2 {
		p := pair(k)
		msgs = append(msgs, user(p[0]), ai(p[1]))
	}
	msgs = append(msgs, user(pick(r, b.thanks)))
	if rem%2 == 0 {
		msgs = append(msgs, ai(pick(r, b.bye)))
	}
	return msgs
}

func ai(s string) api.Message   { return api.Message{Type: api.RoleAI, Content: s} }
func user(s string) api.Message { return api.Message{Type: api.RoleUser, Content: s} }

// digits replaces every '#' of pattern by a random digit.
func digits(r *rng, pattern string) string {
	var sb strings.Builder
	for _, c := range pattern {
		if c == '#' {
			c = rune('0' + r.intn(10))
		}
		sb.WriteRune(c)
	}
	return sb.String()
}

func pickBook(r *rng) *phrasebook {
	total := 0
	for _, b := range books {
		total += b.weight
	}
	n := r.intn(total)
	for _, b := range books {
		if n < b.weight {
			return b
		}
		n -= b.weight
	}
	return books[0]
}

func pick[T any](r *rng, xs []T) T { return xs[r.intn(len(xs))] }

// Independent random streams per session, so that adding a message to a
// template never moves a session in time or changes who became a lead.
const (
	streamTime = iota + 1
	streamVisitor
	streamTalk
)

// rng is splitmix64: tiny, fast, and ours, so the data cannot change under a
// Go release the way math/rand's algorithms are allowed to.
type rng struct{ s uint64 }

func newRNG(seed int64, i, stream int) rng {
	return rng{s: mix(mix(mix(uint64(seed))^uint64(i)) ^ uint64(stream))}
}

func (r *rng) next() uint64 {
	r.s += 0x9E3779B97F4A7C15
	return mix(r.s)
}

// mix is splitmix64's finalizer, a good 64-bit hash.
func mix(z uint64) uint64 {
	z = (z ^ z>>30) * 0xBF58476D1CE4E5B9
	z = (z ^ z>>27) * 0x94D049BB133111EB
	return z ^ z>>31
}

func (r *rng) intn(n int) int { return int(r.next() % uint64(n)) }
