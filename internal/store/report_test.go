package store

import (
	"context"
	"reflect"
	"testing"
	"time"

	"github.com/neotui/neotui/api"
)

// pacific is a −08:00 zone without daylight saving, so that the fixture's
// day boundaries are plain to count by hand.
var pacific = time.FixedZone("PST", -8*3600)

func msgs(types ...string) []api.Message {
	out := make([]api.Message, len(types))
	for i, t := range types {
		out[i] = api.Message{Type: t, Content: t + " says something"}
	}
	return out
}

// reportFixture is a store whose figures are counted by hand below. Times
// are UTC; the comments give them at −08:00. 2024-01-10 is a Wednesday.
func reportFixture(t *testing.T) *Store {
	t.Helper()
	s := openStore(t)
	ctx := context.Background()
	at := func(v string) time.Time { return mustTime(t, v) }
	const user, ai = api.RoleUser, api.RoleAI
	sessions := []api.Session{
		{SessionID: 10, CreateTime: at("2024-01-08T12:00:00Z"), URI: "shop.example/pricing", Messages: msgs(ai, user, ai, user)}, // Jan 8 04:00
		{SessionID: 11, CreateTime: at("2024-01-10T07:59:00Z"), URI: "shop.example/", Messages: msgs(user, ai)},                  // Jan 9 23:59
		{SessionID: 12, CreateTime: at("2024-01-10T08:00:00Z"), URI: "shop.example/pricing", Messages: msgs(ai, user, user)},     // Jan 10 00:00
		{SessionID: 13, CreateTime: at("2024-01-11T07:30:00Z"), URI: "shop.example/pricing", Messages: msgs(ai, user, "System")}, // Jan 10 23:30
		{SessionID: 14, CreateTime: at("2024-01-11T20:00:00Z"), URI: "shop.example/", Messages: msgs(user)},                      // Jan 11 12:00
		{SessionID: 15, CreateTime: at("2024-01-12T08:00:00Z"), URI: "shop.example/", Messages: msgs(user, ai)},                  // Jan 12 00:00
	}
	lead := func(typ string, session int64, when, uri string) api.Lead {
		return api.Lead{Type: typ, Name: "V", SessionID: session, CreateTime: at(when), URI: uri}
	}
	leads := []api.Lead{
		lead(api.TypeLead, 10, "2024-01-08T12:10:00Z", "shop.example/pricing"),        // Jan 8, previous period
		lead(api.TypeLead, 12, "2024-01-10T08:05:00Z", "shop.example/pricing"),        // Jan 10 00:05
		lead(api.TypeAppointment, 13, "2024-01-11T07:45:00Z", "shop.example/pricing"), // Jan 10 23:45
		lead(api.TypeLead, 99, "2024-01-11T21:00:00Z", "shop.example/contact"),        // Jan 11 13:00, its conversation never stored
	}
	from, to := mustDay(t, "2024-01-01"), mustDay(t, "2024-01-31")
	if _, err := s.SaveHistory(ctx, testBot, from, to, fetchedAt, sessions); err != nil {
		t.Fatal(err)
	}
	if _, err := s.SaveLeads(ctx, testBot, from, to, fetchedAt, leads); err != nil {
		t.Fatal(err)
	}
	// Session 12's lead is contacted after 30 min (then qualified: only the
	// first change counts), the orphan lead marked spam after 2 h.
	status := func(l api.Lead, st Status, when string) {
		t.Helper()
		if _, err := s.SetStatus(ctx, testBot, LeadKey(testBot, l), st, -1, at(when), "ana"); err != nil {
			t.Fatal(err)
		}
	}
	status(leads[1], StatusContacted, "2024-01-10T08:35:00Z")
	status(leads[1], StatusQualified, "2024-01-10T13:05:00Z")
	status(leads[3], StatusSpam, "2024-01-11T23:00:00Z")
	return s
}

