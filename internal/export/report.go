package export

import (
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/neotui/neotui/api"
	"github.com/neotui/neotui/internal/english"
	"github.com/neotui/neotui/internal/store"
)

// A report's figures as neotui report and the Stats tab's export write them:
// JSON for scripts, CSV of the days for spreadsheets, Markdown for mails;
// with the recommendations of Neoagent's own monthly-report example.

// ReportRecord is a report as JSON, with the field names of issue 15.
type ReportRecord struct {
	TotalsRecord        `json:",inline"`
	PerDay              []DayRecord  `json:"perDay"`
	ByWeekdayHour       [7][24]int   `json:"byWeekdayHour"` // visitors' messages, Monday first, hours 0-23
	TopPages            []PageRecord `json:"topPages"`
	Funnel              FunnelRecord `json:"funnel"`
	MedianTimeToContact *int64       `json:"medianTimeToContact"` // seconds; null when no lead left new
	Previous            TotalsRecord `json:"previous"`
	Recommendations     []string     `json:"recommendations"`
	// How much of the bot's history the store holds, when Neoagent said
	// how much there is; absent otherwise.
	StoredMessages int   `json:"storedMessages,omitzero"`
	TotalMessages  int64 `json:"totalMessages,omitzero"`
}

// TotalsRecord is the figures of a period, the days from From to To.
type TotalsRecord struct {
	From                       string  `json:"from"`
	To                         string  `json:"to"`
	Conversations              int     `json:"conversations"`
	Messages                   int     `json:"messages"`
	AvgMessagesPerConversation float64 `json:"avgMessagesPerConversation"`
	VisitorMessages            int     `json:"visitorMessages"`
	AIMessages                 int     `json:"aiMessages"`
	Leads                      int     `json:"leads"`
	Appointments               int     `json:"appointments"`
	ConversionRate             float64 `json:"conversionRate"` // 0 to 1
}

// DayRecord is one day's figures.
type DayRecord struct {
	Day           string `json:"day"`
	Conversations int    `json:"conversations"`
	Messages      int    `json:"messages"`
	Leads         int    `json:"leads"`
	Appointments  int    `json:"appointments"`
}

// PageRecord is a page's conversations and the leads it produced.
type PageRecord struct {
	URI           string `json:"uri"`
	Conversations int    `json:"conversations"`
	Leads         int    `json:"leads"`
}

// FunnelRecord is the period's leads and appointments by status, in the
// order of store.Statuses.
type FunnelRecord struct {
	New       int `json:"new"`
	Contacted int `json:"contacted"`
	Qualified int `json:"qualified"`
	Booked    int `json:"booked"`
	Won       int `json:"won"`
	Lost      int `json:"lost"`
	Spam      int `json:"spam"`
}

// NewReportRecord is rep as JSON.
func NewReportRecord(rep *store.Report) ReportRecord {
	n := rep.To - rep.From + 1
	r := ReportRecord{
		TotalsRecord:  totalsRecord(rep.From, rep.To, rep.Totals),
		Previous:      totalsRecord(rep.From-n, rep.From-1, rep.Previous),
		ByWeekdayHour: rep.ByWeekdayHour,
		Funnel: FunnelRecord{
			New: rep.Funnel[store.StatusNew], Contacted: rep.Funnel[store.StatusContacted],
			Qualified: rep.Funnel[store.StatusQualified], Booked: rep.Funnel[store.StatusBooked],
			Won: rep.Funnel[store.StatusWon], Lost: rep.Funnel[store.StatusLost], Spam: rep.Funnel[store.StatusSpam],
		},
		Recommendations: Recommendations(rep.Totals),
	}
	if rep.TotalMessages > 0 {
		r.StoredMessages, r.TotalMessages = rep.StoredMessages, rep.TotalMessages
	}
	for _, d := range rep.PerDay {
		r.PerDay = append(r.PerDay, DayRecord{Day: d.Day.String(), Conversations: d.Conversations,
			Messages: d.Messages, Leads: d.Leads, Appointments: d.Appointments})
	}
	for _, p := range rep.TopPages {
		r.TopPages = append(r.TopPages, PageRecord{URI: p.URI, Conversations: p.Conversations, Leads: p.Leads})
	}
	if rep.Contacted > 0 {
		secs := int64(rep.MedianTimeToContact.Round(time.Second) / time.Second)
		r.MedianTimeToContact = &secs
	}
	return r
}

