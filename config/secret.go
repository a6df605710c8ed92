package config

import (
	"fmt"
	"io"
	"strings"
)

const redacted = "[redacted]"

// Secret holds an API key. However it is printed, logged or marshalled it shows
// as [redacted], so the key cannot leak through an error, a log line, a panic
// or a %+v of a Config. Reveal is the only way to the value.
//
// Keep secrets in exported Secret fields only: fmt cannot call methods on
// unexported fields and would print those raw.
type Secret string

// Reveal returns the key itself, for the Authorization header and nothing else.
func (s Secret) Reveal() string { return string(s) }

func (Secret) String() string   { return redacted }
func (Secret) GoString() string { return redacted }

// Format redacts every verb, including %q, %x and %#v.
func (Secret) Format(f fmt.State, verb rune) { io.WriteString(f, redacted) }

func (Secret) MarshalText() ([]byte, error) { return []byte(redacted), nil }
func (Secret) MarshalJSON() ([]byte, error) { return []byte(`"` + redacted + `"`), nil }

// MaskSerial is a chatbot's serial as screens show it: its last four
// characters, enough to tell one's own bots apart, not to use it.
func MaskSerial(serial string) string {
	const mask = "••••"
	r := []rune(strings.TrimSpace(serial))
	if len(r) <= 4 {
		return mask
	}
	return mask + string(r[len(r)-4:])
}