func TestReportCountsLocalDays(t *testing.T) {
	s := reportFixture(t)
	rep, err := s.Report(context.Background(), ReportQuery{
		Bot: testBot, From: mustDay(t, "2024-01-10"), To: mustDay(t, "2024-01-11"), Days: pacific,
	})
	if err != nil {
		t.Fatal(err)
	}
	// Sessions 12, 13 (23:30 on the 10th here, the 11th in UTC) and 14;
	// 11 (23:59 on the 9th here) and 15 (midnight on the 12th) are out.
	want := Totals{Conversations: 3, Messages: 7, VisitorMessages: 4, AIMessages: 2, Leads: 2, Appointments: 1, Converted: 2}
	if rep.Totals != want {
		t.Errorf("totals = %+v\nwant     %+v", rep.Totals, want)
	}
	if got := rep.ConversionRate(); got != 2.0/3 {
		t.Errorf("conversion rate = %v, want 2/3", got)
	}
	if got := rep.AvgMessages(); got != 7.0/3 {
		t.Errorf("average = %v, want 7/3", got)
	}
	// The two days before: sessions 10 and 11, and 10's lead.
	wantPrev := Totals{Conversations: 2, Messages: 6, VisitorMessages: 3, AIMessages: 3, Leads: 1, Converted: 1}
	if rep.Previous != wantPrev {
		t.Errorf("previous = %+v\nwant       %+v", rep.Previous, wantPrev)
	}
	wantDays := []DayFigures{
		{Day: mustDay(t, "2024-01-10"), Conversations: 2, Messages: 6, Leads: 1, Appointments: 1},
		{Day: mustDay(t, "2024-01-11"), Conversations: 1, Messages: 1, Leads: 1},
	}
	if !reflect.DeepEqual(rep.PerDay, wantDays) {
		t.Errorf("per day = %+v\nwant      %+v", rep.PerDay, wantDays)
	}
	var heat [7][24]int
	heat[2][0], heat[2][23], heat[3][12] = 2, 1, 1 // Wednesday 00:00 and 23:00, Thursday 12:00
	if rep.ByWeekdayHour != heat {
		t.Errorf("visitors' messages by weekday and hour = %v", rep.ByWeekdayHour)
	}
	wantPages := []PageFigures{
		{URI: "shop.example/pricing", Conversations: 2, Leads: 2},
		{URI: "shop.example/", Conversations: 1},
		{URI: "shop.example/contact", Leads: 1},
	}
	if !reflect.DeepEqual(rep.TopPages, wantPages) {
		t.Errorf("top pages = %+v", rep.TopPages)
	}
	wantFunnel := map[Status]int{StatusNew: 1, StatusQualified: 1, StatusSpam: 1}
	if !reflect.DeepEqual(rep.Funnel, wantFunnel) {
		t.Errorf("funnel = %v, want %v", rep.Funnel, wantFunnel)
	}
	// Median of 30 min and 2 h.
	if rep.Contacted != 2 || rep.MedianTimeToContact != 75*time.Minute {
		t.Errorf("median time to contact = %v over %d leads, want 1h15m over 2", rep.MedianTimeToContact, rep.Contacted)
	}
}

// TestReportUTCDays: the same store in UTC days, as the CLI counts them:
// session 11 (07:59 UTC on the 10th) is in, session 13 on the 11th.
func TestReportUTCDays(t *testing.T) {
	s := reportFixture(t)
	rep, err := s.Report(context.Background(), ReportQuery{
		Bot: testBot, From: mustDay(t, "2024-01-10"), To: mustDay(t, "2024-01-11"), Hours: pacific,
	})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Conversations != 4 || rep.PerDay[0].Conversations != 2 || rep.PerDay[1].Conversations != 2 {
		t.Errorf("conversations = %d, per day %+v: want 4, 2 a day", rep.Conversations, rep.PerDay)
	}
	// Days in UTC, hours in −08:00: session 11 still counts at 23:00 on
	// Tuesday the 9th.
	if rep.ByWeekdayHour[1][23] != 1 {
		t.Errorf("Tuesday 23:00 = %d, want session 11's visitor message", rep.ByWeekdayHour[1][23])
	}
}

