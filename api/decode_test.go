package api_test

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/neotui/neotui/api"
)

// docsHistory is the history example of the vendor's docs, verbatim.
const docsHistory = `{
  "Data": [
    {"SessionID": 31302, "CreateTime": "2023-11-21T16:22:42.264484Z", "URI": "xxx",
     "Messages": [
       {"Type": "AI",   "Content": "Ciao! Come posso aiutarti?"},
       {"Type": "User", "Content": "voglio prenotare un appuntamento"},
       {"Type": "AI",   "Content": "Perfetto! Seleziona la data e l'orario che preferisci..."}
     ]}
  ],
  "Version": "1.0.0", "Success": true, "Code": 200, "Message": ""
}`

const docsLeads = `{
  "Data": [
    {"Type": "Lead", "Name": "test", "Email": "test@qq.com", "PhoneNumber": "",
     "CreateTime": "2023-11-23T18:36:21.512302-08:00", "Content": "test",
     "SessionID": 31305, "URI": "www.xxx.com", "Count": 2},
    {"Type": "Appointment", "Name": "test444", "Email": "test444@qq.com", "PhoneNumber": "",
     "CreateTime": "2023-11-21T19:13:44.054019-08:00", "Content": "Please share anything",
     "SessionID": 31313, "URI": "www.xxx.com", "Count": 2}
  ],
  "Version": "1.0.0", "Success": true, "Code": 200, "Message": ""
}`

func TestDecodeDocsExamples(t *testing.T) {
	sessions, env, err := api.Decode(strings.NewReader(docsHistory))
	if err != nil || !env.OK() {
		t.Fatalf("decode: %v, ok=%v", err, env.OK())
	}
	if len(sessions) != 1 || sessions[0].SessionID != 31302 || len(sessions[0].Messages) != 3 ||
		sessions[0].Messages[1].Type != api.RoleUser || sessions[0].URI != "xxx" {
		t.Fatalf("sessions = %+v", sessions)
	}
	if got := sessions[0].CreateTime.Format(time.RFC3339Nano); got != "2023-11-21T16:22:42.264484Z" {
		t.Errorf("CreateTime = %s", got)
	}

	leads, _, err := api.DecodeLeads(strings.NewReader(docsLeads))
	if err != nil {
		t.Fatal(err)
	}
	if len(leads) != 2 || leads[1].Type != api.TypeAppointment || leads[0].Count != 2 || leads[0].SessionID != 31305 {
		t.Fatalf("leads = %+v", leads)
	}
	// The offset survives, and the UTC day is the next one.
	if got := leads[0].CreateTime.Format(time.RFC3339Nano); got != "2023-11-23T18:36:21.512302-08:00" {
		t.Errorf("CreateTime = %s", got)
	}
	if got := api.DayOf(leads[0].CreateTime).String(); got != "2023-11-24" {
		t.Errorf("UTC day = %s, want 2023-11-24", got)
	}
}

func TestDecodeLenient(t *testing.T) {
	tests := []struct {
		name, body string
		check      func(t *testing.T, s []api.Session)
	}{
		{"fields in another order, Data last", `{"Success":true,"Code":200,"Data":[{"SessionID":1}]}`,
			func(t *testing.T, s []api.Session) {
				if len(s) != 1 || s[0].SessionID != 1 {
					t.Errorf("got %+v", s)
				}
			}},
		{"null Data", `{"Data":null,"Success":true}`, func(t *testing.T, s []api.Session) {
			if len(s) != 0 {
				t.Errorf("got %+v", s)
			}
		}},
		{"time without zone is UTC", `{"Data":[{"CreateTime":"2024-05-01T10:00:00.5"}],"Success":true}`,
			func(t *testing.T, s []api.Session) {
				if want := time.Date(2024, 5, 1, 10, 0, 0, 5e8, time.UTC); !s[0].CreateTime.Equal(want) {
					t.Errorf("got %v", s[0].CreateTime)
				}
			}},
		{"unknown fields and message type kept", `{"Data":[{"SessionID":2,"Extra":{"a":[1]},"Messages":[{"Type":"System","Content":"x"}]}],"Success":true,"More":1}`,
			func(t *testing.T, s []api.Session) {
				if s[0].Messages[0].Type != "System" {
					t.Errorf("got %+v", s)
				}
			}},
		{"lower-case names", `{"data":[{"sessionId":3,"messages":[{"type":"AI","content":"hi"}]}],"success":true}`,
			func(t *testing.T, s []api.Session) {
				if len(s) != 1 || s[0].SessionID != 3 || s[0].Messages[0].Content != "hi" {
					t.Errorf("got %+v", s)
				}
			}},
		{"a time that is no time is the zero time, and the rest decodes",
			`{"Data":[{"SessionID":1,"CreateTime":"yesterday"},{"SessionID":2,"CreateTime":{"at":[1]}},{"SessionID":3,"CreateTime":7},` +
				`{"SessionID":4,"CreateTime":"2024-05-01T10:00:00Z"}],"Success":true}`,
			func(t *testing.T, s []api.Session) {
				if len(s) != 4 || !s[0].CreateTime.IsZero() || !s[1].CreateTime.IsZero() || !s[2].CreateTime.IsZero() ||
					s[3].SessionID != 4 || s[3].CreateTime.IsZero() {
					t.Errorf("got %+v", s)
				}
			}},
		{"invalid UTF-8 becomes U+FFFD", "{\"Data\":[{\"URI\":\"a\xffb\"}],\"Success\":true}",
			func(t *testing.T, s []api.Session) {
				if s[0].URI != "a\ufffdb" {
					t.Errorf("got %q", s[0].URI)
				}
			}},
		{"escape sequences kept verbatim (sanitizing is at print time)", `{"Data":[{"URI":"\u001b]52;c;aGk=\u0007"}],"Success":true}`,
			func(t *testing.T, s []api.Session) {
				if s[0].URI != "\x1b]52;c;aGk=\x07" {
					t.Errorf("got %q", s[0].URI)
				}
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, env, err := api.Decode(strings.NewReader(tt.body))
			if err != nil || !env.OK() {
				t.Fatalf("err %v ok %v", err, env.OK())
			}
			tt.check(t, s)
		})
	}
}