func totalsRecord(from, to api.Day, t store.Totals) TotalsRecord {
	return TotalsRecord{
		From: from.String(), To: to.String(),
		Conversations: t.Conversations, Messages: t.Messages,
		AvgMessagesPerConversation: round(t.AvgMessages(), 2),
		VisitorMessages:            t.VisitorMessages, AIMessages: t.AIMessages,
		Leads: t.Leads, Appointments: t.Appointments,
		ConversionRate: round(t.ConversionRate(), 4),
	}
}

func round(x float64, places int) float64 {
	p := math.Pow(10, float64(places))
	return math.Round(x*p) / p
}

// ReportJSON writes rep as one JSON object (see ReportRecord).
func ReportJSON(w io.Writer, rep *store.Report) error { return JSON(w, NewReportRecord(rep)) }

// ReportCSV writes rep's days, one a row, for a spreadsheet: the totals are
// their sums.
func ReportCSV(w io.Writer, rep *store.Report) error {
	rows := make([][]string, len(rep.PerDay))
	for i, d := range rep.PerDay {
		rows[i] = []string{d.Day.String(), strconv.Itoa(d.Conversations), strconv.Itoa(d.Messages),
			strconv.Itoa(d.Leads), strconv.Itoa(d.Appointments)}
	}
	return CSV(w, []string{"day", "conversations", "messages", "leads", "appointments"}, rows)
}

// Thresholds of Neoagent's generateRecommendations example.
const (
	shortConversations = 3    // messages per conversation, on average
	highVolume         = 1000 // conversations in the period
)

// Recommendations are the sentences of Neoagent's monthly-report example
// whose conditions hold for t: short conversations, high volume.
func Recommendations(t store.Totals) []string {
	var out []string
	if avg := t.AvgMessages(); t.Conversations > 0 && avg < shortConversations {
		out = append(out, fmt.Sprintf("Conversations are short (%.2f messages on average, under %d): consider improving engagement.",
			avg, shortConversations))
	}
	if t.Conversations > highVolume {
		out = append(out, fmt.Sprintf("High volume (%s conversations, over %s): consider upgrading the plan for better performance.",
			english.Count(t.Conversations), english.Count(highVolume)))
	}
	return out
}

// Change says how cur compares with prev: "▲ 12 %", "▼ 3 %", "▲ <1 %",
// "=" when equal, "new" when prev is 0.
func Change(cur, prev float64) string {
	switch {
	case cur == prev:
		return "="
	case prev == 0:
		return "new"
	}
	return arrow(cur-prev) + " " + percent(math.Abs(cur-prev)/prev*100)
}

// ChangePoints says how a rate (0 to 1) compares with the previous one, in
// percentage points: "▲ 1.5 pt".
func ChangePoints(cur, prev float64) string {
	d := math.Round((cur-prev)*1000) / 10
	if d == 0 {
		return "="
	}
	return fmt.Sprintf("%s %.1f pt", arrow(d), math.Abs(d))
}

func arrow(d float64) string {
	if d > 0 {
		return "▲"
	}
	return "▼"
}

func percent(p float64) string {
	if p < 1 {
		return "<1 %"
	}
	return strconv.FormatFloat(math.Round(p), 'f', 0, 64) + " %"
}

// Rate is a share from 0 to 1 as a percentage: "7.6 %".
func Rate(r float64) string { return strconv.FormatFloat(r*100, 'f', 1, 64) + " %" }

