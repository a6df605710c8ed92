package export

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/neotui/neotui/api"
	"github.com/neotui/neotui/internal/store"
)

// sampleReport is two days of figures with a page a visitor's browser could
// have named anything.
func sampleReport() *store.Report {
	day, _ := api.ParseDay("2025-01-30")
	rep := &store.Report{
		From: day, To: day + 1,
		Totals:   store.Totals{Conversations: 1204, Messages: 3010, VisitorMessages: 1500, AIMessages: 1510, Leads: 80, Appointments: 12, Converted: 90},
		Previous: store.Totals{Conversations: 1100, Messages: 3300, VisitorMessages: 1650, AIMessages: 1650, Leads: 70, Appointments: 15, Converted: 85},
		PerDay: []store.DayFigures{
			{Day: day, Conversations: 600, Messages: 1500, Leads: 40, Appointments: 6},
			{Day: day + 1, Conversations: 604, Messages: 1510, Leads: 40, Appointments: 6},
		},
		TopPages: []store.PageFigures{
			{URI: "shop.example/pricing", Conversations: 300, Leads: 30},
			{URI: "javascript:alert(1)|x](evil)\x1b[31m", Conversations: 2},
		},
		Funnel: map[store.Status]int{store.StatusNew: 60, store.StatusContacted: 20, store.StatusSpam: 12},
	}
	rep.ByWeekdayHour[3][14] = 9
	return rep
}

func TestRecommendationsFollowTheSeed(t *testing.T) {
	for _, tc := range []struct {
		t    store.Totals
		want []string
	}{
		{store.Totals{}, nil}, // nothing to recommend about no conversations
		{store.Totals{Conversations: 100, Messages: 299}, []string{"Conversations are short (2.99 messages on average, under 3): consider improving engagement."}},
		{store.Totals{Conversations: 100, Messages: 300}, nil},
		{store.Totals{Conversations: 1000, Messages: 5000}, nil},
		{store.Totals{Conversations: 1001, Messages: 2002}, []string{
			"Conversations are short (2.00 messages on average, under 3): consider improving engagement.",
			"High volume (1,001 conversations, over 1,000): consider upgrading the plan for better performance."}},
	} {
		got := Recommendations(tc.t)
		if strings.Join(got, "\n") != strings.Join(tc.want, "\n") {
			t.Errorf("%+v: %q, want %q", tc.t, got, tc.want)
		}
	}
}

func TestChangesAndDurations(t *testing.T) {
	for _, tc := range []struct{ got, want string }{
		{Change(112, 100), "▲ 12 %"},
		{Change(97, 100), "▼ 3 %"},
		{Change(1001, 1000), "▲ <1 %"},
		{Change(5, 5), "="},
		{Change(3, 0), "new"},
		{Change(0, 4), "▼ 100 %"},
		{ChangePoints(0.25, 0.235), "▲ 1.5 pt"},
		{ChangePoints(0.1, 0.2), "▼ 10.0 pt"},
		{Rate(0.0756), "7.6 %"},
		{Duration(45 * time.Second), "45 s"},
		{Duration(12*time.Minute + 20*time.Second), "12 min"},
		{Duration(2*time.Hour + 15*time.Minute), "2 h 15 min"},
		{Duration(3 * time.Hour), "3 h"},
		{Duration(76 * time.Hour), "3 d 4 h"},
		{Shades([]int{0, 1, 5, 10, 20}, 20), " ░░▒█"},
	} {
		if tc.got != tc.want {
			t.Errorf("got %q, want %q", tc.got, tc.want)
		}
	}
}

