// Package api is a client for Neoagent's two read-only endpoints: leads and
// appointments (LeadList) and conversation history (ChatContentHistory).
package api

import "time"

// Lead types as the API sends them.
const (
	TypeLead        = "Lead"
	TypeAppointment = "Appointment"
)

// Message roles as the API sends them. Any other value is a system note.
const (
	RoleAI   = "AI"
	RoleUser = "User"
)

// Lead is one record of LeadList: a visitor who left contact details (a Lead)
// or booked a time (an Appointment). Every string is typed by an anonymous
// visitor and must be sanitized before it reaches a terminal.
type Lead struct {
	Type        string    `json:"Type"`
	Name        string    `json:"Name"`
	Email       string    `json:"Email"`
	PhoneNumber string    `json:"PhoneNumber"`
	CreateTime  time.Time `json:"CreateTime"`
	Content     string    `json:"Content"`
	SessionID   int64     `json:"SessionID"`
	URI         string    `json:"URI"`
	Count       int64     `json:"Count"`
}

// Session is one conversation of ChatContentHistory, its messages in order.
type Session struct {
	SessionID  int64     `json:"SessionID"`
	CreateTime time.Time `json:"CreateTime"`
	URI        string    `json:"URI"`
	Messages   []Message `json:"Messages"`
}

// Message is one turn of a conversation. Type is RoleAI, RoleUser, or
// anything else (shown as a system note, never dropped).
type Message struct {
	Type    string `json:"Type"`
	Content string `json:"Content"`
}
