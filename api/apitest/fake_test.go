package apitest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/neotui/neotui/api"
)

func TestLeadListHappyPath(t *testing.T) {
	srv := startDemo(t, Options{})
	body := `{"serialNumber":"` + DemoSerial + `","startTime":"2025-05-01","endTime":"2025-05-31"}`
	resp, env := post(t, srv, LeadListPath, srv.Key, body)
	if resp.StatusCode != 200 || !env.Success || env.Code != 200 || env.Version != "1.0.0" || env.Message != "" {
		t.Fatalf("got %d %+v", resp.StatusCode, env)
	}
	if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Errorf("Content-Type %q", ct)
	}
	got := decodeLeads(t, env)
	want := srv.Bot(DemoSerial).Leads(day("2025-05-01"), day("2025-05-31"))
	if len(got) == 0 || !reflect.DeepEqual(inUTC(got), inUTC(want)) {
		t.Fatalf("served %d leads, Bot.Leads has %d, or they differ", len(got), len(want))
	}
	for i, l := range got {
		if _, off := l.CreateTime.Zone(); off != -8*3600 {
			t.Errorf("lead %d CreateTime %v: want a -08:00 offset", i, l.CreateTime)
		}
		if i > 0 && l.CreateTime.After(got[i-1].CreateTime) {
			t.Errorf("leads not newest first at %d", i)
		}
	}
	if !bytes.Contains(env.Data, []byte(`-08:00"`)) {
		t.Error("CreateTime not written with its -08:00 offset")
	}
}

func TestLeadListSessionID(t *testing.T) {
	srv := startDemo(t, Options{})
	all := srv.Bot(DemoSerial).Leads(0, 0)
	target := all[len(all)/2]
	_, env := post(t, srv, LeadListPath, srv.Key, fmt.Sprintf(`{"serialNumber":%q,"sessionID":%d}`, DemoSerial, target.SessionID))
	got := decodeLeads(t, env)
	if len(got) != 1 || got[0].SessionID != target.SessionID {
		t.Fatalf("sessionID %d: got %+v", target.SessionID, got)
	}
}

func TestHistoryHappyPath(t *testing.T) {
	srv := startDemo(t, Options{})
	for _, r := range []struct{ from, to string }{
		{"2025-05-01", "2025-05-07"},
		{"2025-05-31", "2025-06-01"},
		{"2025-06-02", "2025-06-30"}, // the future: empty
		{"2024-01-01", "2024-01-31"}, // before the bot: empty
	} {
		body := fmt.Sprintf(`{"SerialNumber":%q,"StartTime":%q,"EndTime":%q}`, DemoSerial, r.from, r.to)
		resp, env := post(t, srv, HistoryPath, srv.Key, body)
		if resp.StatusCode != 200 || !env.Success || env.Code != 200 {
			t.Fatalf("%v: %d %+v", r, resp.StatusCode, env)
		}
		got := decodeSessions(t, env)
		want := srv.Bot(DemoSerial).Sessions(day(r.from), day(r.to))
		if !reflect.DeepEqual(inUTC(got), inUTC(want)) {
			t.Errorf("%v: served %d sessions, Bot.Sessions has %d, or they differ", r, len(got), len(want))
		}
		for _, s := range got {
			if d := api.DayOf(s.CreateTime).String(); d < r.from || d > r.to {
				t.Errorf("%v: session %d of %s", r, s.SessionID, d)
			}
		}
	}
}

func TestHistoryUndated(t *testing.T) {
	srv := startDemo(t, Options{})
	_, env := post(t, srv, HistoryPath, srv.Key, `{"SerialNumber":"`+DemoSerial+`"}`)
	if got := decodeSessions(t, env); len(got) != 600 {
		t.Fatalf("undated history: %d sessions, want all 600", len(got))
	}
	// Only a StartTime: everything from then on.
	_, env = post(t, srv, HistoryPath, srv.Key, `{"SerialNumber":"`+DemoSerial+`","StartTime":"2025-05-25"}`)
	got, want := decodeSessions(t, env), srv.Bot(DemoSerial).Sessions(day("2025-05-25"), 0)
	if len(got) == 0 || len(got) != len(want) {
		t.Fatalf("StartTime only: %d sessions, want %d", len(got), len(want))
	}
}