// Duration is a wait as people say it: "45 s", "12 min", "2 h 15 min",
// "3 d 4 h".
func Duration(d time.Duration) string {
	d = d.Round(time.Second)
	switch {
	case d < time.Minute:
		return fmt.Sprintf("%d s", d/time.Second)
	case d < time.Hour:
		return fmt.Sprintf("%d min", d/time.Minute)
	case d < 24*time.Hour:
		return strings.TrimSuffix(fmt.Sprintf("%d h %d min", d/time.Hour, d%time.Hour/time.Minute), " 0 min")
	}
	return strings.TrimSuffix(fmt.Sprintf("%d d %d h", d/(24*time.Hour), d%(24*time.Hour)/time.Hour), " 0 h")
}

// Weekdays name ByWeekdayHour's rows.
var Weekdays = [7]string{"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"}

// TotalLine is one of a report's totals, as every front end shows it: the
// label, the figure now and before, and the change.
type TotalLine struct{ Label, Now, Before, Change string }

// TotalLines are rep's totals against the period before.
func TotalLines(rep *store.Report) []TotalLine {
	t, p := rep.Totals, rep.Previous
	count := func(label string, now, before int) TotalLine {
		return TotalLine{label, english.Count(now), english.Count(before), Change(float64(now), float64(before))}
	}
	return []TotalLine{
		count("Conversations", t.Conversations, p.Conversations),
		count("Messages", t.Messages, p.Messages),
		{"Messages per conversation", fmt.Sprintf("%.2f", t.AvgMessages()), fmt.Sprintf("%.2f", p.AvgMessages()),
			Change(t.AvgMessages(), p.AvgMessages())},
		count("Visitors' messages", t.VisitorMessages, p.VisitorMessages),
		count("Leads", t.Leads, p.Leads),
		count("Appointments", t.Appointments, p.Appointments),
		{"Conversion rate", Rate(t.ConversionRate()), Rate(p.ConversionRate()), ChangePoints(t.ConversionRate(), p.ConversionRate())},
	}
}

// Period names rep's days and zone: "2025-01-01 – 2025-01-31 (UTC days)".
func Period(from, to api.Day, zone *time.Location) string {
	days := "UTC days"
	if zone != nil && zone != time.UTC {
		days = "days in " + zone.String()
	}
	if from == to {
		return fmt.Sprintf("%s (%s)", from, strings.TrimSuffix(days, "s"))
	}
	return fmt.Sprintf("%s – %s (%s)", from, to, days)
}

// Coverage says how much of the bot's history the store holds: "48,210 of
// 51,900 messages stored · 93 %" (100 % only when all of it is); "" when
// Neoagent's count is unknown.
func Coverage(rep *store.Report) string {
	return CoverageOf(rep.StoredMessages, rep.TotalMessages)
}

// CoverageOf is Coverage of stored messages of total.
func CoverageOf(stored int, total int64) string {
	if total <= 0 {
		return ""
	}
	pct := (int64(stored)*200 + total) / (2 * total) // rounded
	if pct >= 100 && int64(stored) < total {
		pct = 99
	}
	return fmt.Sprintf("%s of %s messages stored · %d %%", english.Count(stored), english.Count(int(total)), pct)
}

// MedianLine says the median time to contact, or why there is none.
func MedianLine(rep *store.Report) string {
	if rep.Contacted == 0 {
		return "No lead of the period has left new yet: no time to contact."
	}
	return fmt.Sprintf("Median time from a lead's arrival to its first status past new: %s (%s).",
		Duration(rep.MedianTimeToContact), english.Plural(rep.Contacted, "lead"))
}

