package export

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/neotui/neotui/api"
)

// unfold undoes line folding and splits a vCard into its content lines.
func unfold(t *testing.T, card string) []string {
	t.Helper()
	if !strings.HasSuffix(card, "\r\n") {
		t.Errorf("vCard does not end in CRLF: %q", card)
	}
	for i, line := range strings.Split(strings.TrimSuffix(card, "\r\n"), "\r\n") {
		if len(line) > 75 {
			t.Errorf("physical line %d is %d octets: %q", i, len(line), line)
		}
		if !utf8.ValidString(line) {
			t.Errorf("physical line %d splits a character: %q", i, line)
		}
		if strings.ContainsAny(line, "\r\n") {
			t.Errorf("physical line %d holds a bare CR or LF: %q", i, line)
		}
	}
	return strings.Split(strings.TrimSuffix(strings.ReplaceAll(card, "\r\n ", ""), "\r\n"), "\r\n")
}

// unescape reads an RFC 6350 text value back.
func unescape(s string) string {
	return strings.NewReplacer(`\\`, `\`, `\;`, `;`, `\,`, `,`, `\n`, "\n", `\N`, "\n").Replace(s)
}

// property returns the value of the first content line named name (with
// parameters or not), and whether there is one.
func property(lines []string, name string) (string, bool) {
	for _, l := range lines {
		head, value, ok := strings.Cut(l, ":")
		if !ok {
			continue
		}
		if n, _, _ := strings.Cut(head, ";"); n == name {
			return value, true
		}
	}
	return "", false
}

func TestVCard(t *testing.T) {
	card := VCard(api.Lead{
		Name:        "Ana Maria\x1b]52;c;aGFjaw==\x07 Rossi\u202e",
		Email:       "ana,rossi;x@example.it",
		PhoneNumber: "+39 06\t123\\456",
		Content:     "Two lines:\r\nfirst; second, third\n\x1b[2Jback\\slash",
	})
	lines := unfold(t, card)
	if lines[0] != "BEGIN:VCARD" || lines[1] != "VERSION:3.0" || lines[len(lines)-1] != "END:VCARD" {
		t.Errorf("not a vCard 3.0:\n%s", card)
	}
	for _, bad := range []string{"\x1b", "\x07", "\u202e"} {
		if strings.Contains(card, bad) {
			t.Errorf("vCard carries %q", bad)
		}
	}
	want := map[string]string{
		"FN":    "Ana Maria Rossi",
		"EMAIL": "ana,rossi;x@example.it",
		"TEL":   `+39 06 123\456`,
		"NOTE":  "Two lines:\nfirst; second, third\nback\\slash",
	}
	for name, w := range want {
		v, ok := property(lines, name)
		if !ok {
			t.Errorf("no %s:\n%s", name, card)
			continue
		}
		if got := unescape(v); got != w {
			t.Errorf("%s = %q (raw %q), want %q", name, got, v, w)
		}
		// Every ; , and \ in a value is escaped, so none splits it.
		for i := 0; i < len(v); i++ {
			switch v[i] {
			case '\\':
				i++
			case ';', ',':
				t.Errorf("%s has an unescaped %q: %q", name, v[i], v)
			}
		}
	}
	if n, _ := property(lines, "N"); n != "Rossi;Ana Maria;;;" {
		t.Errorf("N = %q, want family;given;;;", n)
	}
	if e := lines[4]; !strings.HasPrefix(e, `EMAIL;TYPE=INTERNET:ana\,rossi\;x@`) {
		t.Errorf("EMAIL line %q", e)
	}
}

func TestVCardMinimal(t *testing.T) {
	lines := unfold(t, VCard(api.Lead{PhoneNumber: "+1 555 0100"}))
	want := []string{"BEGIN:VCARD", "VERSION:3.0", "FN:+1 555 0100", "N:;;;;", "TEL;TYPE=VOICE:+1 555 0100", "END:VCARD"}
	if strings.Join(lines, "|") != strings.Join(want, "|") {
		t.Errorf("got  %q\nwant %q", lines, want)
	}
	if fn, _ := property(unfold(t, VCard(api.Lead{})), "FN"); fn == "" {
		t.Error("FN is required: an empty lead still needs one")
	}
}

func TestVCardFolding(t *testing.T) {
	long := strings.Repeat("àb,", 60) + strings.Repeat(`\`, 80) + strings.Repeat("日本語", 30)
	card := VCard(api.Lead{Name: "X", Content: long})
	lines := unfold(t, card) // checks 75 octets and whole characters
	if note, _ := property(lines, "NOTE"); unescape(note) != long {
		t.Errorf("folded NOTE does not unfold to the value:\n%q\n%q", unescape(note), long)
	}
	for i, phys := range strings.Split(card, "\r\n") {
		if strings.HasPrefix(phys, " ") && escapeOpen(strings.Split(card, "\r\n")[i-1]) {
			t.Errorf("a fold splits a backslash escape at line %d", i)
		}
	}
	if strings.Count(card, "\r\n ") < 4 {
		t.Errorf("a %d-octet NOTE was hardly folded:\n%s", len(long), card)
	}
}

func TestFold(t *testing.T) {
	for _, n := range []int{0, 1, 74, 75, 76, 149, 150, 151, 300} {
		s := strings.Repeat("a", n)
		f := fold(s)
		if strings.ReplaceAll(f, "\r\n ", "") != s {
			t.Errorf("fold of %d octets does not unfold", n)
		}
		for _, l := range strings.Split(f, "\r\n") {
			if len(l) > 75 {
				t.Errorf("fold of %d octets has a %d-octet line", n, len(l))
			}
		}
		if n <= 75 && f != s {
			t.Errorf("fold of %d octets changed it", n)
		}
	}
}