func TestNowHidesTheFuture(t *testing.T) {
	now := testNow.Add(-10 * 24 * time.Hour)
	srv := startDemo(t, Options{Now: func() time.Time { return now }, Bots: DemoBots(testNow)})
	_, env := post(t, srv, HistoryPath, srv.Key, `{"SerialNumber":"`+DemoSerial+`"}`)
	got := decodeSessions(t, env)
	all := srv.Bot(DemoSerial).Sessions(0, 0)
	var want []api.Session
	for _, s := range all {
		if !s.CreateTime.After(now) {
			want = append(want, s)
		}
	}
	if len(want) == len(all) || !reflect.DeepEqual(inUTC(got), inUTC(want)) {
		t.Fatalf("served %d of %d sessions, want the %d up to Now", len(got), len(all), len(want))
	}
	_, env = post(t, srv, LeadListPath, srv.Key, `{"serialNumber":"`+DemoSerial+`"}`)
	for _, l := range decodeLeads(t, env) {
		if l.CreateTime.After(now) {
			t.Fatalf("lead of %v served before it happened (Now %v)", l.CreateTime, now)
		}
	}
}

func TestLeadsFilteredByUTCDay(t *testing.T) {
	bot := Generate(Spec{Serial: "utc"})
	// 20:00 Pacific on the 1st is 04:00 UTC on the 2nd.
	late := time.Date(2025, 3, 1, 20, 0, 0, 0, time.FixedZone("", -8*3600))
	bot.AddLead(api.Lead{Type: api.TypeLead, Name: "Late", CreateTime: late, SessionID: 7})
	srv := startDemo(t, Options{Bots: []*Bot{bot}})
	for _, c := range []struct {
		day  string
		want int
	}{{"2025-03-01", 0}, {"2025-03-02", 1}} {
		body := fmt.Sprintf(`{"serialNumber":"utc","startTime":%q,"endTime":%q}`, c.day, c.day)
		_, env := post(t, srv, LeadListPath, srv.Key, body)
		if got := decodeLeads(t, env); len(got) != c.want {
			t.Errorf("%s: %d leads, want %d", c.day, len(got), c.want)
		}
	}

	// Generated leads too: find ones whose Pacific date is not their UTC date.
	demo := DemoBots(testNow)[0]
	srv = startDemo(t, Options{Bots: []*Bot{demo}})
	checked := 0
	for _, l := range demo.Leads(0, 0) {
		utcDay, localDay := api.DayOf(l.CreateTime), l.CreateTime.Format(api.DayLayout)
		if utcDay.String() == localDay || checked == 3 {
			continue
		}
		checked++
		for d, want := range map[string]bool{utcDay.String(): true, localDay: false} {
			body := fmt.Sprintf(`{"serialNumber":%q,"startTime":%q,"endTime":%q}`, DemoSerial, d, d)
			_, env := post(t, srv, LeadListPath, srv.Key, body)
			found := false
			for _, g := range decodeLeads(t, env) {
				found = found || g.SessionID == l.SessionID
			}
			if found != want {
				t.Errorf("lead %v asked for day %s: found=%v, want %v", l.CreateTime, d, found, want)
			}
		}
	}
	if checked == 0 {
		t.Fatal("no demo lead falls on another UTC day than its Pacific one")
	}
}