func TestReportOfAnEmptyPeriod(t *testing.T) {
	s := reportFixture(t)
	from := mustDay(t, "2024-03-01")
	rep, err := s.Report(context.Background(), ReportQuery{Bot: testBot, From: from, To: from + 6, Days: pacific})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Totals != (Totals{}) || rep.Previous != (Totals{}) || rep.Contacted != 0 || len(rep.TopPages) != 0 || len(rep.Funnel) != 0 {
		t.Errorf("an empty week has figures: %+v", rep)
	}
	if len(rep.PerDay) != 7 || rep.PerDay[6].Day != from+6 || rep.AvgMessages() != 0 || rep.ConversionRate() != 0 {
		t.Errorf("an empty week: %d days, avg %v, rate %v", len(rep.PerDay), rep.AvgMessages(), rep.ConversionRate())
	}
	if _, err := s.Report(context.Background(), ReportQuery{Bot: testBot, From: from, To: from - 1}); err == nil {
		t.Error("a period that ends before it starts gave a report")
	}
}

// TestReportAllBots: another bot's conversation counts in All bots only.
func TestReportAllBots(t *testing.T) {
	s := reportFixture(t)
	ctx := context.Background()
	day := mustDay(t, "2024-01-11")
	other := api.Session{SessionID: 12, CreateTime: mustTime(t, "2024-01-11T18:00:00Z"), URI: "b.example", Messages: msgs(api.RoleUser)}
	if _, err := s.SaveHistory(ctx, "bot-b", day, day, fetchedAt, []api.Session{other}); err != nil {
		t.Fatal(err)
	}
	q := ReportQuery{Bot: testBot, From: day - 1, To: day, Days: pacific}
	one, err := s.Report(ctx, q)
	if err != nil {
		t.Fatal(err)
	}
	q.AllBots = true
	all, err := s.Report(ctx, q)
	if err != nil {
		t.Fatal(err)
	}
	// Session 12 of bot-b is not session 12 of bot-a: no lead converts it.
	if one.Conversations != 3 || all.Conversations != 4 || all.Converted != 2 {
		t.Errorf("one bot %d conversations, all bots %d (%d converted)", one.Conversations, all.Conversations, all.Converted)
	}
}

// TestReportFollowsResync: a conversation that went on after the last
// fetch is counted with its new messages.
func TestReportFollowsResync(t *testing.T) {
	s := reportFixture(t)
	ctx := context.Background()
	day := mustDay(t, "2024-01-11")
	longer := api.Session{SessionID: 14, CreateTime: mustTime(t, "2024-01-11T20:00:00Z"), URI: "shop.example/",
		Messages: msgs(api.RoleUser, api.RoleAI, api.RoleUser)}
	if _, err := s.SaveHistory(ctx, testBot, day, day, fetchedAt, []api.Session{longer}); err != nil {
		t.Fatal(err)
	}
	rep, err := s.Report(ctx, ReportQuery{Bot: testBot, From: day, To: day, Days: pacific})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Messages != 3 || rep.VisitorMessages != 2 || rep.AIMessages != 1 {
		t.Errorf("after the conversation grew: %+v", rep.Totals)
	}
}

