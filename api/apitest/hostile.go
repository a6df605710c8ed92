package apitest

import (
	"strings"
	"sync"

	"github.com/neotui/neotui/api"
)

// Hostile records sit at fixed positions of every generated bot, counted back
// from its newest session, so each bot (the demo's included) exercises them
// and a recent sync always fetches them: session index Len()-k for each
// constant k below. Bots with fewer than k sessions lack that record.
const (
	// A Lead whose Name, Email, PhoneNumber, Content and URI carry escape
	// sequences (OSC 52 clipboard write, CSI colour, C1 CSI, bidi override);
	// the transcript echoes them back.
	HostileContact = 2
	// A transcript of every escape kind: CSI colour, OSC 8 link, cursor
	// movement, \r overwrite, C1 controls, bidi overrides, an &#27; HTML
	// entity in Markdown, DCS/APC/PM/SOS strings, NUL, DEL, BEL, backspace,
	// OSC title; and an Appointment whose Name and Content carry some.
	HostileEscapes = 3
	// A visitor message of 50 KB (a pasted log with a 4 KB unbroken token).
	HostileHuge = 5
	// A session with no messages at all, and a Lead pointing at it.
	HostileEmpty = 7
	// A message of the unknown Type "System" amid a normal dialogue.
	HostileSystem = 8
)

// HugeMessageSize is the minimum length of the HostileHuge message.
const HugeMessageSize = 50 << 10

// hostile returns which hostile record session i is, or 0.
func (g *generator) hostile(i int) int {
	switch k := g.n - i; k {
	case HostileContact, HostileEscapes, HostileHuge, HostileEmpty, HostileSystem:
		return k
	}
	return 0
}

const (
	osc52Name   = "\x1b]52;c;aGFjaw==\x07Mallory"
	evilEmail   = "\x1b[31mmallory\x1b[0m@example.com"
	evilPhone   = "+1 555 0100\u009b2J\u202e"
	evilContent = "\x1b]0;pwned\x07call me back\r\x1b[2Kplease"
	evilURI     = site + "/\x1b[5mpricing"
)

func hostileLead(kind int, l *api.Lead) {
	switch kind {
	case HostileContact:
		l.Type = api.TypeLead
		l.Name, l.Email, l.PhoneNumber = osc52Name, evilEmail, evilPhone
		l.Content, l.URI = evilContent, evilURI
	case HostileEscapes:
		l.Type = api.TypeAppointment
		l.Name = "Eve \u202eevE"
		l.Content = "\x1b[31mI want everything\x1b[0m\rOK"
	case HostileEmpty:
		l.Content = "(the visitor filled the form and left)"
	}
}

func hostileMessages(kind int, v *visitor) []api.Message {
	switch kind {
	case HostileContact:
		return []api.Message{
			ai(v.book.ask),
			user(osc52Name + ", " + evilEmail + ", " + evilPhone),
			ai("Thanks, **" + osc52Name + "**! We'll call you at " + evilPhone + "."),
		}
	case HostileEscapes:
		return []api.Message{
			ai("Hi! How can I help?"),
			user("\x1b[31mred text\x1b[0m and \x1b[1;5mblinking\x1b[0m"),
			ai("Here is [our site](" + site + ") and a raw \x1b]8;;https://evil.example/\x07innocent link\x1b]8;;\x07"),
			user("line one\x1b[2A\x1b[10Dover the top\x1b[K"),
			user("Your order is confirmed\rYour card was charged twice"),
			user("C1 CSI: \u009b31mred\u009b0m and OSC \u009d0;title\u009c"),
			user("invoice_\u202efdp.exe and \u2066isolated\u2069 text"),
			ai("**Note**: &#27;[31mred&#27;[0m and &#x1b;]52;c;aGFjaw==&#x07; in Markdown"),
			user("DCS \x1bP1;2|secret\x1b\\ APC \x1b_payload\x1b\\ PM \x1b^x\x1b\\ SOS \x1bXx\x1b\\ NUL\x00 DEL\x7f BEL\x07 back ab\x08\x08XY"),
			ai("Title \x1b]0;pwned\x07 and clipboard \x1b]52;c;aGFjaw==\x1b\\ done"),
		}
	case HostileHuge:
		return []api.Message{ai(v.book.greet[0]), user(hugeMessage()), ai("That's a lot of text! Could you **summarise** the problem?")}
	case HostileEmpty:
		return []api.Message{}
	case HostileSystem:
		return []api.Message{
			ai(v.book.greet[0]),
			user(v.request),
			{Type: "System", Content: "Conversation transferred to a human agent"},
			ai(v.book.topics[v.topic].answer),
		}
	}
	return nil
}

// hugeMessage is made when first asked for, not as every neotui starts
// (its --version included): the fake API serves only the demo and tests.
var hugeMessage = sync.OnceValue(func() string {
	var sb strings.Builder
	sb.WriteString("Here is my log:\n")
	sb.WriteString(strings.Repeat("x", 4096) + "\n")
	for i := 0; sb.Len() < HugeMessageSize; i++ {
		sb.WriteString("2024-05-01 12:00:00 ERROR payment gateway timed out, retrying request #")
		sb.WriteString(string(rune('0' + i%10)))
		sb.WriteByte('\n')
	}
	return sb.String()
})
