package apitest

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/neotui/neotui/api"
)

var testSpec = Spec{Serial: "gen", Sessions: 3000, Days: 90, End: testNow, Seed: 42}

func TestGenerateIsDeterministic(t *testing.T) {
	a, b := Generate(testSpec), Generate(testSpec)
	if !reflect.DeepEqual(a.Sessions(0, 0), b.Sessions(0, 0)) || !reflect.DeepEqual(a.Leads(0, 0), b.Leads(0, 0)) {
		t.Fatal("two bots from one Spec differ")
	}
	other := testSpec
	other.Seed++
	if reflect.DeepEqual(a.Sessions(0, 0)[:50], Generate(other).Sessions(0, 0)[:50]) {
		t.Fatal("another seed gives the same data")
	}
}

func TestGeneratedTimes(t *testing.T) {
	spec := Spec{Sessions: 100_000, Days: 365, End: testNow, Seed: 7}
	g := newGenerator(spec)
	start := testNow.AddDate(0, 0, -365).UnixMicro()
	prev := int64(0)
	for i := range spec.Sessions {
		us := g.timeUS(i)
		if us < prev || us < start || us >= testNow.UnixMicro() {
			t.Fatalf("session %d at %v: not monotonic or outside the span", i, time.UnixMicro(us).UTC())
		}
		prev = us
	}
}

func TestRangesMatchTheWholeSet(t *testing.T) {
	bot := Generate(testSpec)
	all, leads := bot.Sessions(0, 0), bot.Leads(0, 0)
	if len(all) != testSpec.Sessions {
		t.Fatalf("%d sessions, want %d", len(all), testSpec.Sessions)
	}
	last := api.DayOf(testNow)
	for _, r := range [][2]api.Day{
		{last - 6, last}, {last - 89, last - 89}, {last - 90, last - 80}, {last - 40, last - 40}, {last + 1, last + 9}, {0, last - 60}, {last - 3, 0},
	} {
		var want []api.Session
		for _, s := range all {
			if d := api.DayOf(s.CreateTime); (r[0] == 0 || d >= r[0]) && (r[1] == 0 || d <= r[1]) {
				want = append(want, s)
			}
		}
		if got := bot.Sessions(r[0], r[1]); !reflect.DeepEqual(got, want) {
			t.Errorf("Sessions(%v, %v): %d sessions, a scan finds %d", r[0], r[1], len(got), len(want))
		}
		var wantLeads []api.Lead
		for _, l := range leads {
			if d := api.DayOf(l.CreateTime); (r[0] == 0 || d >= r[0]) && (r[1] == 0 || d <= r[1]) {
				wantLeads = append(wantLeads, l)
			}
		}
		if got := bot.Leads(r[0], r[1]); !reflect.DeepEqual(got, wantLeads) {
			t.Errorf("Leads(%v, %v): %d leads, a scan finds %d", r[0], r[1], len(got), len(wantLeads))
		}
	}
}

