package export

import (
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/neotui/neotui/api"
	"github.com/neotui/neotui/internal/store"
)

// LeadRecord is a lead as exported: the API's own record and field names,
// then the local triage state.
type LeadRecord struct {
	api.Lead `json:",inline"`

	// Status is one of store.Statuses; "new" when the lead was never triaged.
	Status  string `json:"Status"`
	Starred bool   `json:"Starred"`
	// SnoozedUntil is when a snooze ends (RFC 3339), omitted when the lead
	// was never snoozed. It may be in the past: the snooze is over.
	SnoozedUntil time.Time `json:"SnoozedUntil,omitzero"`
	// Seen is whether someone has opened the lead.
	Seen  bool         `json:"Seen"`
	Notes []NoteRecord `json:"Notes"`
	// Bot is the chatbot's serial and BotName its configured name, set only
	// when the leads come from more than one bot.
	Bot     string `json:"Bot,omitzero"`
	BotName string `json:"BotName,omitzero"`
}

// NoteRecord is one note on a lead, as exported.
type NoteRecord struct {
	Author    string    `json:"Author"`
	Body      string    `json:"Body"`
	CreatedAt time.Time `json:"CreatedAt"`
}

// LeadRecords turns stored leads and their notes (by lead Key; nil for none)
// into records, in the same order. botNames names bots by serial, for
// leads of several bots; nil leaves BotName empty.
func LeadRecords(leads []store.Lead, notes map[string][]store.Note, botNames map[string]string) []LeadRecord {
	several := severalBots(leads)
	out := make([]LeadRecord, len(leads))
	for i, l := range leads {
		t := l.Triage()
		r := LeadRecord{
			Lead:         l.Lead,
			Status:       statusName(t.Status),
			Starred:      t.Starred,
			SnoozedUntil: t.SnoozedUntil.UTC(),
			Seen:         !t.SeenAt.IsZero(),
		}
		if several {
			r.Bot, r.BotName = l.Bot, botNames[l.Bot]
		}
		for _, n := range notes[l.Key] {
			r.Notes = append(r.Notes, NoteRecord{Author: n.Author, Body: n.Body, CreatedAt: n.CreatedAt.UTC()})
		}
		out[i] = r
	}
	return out
}

// LeadsJSON writes leads as a JSON array of LeadRecords (see JSON for how
// visitors' text is kept safe). Notes is by lead Key; nil for none.
func LeadsJSON(w io.Writer, leads []store.Lead, notes map[string][]store.Note, botNames map[string]string) error {
	return JSON(w, LeadRecords(leads, notes, botNames))
}

// leadColumns are the API's fields, then the triage state.
var leadColumns = []string{"Type", "Name", "Email", "PhoneNumber", "CreateTime", "Content", "SessionID", "URI", "Count",
	"Status", "Starred", "SnoozedUntil", "Seen", "Notes"}

// LeadsCSV writes leads as CSV (see CSV): the API's nine fields, CreateTime
// in UTC (RFC 3339, ending in Z, the same for every reader), then Status,
// Starred, SnoozedUntil (RFC 3339 or empty), Seen, and Notes, all of a lead's
// notes in one cell as "2006-01-02 15:04 author: text" lines (UTC). When the
// leads come from more than one bot two last columns, Bot (the serial) and
// BotName (from botNames, by serial), say whose each is. Notes is by lead
// Key; nil leaves the Notes cells empty.
func LeadsCSV(w io.Writer, leads []store.Lead, notes map[string][]store.Note, botNames map[string]string) error {
	header := leadColumns
	several := severalBots(leads)
	if several {
		header = append(header[:len(header):len(header)], "Bot", "BotName")
	}
	rows := make([][]string, len(leads))
	for i, r := range LeadRecords(leads, notes, botNames) {
		snoozed := ""
		if !r.SnoozedUntil.IsZero() {
			snoozed = r.SnoozedUntil.Format(time.RFC3339)
		}
		rows[i] = []string{r.Type, r.Name, r.Email, r.PhoneNumber, r.CreateTime.UTC().Format(time.RFC3339Nano),
			r.Content, strconv.FormatInt(r.SessionID, 10), r.URI, strconv.FormatInt(r.Count, 10),
			r.Status, strconv.FormatBool(r.Starred), snoozed, strconv.FormatBool(r.Seen), notesCell(r.Notes)}
		if several {
			rows[i] = append(rows[i], r.Bot, r.BotName)
		}
	}
	return CSV(w, header, rows)
}

// notesCell is a lead's notes in one cell, in the order given, one a
// line; a note's own further lines are indented under it.
func notesCell(notes []NoteRecord) string {
	var b strings.Builder
	for i, n := range notes {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(n.CreatedAt.UTC().Format("2006-01-02 15:04"))
		b.WriteByte(' ')
		b.WriteString(strings.TrimSpace(n.Author))
		b.WriteString(": ")
		b.WriteString(strings.ReplaceAll(strings.TrimSpace(n.Body), "\n", "\n  "))
	}
	return b.String()
}

func statusName(s store.Status) string {
	if s == "" {
		return "new"
	}
	return string(s)
}

func severalBots(leads []store.Lead) bool {
	for _, l := range leads[min(1, len(leads)):] {
		if l.Bot != leads[0].Bot {
			return true
		}
	}
	return false
}