// The docs' examples, as neoagent-api.md prints them.
const (
	docsLeadsJSON = `[
    {"Type": "Lead", "Name": "test", "Email": "test@qq.com", "PhoneNumber": "",
     "CreateTime": "2023-11-23T18:36:21.512302-08:00", "Content": "test",
     "SessionID": 31305, "URI": "www.xxx.com", "Count": 2},
    {"Type": "Appointment", "Name": "test444", "Email": "test444@qq.com", "PhoneNumber": "",
     "CreateTime": "2023-11-21T19:13:44.054019-08:00", "Content": "Please share anything",
     "SessionID": 31313, "URI": "www.xxx.com", "Count": 2}
  ]`
	docsHistoryJSON = `[
    {"SessionID": 31302, "CreateTime": "2023-11-21T16:22:42.264484Z", "URI": "xxx",
     "Messages": [
       {"Type": "AI",   "Content": "Ciao! Come posso aiutarti?"},
       {"Type": "User", "Content": "voglio prenotare un appuntamento"},
       {"Type": "AI",   "Content": "Perfetto! Seleziona la data e l'orario che preferisci..."}
     ]}
  ]`
)

func TestDocsBots(t *testing.T) {
	srv := startDemo(t, Options{})
	compact := func(s string) string {
		var buf bytes.Buffer
		if err := json.Compact(&buf, []byte(s)); err != nil {
			t.Fatal(err)
		}
		return buf.String()
	}
	for _, c := range []struct{ path, body, want string }{
		// The docs' own request (a 2025 range) gets the docs' 2023 answer.
		{LeadListPath, `{"serialNumber":"3254a9d0424c4806b9ea3d0763ccfxxx","startTime":"2025-01-01","endTime":"2025-02-01"}`, docsLeadsJSON},
		{LeadListPath, `{"serialNumber":"3254a9d0424c4806b9ea3d0763ccfxxx"}`, docsLeadsJSON},
		{HistoryPath, `{"SerialNumber":"36XXGxiYDigrQgg5xz4n45bcBW7qeYyW35","StartTime":"2025-01-01","EndTime":"2025-01-31"}`, docsHistoryJSON},
		{HistoryPath, `{"SerialNumber":"36XXGxiYDigrQgg5xz4n45bcBW7qeYyW35"}`, docsHistoryJSON},
		{HistoryPath, `{"SerialNumber":"3254a9d0424c4806b9ea3d0763ccfxxx"}`, `[]`},
		{LeadListPath, `{"serialNumber":"36XXGxiYDigrQgg5xz4n45bcBW7qeYyW35"}`, `[]`},
	} {
		_, env := post(t, srv, c.path, srv.Key, c.body)
		if got := string(env.Data); got != compact(c.want) {
			t.Errorf("%s %s:\n got %s\nwant %s", c.path, c.body, got, compact(c.want))
		}
	}
}