func TestGeneratedContent(t *testing.T) {
	bot := Generate(testSpec)
	sessions := bot.Sessions(0, 0)
	byID := map[int64]api.Session{}
	messages, markdown := 0, 0
	var text strings.Builder
	for i, s := range sessions {
		byID[s.SessionID] = s
		if !strings.HasPrefix(s.URI, "https://www.example-shop.com/") {
			t.Fatalf("session %d URI %q", i, s.URI)
		}
		if bot.gen.hostile(i) != 0 {
			continue
		}
		if n := len(s.Messages); n < 2 || n > 20 {
			t.Errorf("session %d has %d messages, want 2–20", i, n)
		}
		messages += len(s.Messages)
		for _, m := range s.Messages {
			if m.Type == api.RoleAI && strings.Contains(m.Content, "**") {
				markdown++
			}
			if m.Type == api.RoleUser && (strings.Contains(m.Content, "**") || strings.Contains(m.Content, "](")) {
				t.Errorf("user text %q looks like Markdown", m.Content)
			}
			text.WriteString(m.Content)
		}
	}
	if avg := float64(messages) / float64(len(sessions)); avg < 8 || avg > 13 {
		t.Errorf("%.1f messages per session, want about 10", avg)
	}
	if markdown < messages/10 {
		t.Errorf("only %d of %d messages carry Markdown", markdown, messages)
	}
	for _, want := range []string{"Perfetto!", "¿", "Hi there", "予約", "预约", "😊"} {
		if !strings.Contains(text.String(), want) {
			t.Errorf("no conversation contains %q", want)
		}
	}

	leads := bot.Leads(0, 0)
	if share := float64(len(leads)) / float64(len(sessions)); share < 0.2 || share > 0.3 {
		t.Errorf("%.2f leads per session, want about one in four", share)
	}
	var phoneOnly, emailOnly, appointments, crossDay int
	for _, l := range leads {
		s, ok := byID[l.SessionID]
		if !ok {
			t.Fatalf("lead %+v joins no session", l)
		}
		if d := l.CreateTime.Sub(s.CreateTime); d < time.Minute || d > maxLeadDelay {
			t.Errorf("lead %d made %v after its session", l.SessionID, d)
		}
		if _, off := l.CreateTime.Zone(); off != -8*3600 {
			t.Errorf("lead %d in offset %d", l.SessionID, off)
		}
		if l.URI != s.URI && l.URI != evilURI || l.Count < 1 || l.Count > 5 || l.Name == "" || l.Content == "" {
			t.Errorf("lead %+v", l)
		}
		phoneOnly += b2i(l.Email == "")
		emailOnly += b2i(l.PhoneNumber == "")
		appointments += b2i(l.Type == api.TypeAppointment)
		crossDay += b2i(api.DayOf(l.CreateTime) != api.DayOf(s.CreateTime))
	}
	if phoneOnly == 0 || emailOnly == 0 || appointments == 0 || appointments == len(leads) || crossDay == 0 {
		t.Errorf("phone only %d, email only %d, appointments %d of %d, crossing the UTC day %d: want some of each",
			phoneOnly, emailOnly, appointments, len(leads), crossDay)
	}
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

func TestHostileRecords(t *testing.T) {
	for _, bot := range []*Bot{DemoBots(testNow)[0], Generate(Spec{Sessions: 10, Seed: -3})} {
		n := bot.Len()
		s, l, ok := bot.At(n - HostileContact)
		if !ok || l.Name != "\x1b]52;c;aGFjaw==\x07Mallory" || !strings.Contains(l.Email, "\x1b[") ||
			!strings.Contains(l.PhoneNumber, "\u009b") || !strings.Contains(s.Messages[1].Content, "\x1b]52") {
			t.Errorf("contact: %+v %q", l, s.Messages)
		}
		s, l, ok = bot.At(n - HostileEscapes)
		var all strings.Builder
		for _, m := range s.Messages {
			all.WriteString(m.Content)
		}
		for _, esc := range []string{"\x1b[31m", "\x1b]8;;", "\x1b[2A", "\r", "\u009b", "\u202e", "&#27;[31m", "\x1bP", "\x1b_", "\x00", "\x7f"} {
			if !strings.Contains(all.String(), esc) {
				t.Errorf("the escapes session lacks %q", esc)
			}
		}
		if !ok || l.Type != api.TypeAppointment || !strings.Contains(l.Content, "\x1b[") {
			t.Errorf("escapes lead: %+v", l)
		}
		if s, _, _ := bot.At(n - HostileHuge); len(s.Messages[1].Content) < HugeMessageSize {
			t.Errorf("huge message is %d bytes", len(s.Messages[1].Content))
		}
		if s, _, ok := bot.At(n - HostileEmpty); len(s.Messages) != 0 || s.Messages == nil || !ok {
			t.Errorf("empty session: %d messages (nil %v), lead %v", len(s.Messages), s.Messages == nil, ok)
		}
		s, _, _ = bot.At(n - HostileSystem)
		if s.Messages[2].Type != "System" {
			t.Errorf("system session: %+v", s.Messages)
		}
	}
}

func TestHostileRecordsOverHTTP(t *testing.T) {
	srv := startDemo(t, Options{})
	_, env := post(t, srv, HistoryPath, srv.Key, `{"SerialNumber":"`+DemoSerial+`","StartTime":"2025-05-25","EndTime":"2025-06-01"}`)
	got := decodeSessions(t, env)
	bot := srv.Bot(DemoSerial)
	for _, k := range []int{HostileContact, HostileEscapes, HostileHuge, HostileEmpty, HostileSystem} {
		want, _, _ := bot.At(bot.Len() - k)
		found := false
		for _, s := range got {
			if s.SessionID == want.SessionID {
				found = reflect.DeepEqual(inUTC([]api.Session{s}), inUTC([]api.Session{want}))
			}
		}
		if !found {
			t.Errorf("hostile session %d (Len()-%d) not served intact in the last week", want.SessionID, k)
		}
	}
	if !bytes.Contains(env.Data, []byte(`"Messages":[]`)) {
		t.Error("the empty session's Messages is not written as []")
	}
}

func TestWriteHistoryIsValidJSON(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteHistory(&buf, Generate(testSpec).SessionSeq(0, 0)); err != nil {
		t.Fatal(err)
	}
	var env struct {
		Data    []api.Session
		Success bool
	}
	if err := json.Unmarshal(buf.Bytes(), &env); err != nil || !env.Success || len(env.Data) != testSpec.Sessions {
		t.Fatalf("%v: %d sessions", err, len(env.Data))
	}
}

// BenchmarkGenerateWeek generates a bot of 100k sessions (~1M messages) over
// a year and serves one week of its history over the handler.
func BenchmarkGenerateWeek(b *testing.B) {
	end := testNow
	body := `{"SerialNumber":"big","StartTime":"` + (api.DayOf(end) - 6).String() + `","EndTime":"` + api.DayOf(end).String() + `"}`
	for b.Loop() {
		bot := Generate(Spec{Serial: "big", Sessions: 100_000, Days: 365, End: end, Seed: 1})
		f := New(Options{Bots: []*Bot{bot}, Now: func() time.Time { return end }})
		req, _ := http.NewRequest("POST", HistoryPath, strings.NewReader(body))
		req.Header.Set("Authorization", DefaultKey)
		w := &discard{header: http.Header{}}
		f.ServeHTTP(w, req)
		if w.status != 200 {
			b.Fatalf("HTTP %d", w.status)
		}
		b.SetBytes(w.n)
	}
}

// BenchmarkWriteHistory50MB encodes about 50 MB of history, the size the
// client's decode benchmark reads.
func BenchmarkWriteHistory50MB(b *testing.B) {
	bot := Generate(Spec{Sessions: 46_000, Days: 365, End: testNow, Seed: 1})
	for b.Loop() {
		w := &discard{}
		if err := WriteHistory(w, bot.SessionSeq(0, 0)); err != nil {
			b.Fatal(err)
		}
		b.SetBytes(w.n)
	}
}

type discard struct {
	header http.Header
	status int
	n      int64
}

func (d *discard) Header() http.Header { return d.header }
func (d *discard) WriteHeader(s int)   { d.status = s }
func (d *discard) Write(p []byte) (int, error) {
	if d.status == 0 {
		d.status = 200
	}
	d.n += int64(len(p))
	return io.Discard.Write(p)
}

func TestSearchRoundsUp(t *testing.T) {
	g := newGenerator(testSpec)
	at := g.time(100)
	for _, c := range []struct {
		t    time.Time
		want int
	}{{at, 100}, {at.Add(-time.Nanosecond), 100}, {at.Add(time.Nanosecond), 101}} {
		if got := g.search(c.t); got != c.want && g.timeUS(c.want) != g.timeUS(got) {
			t.Errorf("search(%v) = %d, want %d", c.t, got, c.want)
		}
	}
}

func TestDaysCoverEverySessionAndLead(t *testing.T) {
	bot := Generate(testSpec)
	first, last := bot.Days()
	if got := len(bot.Sessions(first, last)); got != testSpec.Sessions {
		t.Errorf("Days %s…%s hold %d of %d sessions", first, last, got, testSpec.Sessions)
	}
	if got, all := len(bot.Leads(first, last)), len(bot.Leads(0, 0)); got != all {
		t.Errorf("Days %s…%s hold %d of %d leads", first, last, got, all)
	}
	if len(bot.Sessions(first, first)) == 0 || len(bot.Leads(last, last))+len(bot.Sessions(last, last)) == 0 {
		t.Errorf("Days %s…%s are wider than the data", first, last)
	}
	if first, last := Generate(Spec{}).Days(); first != 0 || last != 0 {
		t.Errorf("an empty bot's Days = %s…%s, want zero", first, last)
	}
}

func TestDemoBotsOfScale(t *testing.T) {
	for _, tc := range []struct{ sessions, days int }{{DemoSessions, 120}, {1000, 200}, {100_000, 365}} {
		main := DemoBotsOf(testNow, tc.sessions)[0]
		first, last := main.Days()
		if main.Len() != tc.sessions || main.Serial() != DemoSerial {
			t.Errorf("DemoBotsOf(%d): %s with %d sessions", tc.sessions, main.Serial(), main.Len())
		}
		if span := int(last - first); span < tc.days-1 || span > tc.days+1 {
			t.Errorf("DemoBotsOf(%d) spans %d days, want about %d", tc.sessions, span, tc.days)
		}
	}
	if !reflect.DeepEqual(DemoBots(testNow)[0].Sessions(0, 0), DemoBotsOf(testNow, DemoSessions)[0].Sessions(0, 0)) {
		t.Error("DemoBots is not DemoBotsOf(DemoSessions)")
	}
}