func TestDecodeFailures(t *testing.T) {
	tests := []struct{ name, body string }{
		{"truncated", docsHistory[:len(docsHistory)/2]},
		{"not an object", `[1,2]`},
		{"Data not a list", `{"Data":{"a":1}}`},
		{"empty", ``},
		{"garbage after a field", `{"Data":[] x}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, _, err := api.Decode(strings.NewReader(tt.body)); err == nil {
				t.Fatal("decoded without error")
			}
		})
	}
	_, _, err := api.Decode(strings.NewReader(docsHistory[:len(docsHistory)/2]))
	if !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Errorf("truncated body: %v, want io.ErrUnexpectedEOF (so it is retried)", err)
	}
}

func TestDecodeBusinessFailure(t *testing.T) {
	_, env, err := api.Decode(strings.NewReader(`{"Data":null,"Success":false,"Code":404,"Message":"chatbot not found"}`))
	if err != nil || env.OK() {
		t.Fatalf("err %v ok %v: a Success:false body must not be ok", err, env.OK())
	}
}

// FuzzDecode: any input decodes or fails cleanly, never panics, and a
// decoded body re-decodes the same.
func FuzzDecode(f *testing.F) {
	f.Add(docsHistory)
	f.Add(docsLeads)
	f.Add(`{"Data":[{"SessionID":1,"Messages":[{"Type":"AI","Content":"\u001b[31m"}]}],"Success":true}`)
	f.Add(`{"Data":null,"Success":false,"Code":413,"Message":"range too large"}`)
	f.Add(`{"Data":[{"CreateTime":"2024-05-01 10:00:00"}]}`)
	f.Fuzz(func(t *testing.T, body string) {
		sessions, _, err := api.Decode(strings.NewReader(body))
		if err != nil {
			return
		}
		for _, s := range sessions {
			_ = s.CreateTime.Format(time.RFC3339Nano)
		}
		_, _, _ = api.DecodeLeads(strings.NewReader(body))
	})
}

// bigHistory is a history response of about n bytes, in the API's shape.
func bigHistory(n int) []byte {
	var b bytes.Buffer
	b.WriteString(`{"Data":[`)
	for i := 0; b.Len() < n; i++ {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"SessionID":%d,"CreateTime":"2025-01-02T03:04:05.123456Z","URI":"https://www.example-shop.com/pricing","Messages":[`, i)
		for m := 0; m < 10; m++ {
			if m > 0 {
				b.WriteByte(',')
			}
			fmt.Fprintf(&b, `{"Type":"AI","Content":"**Hola!** Gracias por escribirnos, message %d of session %d. ¿En qué puedo ayudarte hoy? 😊"}`, m, i)
		}
		b.WriteString("]}")
	}
	b.WriteString(`],"Version":"1.0.0","Success":true,"Code":200,"Message":""}`)
	return b.Bytes()
}

// BenchmarkDecode50MB measures the streaming decoder on a 50 MB response.
// kept-MB is the heap the decoded sessions hold; above-kept-MB is the most
// the heap held during decoding beyond the body and the decoded sessions.
func BenchmarkDecode50MB(b *testing.B) {
	body := bytes.Clone(bigHistory(50 << 20)) // no spare capacity in the heap figures
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		if _, _, err := api.Decode(bytes.NewReader(body)); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	var before, after runtime.MemStats
	runtime.GC()
	runtime.GC() // a second time, to empty sync.Pool victim caches
	runtime.ReadMemStats(&before)
	var sampler peakSampler
	sampler.start()
	kept, _, _ := api.Decode(bytes.NewReader(body))
	peak := sampler.stop()
	runtime.GC()
	runtime.GC()
	runtime.ReadMemStats(&after)
	keptBytes := int64(after.HeapAlloc) - int64(before.HeapAlloc)
	b.ReportMetric(float64(keptBytes)/(1<<20), "kept-MB")
	b.ReportMetric(float64(int64(peak)-int64(after.HeapAlloc))/(1<<20), "above-kept-MB")
	runtime.KeepAlive(kept)
	runtime.KeepAlive(body) // else the body is freed once decoded, and kept-MB shrinks by its size
}

// peakSampler polls the heap while a decode runs.
type peakSampler struct {
	done chan struct{}
	peak chan uint64
}

func (p *peakSampler) start() {
	p.done, p.peak = make(chan struct{}), make(chan uint64)
	go func() {
		var max uint64
		var ms runtime.MemStats
		for {
			runtime.ReadMemStats(&ms)
			max = maxU(max, ms.HeapAlloc)
			select {
			case <-p.done:
				p.peak <- max
				return
			case <-time.After(time.Millisecond):
			}
		}
	}()
}

func (p *peakSampler) stop() uint64 { close(p.done); return <-p.peak }

func maxU(a, b uint64) uint64 {
	if a > b {
		return a
	}
	return b
}