func TestErrors(t *testing.T) {
	srv := startDemo(t, Options{MaxUndatedSessions: 100})
	business := startDemo(t, Options{MaxUndatedSessions: 100, BusinessErrors: true})
	key := srv.Key
	for _, c := range []struct {
		name, path, key, body string
		code                  int
	}{
		{"missing serial", LeadListPath, key, `{"startTime":"2025-01-01"}`, 400},
		{"empty serial", LeadListPath, key, `{"serialNumber":""}`, 400},
		{"serial not a string", LeadListPath, key, `{"serialNumber":42}`, 400},
		{"PascalCase serial on LeadList", LeadListPath, key, `{"SerialNumber":"` + DemoSerial + `"}`, 400},
		{"camelCase serial on history", HistoryPath, key, `{"serialNumber":"` + DemoSerial + `"}`, 400},
		{"PascalCase date on LeadList", LeadListPath, key, `{"serialNumber":"` + DemoSerial + `","StartTime":"2025-01-01"}`, 400},
		{"not JSON", LeadListPath, key, `serialNumber=x`, 400},
		{"JSON but not an object", HistoryPath, key, `["x"]`, 400},
		{"empty body", HistoryPath, key, ``, 400},
		{"month 13", LeadListPath, key, `{"serialNumber":"` + DemoSerial + `","startTime":"2025-13-01"}`, 400},
		{"February 30", HistoryPath, key, `{"SerialNumber":"` + DemoSerial + `","EndTime":"2025-02-30"}`, 400},
		{"one-digit month", HistoryPath, key, `{"SerialNumber":"` + DemoSerial + `","StartTime":"2025-1-01"}`, 400},
		{"slashes", HistoryPath, key, `{"SerialNumber":"` + DemoSerial + `","StartTime":"2025/01/01"}`, 400},
		{"with a time", LeadListPath, key, `{"serialNumber":"` + DemoSerial + `","endTime":"2025-01-01T00:00:00Z"}`, 400},
		{"empty date", LeadListPath, key, `{"serialNumber":"` + DemoSerial + `","endTime":""}`, 400},
		{"date as number", LeadListPath, key, `{"serialNumber":"` + DemoSerial + `","endTime":20250101}`, 400},
		{"start after end", HistoryPath, key, `{"SerialNumber":"` + DemoSerial + `","StartTime":"2025-02-02","EndTime":"2025-02-01"}`, 400},
		{"sessionID not an integer", LeadListPath, key, `{"serialNumber":"` + DemoSerial + `","sessionID":"12"}`, 400},
		{"no key", LeadListPath, "", `{"serialNumber":"` + DemoSerial + `"}`, 401},
		{"wrong key", HistoryPath, "nope", `{"SerialNumber":"` + DemoSerial + `"}`, 401},
		{"Bearer key", HistoryPath, "Bearer " + key, `{"SerialNumber":"` + DemoSerial + `"}`, 401},
		{"unknown serial", LeadListPath, key, `{"serialNumber":"nosuchbot"}`, 404},
		{"unknown serial history", HistoryPath, key, `{"SerialNumber":"nosuchbot","StartTime":"2025-01-01","EndTime":"2025-01-02"}`, 404},
		{"32 days", HistoryPath, key, `{"SerialNumber":"` + DemoSerial + `","StartTime":"2025-01-01","EndTime":"2025-02-01"}`, 413},
		{"undated, too many sessions", HistoryPath, key, `{"SerialNumber":"` + DemoSerial + `"}`, 413},
		{"unknown path", "/chat/Chatbot/Nope", key, `{}`, 404},
	} {
		for _, s := range []*Server{srv, business} {
			resp, env := post(t, s, c.path, c.key, c.body)
			wantStatus := c.code
			if s == business && c.path != "/chat/Chatbot/Nope" {
				wantStatus = 200
			}
			if resp.StatusCode != wantStatus || env.Success || env.Code != c.code || env.Message == "" ||
				string(env.Data) != "null" || env.Version != "1.0.0" {
				t.Errorf("%s (business=%v): HTTP %d %+v; want HTTP %d, Code %d, Data null, a Message",
					c.name, s == business, resp.StatusCode, env, wantStatus, c.code)
			}
		}
	}

	// The limits are inclusive.
	resp, _ := post(t, srv, HistoryPath, key, `{"SerialNumber":"`+DemoSerial+`","StartTime":"2025-01-01","EndTime":"2025-01-31"}`)
	if resp.StatusCode != 200 {
		t.Errorf("31 days: %d, want 200", resp.StatusCode)
	}
	// The wrong casing is explained.
	_, env := post(t, srv, LeadListPath, key, `{"SerialNumber":"`+DemoSerial+`"}`)
	if !strings.Contains(env.Message, "serialNumber") || !strings.Contains(env.Message, "case") {
		t.Errorf("casing message %q does not explain", env.Message)
	}
}

func TestMethodNotAllowed(t *testing.T) {
	srv := startDemo(t, Options{BusinessErrors: true})
	resp, err := http.Get(srv.URL + LeadListPath)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 405 || resp.Header.Get("Allow") != "POST" {
		t.Fatalf("GET: %d Allow=%q, want 405 Allow=POST", resp.StatusCode, resp.Header.Get("Allow"))
	}
}