// TestReportJSON: the field names, read back; no median is null.
func TestReportJSON(t *testing.T) {
	var b bytes.Buffer
	if err := ReportJSON(&b, sampleReport()); err != nil {
		t.Fatal(err)
	}
	var got map[string]any
	if err := json.Unmarshal(b.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"from", "to", "conversations", "messages", "avgMessagesPerConversation", "visitorMessages",
		"aiMessages", "leads", "appointments", "conversionRate", "perDay", "byWeekdayHour", "topPages", "funnel",
		"medianTimeToContact", "previous", "recommendations"} {
		if _, ok := got[k]; !ok {
			t.Errorf("no %q in %s", k, b.String())
		}
	}
	if got["medianTimeToContact"] != nil || got["avgMessagesPerConversation"] != 2.5 || got["conversionRate"] != 0.0748 {
		t.Errorf("median %v, average %v, rate %v", got["medianTimeToContact"], got["avgMessagesPerConversation"], got["conversionRate"])
	}
	prev := got["previous"].(map[string]any)
	if prev["from"] != "2025-01-28" || prev["to"] != "2025-01-29" || prev["conversations"] != 1100.0 {
		t.Errorf("previous: %v", prev)
	}
	if day := got["perDay"].([]any)[1].(map[string]any); day["day"] != "2025-01-31" || day["leads"] != 40.0 {
		t.Errorf("second day: %v", day)
	}
	if f := got["funnel"].(map[string]any); f["new"] != 60.0 || f["won"] != 0.0 || len(f) != len(store.Statuses) {
		t.Errorf("funnel: %v", f)
	}
	if strings.Contains(b.String(), "\x1b") {
		t.Error("the JSON carries a raw escape")
	}
}

func TestReportMarkdown(t *testing.T) {
	var b bytes.Buffer
	if err := ReportMarkdown(&b, sampleReport(), "Shop *bot*", time.UTC, time.UTC); err != nil {
		t.Fatal(err)
	}
	md := b.String()
	for _, want := range []string{
		"# Report · Shop \\*bot\\*\n",
		"2025-01-30 – 2025-01-31 (UTC days), compared with the 2 days before.",
		"| Conversations | 1,204 | 1,100 | ▲ 9 % |",
		"| Conversion rate | 7.5 % | 7.7 % | ▼ 0.3 pt |",
		"- High volume (1,204 conversations",
		"| 2025-01-31 | 604 | 1510 | 40 | 6 |",
		"| <https://shop.example/pricing> | 300 | 30 |",
		"| spam | 12 |",
		"No lead of the period has left new yet",
	} {
		if !strings.Contains(md, want) {
			t.Errorf("the report lacks %q:\n%s", want, md)
		}
	}
	// The hostile page is one cell, an https autolink that shows its
	// target: no link of its own making, no | that would split the row.
	for _, line := range strings.Split(md, "\n") {
		if strings.Contains(line, "alert") && (strings.Count(line, "|") != 4 || !strings.HasPrefix(line, "| <https://javascript:")) {
			t.Errorf("the hostile page broke out of its cell: %q", line)
		}
	}
	if strings.Contains(md, "\x1b") {
		t.Error("the report carries a raw escape")
	}
}

func TestCoverage(t *testing.T) {
	for _, tc := range []struct {
		stored int
		total  int64
		want   string
	}{
		{48210, 51900, "48,210 of 51,900 messages stored · 93 %"},
		{9995, 10000, "9,995 of 10,000 messages stored · 99 %"},
		{10000, 10000, "10,000 of 10,000 messages stored · 100 %"},
		{5, 0, ""}, // Neoagent did not say
	} {
		if got := Coverage(&store.Report{StoredMessages: tc.stored, TotalMessages: tc.total}); got != tc.want {
			t.Errorf("%d of %d: %q, want %q", tc.stored, tc.total, got, tc.want)
		}
	}
	var b bytes.Buffer
	rep := sampleReport()
	if err := ReportJSON(&b, rep); err != nil || strings.Contains(b.String(), "totalMessages") {
		t.Errorf("an unknown total is in the JSON: %v\n%s", err, b.String())
	}
	rep.StoredMessages, rep.TotalMessages = 48210, 51900
	b.Reset()
	if err := ReportJSON(&b, rep); err != nil || !strings.Contains(b.String(), `"storedMessages": 48210`) || !strings.Contains(b.String(), `"totalMessages": 51900`) {
		t.Errorf("the known total is not in the JSON: %v\n%s", err, b.String())
	}
}