// TestReportAcrossDST: days and hours stay local on both sides of a change
// of offset (Los Angeles went from −08:00 to −07:00 at 2:00 on 2024-03-10).
func TestReportAcrossDST(t *testing.T) {
	la, err := time.LoadLocation("America/Los_Angeles")
	if err != nil {
		t.Skipf("no time zone data: %v", err)
	}
	s := openStore(t)
	ctx := context.Background()
	var sessions []api.Session
	for i, at := range []string{
		"2024-03-10T07:30:00Z", // Saturday 9th 23:30 −08:00
		"2024-03-10T09:30:00Z", // Sunday 10th 01:30 −08:00
		"2024-03-10T10:30:00Z", // Sunday 10th 03:30 −07:00
		"2024-03-11T07:30:00Z", // Monday 11th 00:30 −07:00 (23:30 on the 10th at −08:00)
	} {
		sessions = append(sessions, api.Session{SessionID: int64(i + 1), CreateTime: mustTime(t, at), Messages: msgs(api.RoleUser)})
	}
	if _, err := s.SaveHistory(ctx, testBot, mustDay(t, "2024-03-09"), mustDay(t, "2024-03-12"), fetchedAt, sessions); err != nil {
		t.Fatal(err)
	}
	rep, err := s.Report(ctx, ReportQuery{Bot: testBot, From: mustDay(t, "2024-03-10"), To: mustDay(t, "2024-03-11"), Days: la})
	if err != nil {
		t.Fatal(err)
	}
	if rep.PerDay[0].Conversations != 2 || rep.PerDay[1].Conversations != 1 || rep.Previous.Conversations != 1 {
		t.Errorf("per day %+v, previous %d: want 2, 1 and 1 before", rep.PerDay, rep.Previous.Conversations)
	}
	var heat [7][24]int
	heat[6][1], heat[6][3], heat[0][0] = 1, 1, 1 // Sunday 01:00 and 03:00, Monday 00:00
	if rep.ByWeekdayHour != heat {
		t.Errorf("by weekday and hour: %v", rep.ByWeekdayHour)
	}
}

func TestStoredMessages(t *testing.T) {
	s := reportFixture(t)
	if n, err := s.StoredMessages(context.Background(), testBot); err != nil || n != 4+2+3+3+1+2 {
		t.Errorf("stored messages %d (%v), want 15", n, err)
	}
	if n, _ := s.StoredMessages(context.Background(), "bot-z"); n != 0 {
		t.Errorf("another bot's: %d", n)
	}
}

// A conversation converted whichever of it and its lead was stored first:
// a sync fetches the leads before the conversations.
func TestConvertedWhicheverCameFirst(t *testing.T) {
	s := openStore(t)
	ctx := context.Background()
	at := func(v string) time.Time { return mustTime(t, v) }
	from, to := mustDay(t, "2024-01-01"), mustDay(t, "2024-01-31")
	leads := []api.Lead{{Type: api.TypeLead, Name: "V", SessionID: 20, CreateTime: at("2024-01-10T10:05:00Z")}}
	if _, err := s.SaveLeads(ctx, testBot, from, to, fetchedAt, leads); err != nil {
		t.Fatal(err)
	}
	sessions := []api.Session{
		{SessionID: 20, CreateTime: at("2024-01-10T10:00:00Z"), Messages: msgs(api.RoleUser)}, // its lead stored before it
		{SessionID: 21, CreateTime: at("2024-01-10T11:00:00Z"), Messages: msgs(api.RoleUser)}, // its lead stored after it
		{SessionID: 22, CreateTime: at("2024-01-10T12:00:00Z"), Messages: msgs(api.RoleUser)}, // no lead
	}
	if _, err := s.SaveHistory(ctx, testBot, from, to, fetchedAt, sessions); err != nil {
		t.Fatal(err)
	}
	leads = append(leads, api.Lead{Type: api.TypeAppointment, Name: "W", SessionID: 21, CreateTime: at("2024-01-10T11:05:00Z")})
	if _, err := s.SaveLeads(ctx, testBot, from, to, fetchedAt, leads); err != nil {
		t.Fatal(err)
	}
	// A conversation fetched again keeps what it knows.
	sessions[0].Messages = msgs(api.RoleUser, api.RoleAI)
	if _, err := s.SaveHistory(ctx, testBot, from, to, fetchedAt, sessions); err != nil {
		t.Fatal(err)
	}
	rep, err := s.Report(ctx, ReportQuery{Bot: testBot, From: mustDay(t, "2024-01-10"), To: mustDay(t, "2024-01-10")})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Totals.Conversations != 3 || rep.Totals.Converted != 2 {
		t.Errorf("%d conversations, %d converted; want 3, 2", rep.Totals.Conversations, rep.Totals.Converted)
	}
}
