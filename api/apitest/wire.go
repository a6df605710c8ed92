package apitest

import (
	"bytes"
	"encoding/json"
	"io"
	"iter"
	"slices"

	"github.com/neotui/neotui/api"
)

// wireTime is how the API writes instants: always six fractional digits, as
// in the docs ("2023-11-21T16:22:42.264484Z"), where time.Time's own
// encoding would drop trailing zeros.
const wireTime = "2006-01-02T15:04:05.000000Z07:00"

// The wire shapes: api's types with CreateTime written the API's way. Field
// order follows the docs.
type wireLead struct {
	Type        string `json:"Type"`
	Name        string `json:"Name"`
	Email       string `json:"Email"`
	PhoneNumber string `json:"PhoneNumber"`
	CreateTime  string `json:"CreateTime"`
	Content     string `json:"Content"`
	SessionID   int64  `json:"SessionID"`
	URI         string `json:"URI"`
	Count       int64  `json:"Count"`
}

type wireSession struct {
	SessionID  int64         `json:"SessionID"`
	CreateTime string        `json:"CreateTime"`
	URI        string        `json:"URI"`
	Messages   []api.Message `json:"Messages"`
}

func toWireLead(l api.Lead) any {
	return wireLead{l.Type, l.Name, l.Email, l.PhoneNumber, l.CreateTime.Format(wireTime),
		l.Content, l.SessionID, l.URI, l.Count}
}

func toWireSession(s api.Session) any {
	msgs := s.Messages
	if msgs == nil {
		msgs = []api.Message{} // the API sends [], never null
	}
	return wireSession{s.SessionID, s.CreateTime.UTC().Format(wireTime), s.URI, msgs}
}

// APIVersion is the envelope's Version.
const APIVersion = "1.0.0"

// WriteHistory writes a successful ChatContentHistory response body, encoding
// one session at a time: a 50 MB body never sits in memory.
func WriteHistory(w io.Writer, sessions iter.Seq[api.Session]) error {
	return writeData(w, sessions, toWireSession)
}

// WriteLeads writes a successful LeadList response body.
func WriteLeads(w io.Writer, leads []api.Lead) error {
	return writeData(w, slices.Values(leads), toWireLead)
}

func writeData[T any](w io.Writer, items iter.Seq[T], wire func(T) any) error {
	if _, err := io.WriteString(w, `{"Data":[`); err != nil {
		return err
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false) // write <, > and & as they are, like a plain JSON API
	sep := ""
	for it := range items {
		buf.Reset()
		buf.WriteString(sep)
		sep = ","
		if err := enc.Encode(wire(it)); err != nil {
			return err
		}
		if _, err := w.Write(bytes.TrimSuffix(buf.Bytes(), []byte("\n"))); err != nil {
			return err
		}
	}
	_, err := io.WriteString(w, `],"Version":"`+APIVersion+`","Success":true,"Code":200,"Message":""}`)
	return err
}

// writeError writes a failure envelope.
func writeError(w io.Writer, code int, msg string) error {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	err := enc.Encode(struct {
		Data    any    `json:"Data"`
		Version string `json:"Version"`
		Success bool   `json:"Success"`
		Code    int    `json:"Code"`
		Message string `json:"Message"`
	}{nil, APIVersion, false, code, msg})
	if err != nil {
		return err
	}
	_, err = w.Write(bytes.TrimSuffix(buf.Bytes(), []byte("\n")))
	return err
}