func TestRecording(t *testing.T) {
	srv := startDemo(t, Options{})
	body := `{"SerialNumber":"` + DemoSerial + `","StartTime":"2025-05-01","EndTime":"2025-05-02"}`
	post(t, srv, HistoryPath, srv.Key, body)
	post(t, srv, LeadListPath, "wrong", `{"serialNumber":"x"}`)
	reqs := srv.Requests()
	if len(reqs) != 2 {
		t.Fatalf("%d requests recorded, want 2", len(reqs))
	}
	r := reqs[0]
	if r.Endpoint != ChatContentHistory || string(r.Body) != body || r.Status != 200 || r.Code != 200 || r.Method != "POST" ||
		r.Header.Get("Authorization") != srv.Key || r.Header.Get("User-Agent") != "neotui-test" ||
		r.Header.Get("Content-Type") != "application/json" || !r.Time.Equal(testNow) {
		t.Errorf("recorded %+v", r)
	}
	if r := reqs[1]; r.Endpoint != LeadList || r.Status != 401 || r.Code != 401 {
		t.Errorf("recorded %+v", r)
	}
	srv.ResetRequests()
	if n := len(srv.Requests()); n != 0 {
		t.Errorf("%d requests after ResetRequests", n)
	}
}

func TestAddedRecordsAreServed(t *testing.T) {
	srv := startDemo(t, Options{})
	bot := srv.Bot(DemoSerial)
	at := testNow.Add(-time.Hour).Truncate(time.Microsecond)
	bot.AddSession(api.Session{SessionID: 999999, CreateTime: at, URI: site, Messages: []api.Message{user("hello")}})
	bot.AddLead(api.Lead{Type: api.TypeLead, Name: "New", Email: "new@example.com", CreateTime: at.In(pacific), SessionID: 999999})

	_, env := post(t, srv, HistoryPath, srv.Key, `{"SerialNumber":"`+DemoSerial+`","StartTime":"2025-06-01","EndTime":"2025-06-01"}`)
	ss := decodeSessions(t, env)
	found := false
	for i, s := range ss {
		found = found || s.SessionID == 999999
		if i > 0 && s.CreateTime.Before(ss[i-1].CreateTime) {
			t.Errorf("sessions out of order at %d", i)
		}
	}
	_, env = post(t, srv, LeadListPath, srv.Key, `{"serialNumber":"`+DemoSerial+`","sessionID":999999}`)
	if ls := decodeLeads(t, env); !found || len(ls) != 1 || ls[0].Name != "New" {
		t.Fatalf("added session found=%v, added lead %+v", found, ls)
	}
}

func TestTransport(t *testing.T) {
	f := New(Options{Now: func() time.Time { return testNow }, Bots: DemoBots(testNow)})
	c := &http.Client{Transport: f.Transport()}
	req, _ := http.NewRequest("POST", "http://neoagent.invalid"+LeadListPath, strings.NewReader(`{"serialNumber":"`+DemoSerial+`"}`))
	req.Header.Set("Authorization", f.Key())
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var env envelope
	if err := json.NewDecoder(resp.Body).Decode(&env); err != nil || resp.StatusCode != 200 || !env.Success {
		t.Fatalf("%d %+v %v", resp.StatusCode, env, err)
	}
}

func TestListen(t *testing.T) {
	srv, ln, err := Listen("127.0.0.1:0", Options{})
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(ln)
	defer srv.Close()
	resp, raw, err := postRaw(t.Context(), "http://"+ln.Addr().String()+HistoryPath, DefaultKey, `{"SerialNumber":"`+DocsHistorySerial+`"}`)
	if err != nil || resp.StatusCode != 200 || !bytes.Contains(raw, []byte("31302")) {
		t.Fatalf("%v %v %s", resp, err, raw)
	}
}