// ReportMarkdown writes rep as a Markdown document for bot, its days in
// the zone days and its hours in hours: the page names visitors' browsers
// sent are escaped, and links only as autolinks that show their target.
func ReportMarkdown(w io.Writer, rep *store.Report, bot string, days, hours *time.Location) error {
	var b strings.Builder
	n := int(rep.To - rep.From + 1)
	fmt.Fprintf(&b, "# Report · %s\n\n%s, compared with the %s before.\n\n",
		mdText(bot), Period(rep.From, rep.To, days), english.Plural(n, "day"))
	if c := Coverage(rep); c != "" {
		fmt.Fprintf(&b, "The bot's history in the local store: %s.\n\n", c)
	}
	b.WriteString("| | This period | The period before | Change |\n|---|---:|---:|---:|\n")
	for _, l := range TotalLines(rep) {
		fmt.Fprintf(&b, "| %s | %s | %s | %s |\n", mdText(l.Label), l.Now, l.Before, l.Change)
	}
	if recs := Recommendations(rep.Totals); len(recs) > 0 {
		b.WriteString("\n## Recommendations\n\n")
		for _, r := range recs {
			fmt.Fprintf(&b, "- %s\n", r)
		}
	}
	b.WriteString("\n## Per day\n\n| Day | Conversations | Messages | Leads | Appointments |\n|---|---:|---:|---:|---:|\n")
	for _, d := range rep.PerDay {
		fmt.Fprintf(&b, "| %s | %d | %d | %d | %d |\n", d.Day, d.Conversations, d.Messages, d.Leads, d.Appointments)
	}
	fmt.Fprintf(&b, "\n## When visitors write\n\nVisitors' messages by weekday and hour (%s), each counted at its conversation's start.\n\n|",
		mdText(hours.String()))
	for h := range 24 {
		fmt.Fprintf(&b, " | %02d", h)
	}
	b.WriteString(" |\n|---" + strings.Repeat("|---:", 24) + "|\n")
	for d, hours := range rep.ByWeekdayHour {
		b.WriteString("| " + Weekdays[d])
		for _, v := range hours {
			fmt.Fprintf(&b, " | %d", v)
		}
		b.WriteString(" |\n")
	}
	if len(rep.TopPages) > 0 {
		b.WriteString("\n## Top pages\n\n| Page | Conversations | Leads |\n|---|---:|---:|\n")
		for _, p := range rep.TopPages {
			fmt.Fprintf(&b, "| %s | %d | %d |\n", pageMarkdown(p.URI), p.Conversations, p.Leads)
		}
	}
	b.WriteString("\n## Triage\n\n| Status | Leads |\n|---|---:|\n")
	for _, st := range store.Statuses {
		fmt.Fprintf(&b, "| %s | %d |\n", st, rep.Funnel[st])
	}
	fmt.Fprintf(&b, "\n%s\n", MedianLine(rep))
	_, err := io.WriteString(w, b.String())
	return err
}

// pageMarkdown is a page as an autolink; a bare host and path, as Neoagent
// sends them, is taken as https. No page reads "(no page)".
func pageMarkdown(uri string) string {
	uri = strings.TrimSpace(uri)
	switch {
	case uri == "":
		return "(no page)"
	case !strings.Contains(uri, "://"):
		uri = "https://" + uri
	}
	link := MarkdownLink(uri)
	if strings.HasPrefix(link, "<") {
		link = strings.ReplaceAll(link, "|", "%7C") // it would end the table's cell: no escape works in an autolink
	}
	return link
}

// FunnelLine is the triage funnel in one line: "new 40 · contacted 20 · …".
func FunnelLine(f map[store.Status]int) string {
	parts := make([]string, len(store.Statuses))
	for i, st := range store.Statuses {
		parts[i] = fmt.Sprintf("%s %s", st, english.Count(f[st]))
	}
	return strings.Join(parts, " · ")
}

// shades go from nothing to the most, for a heatmap in plain text.
var shades = []rune(" ░▒▓█")

// Shades draws values as one character each, darker for more, relative to
// top: nothing is blank, anything at all at least ░.
func Shades(values []int, top int) string {
	out := make([]rune, len(values))
	for i, v := range values {
		level := 0
		if v > 0 && top > 0 { // the ceiling of a quarter of top per shade
			level = min((v*(len(shades)-1)+top-1)/top, len(shades)-1)
		}
		out[i] = shades[level]
	}
	return string(out)
}

// HourScale labels the columns of 24 Shades: "00    06    12    18    ".
const HourScale = "00    06    12    18    "

// HeatMax is the largest count of a weekday × hour heatmap.
func HeatMax(heat [7][24]int) int {
	m := 0
	for _, row := range heat {
		for _, v := range row {
			m = max(m, v)
		}
	}
	return m
}
