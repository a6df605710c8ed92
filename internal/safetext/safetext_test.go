package safetext

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestClean(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		// Text that must pass through unchanged.
		{"empty", "", ""},
		{"plain", "Mario Rossi <mario@example.it>", "Mario Rossi <mario@example.it>"},
		{"newline and tab kept", "riga uno\n\triga due", "riga uno\n\triga due"},
		{"italian accents", "perché è già così, più tardi", "perché è già così, più tardi"},
		{"spanish accents", "¿Cuándo llegará el niño? ¡Señor Núñez!", "¿Cuándo llegará el niño? ¡Señor Núñez!"},
		{"cjk", "你好，我想预约。こんにちは 안녕하세요", "你好，我想预约。こんにちは 안녕하세요"},
		{"emoji and zwj", "👍🏽 👨‍👩‍👧 🇮🇹", "👍🏽 👨‍👩‍👧 🇮🇹"},
		{"arabic without controls", "مرحبا", "مرحبا"},
		{"replacement char kept", "a\uFFFDb", "a\uFFFDb"},

		// CSI.
		{"sgr color", "\x1b[31mred\x1b[0m", "red"},
		{"sgr inside a word leaves nothing", "re\x1b[1md\x1b[0m", "red"},
		{"cursor up between words leaves a space", "one\x1b[2Atwo", "one two"},
		{"cursor position between words", "one\x1b[5;1Htwo\u009b3Cthree", "one two three"},
		{"erase between words", "one\x1b[Ktwo", "one two"},
		{"a move beside a space adds none", "one \x1b[2Atwo\x1b[K three", "one two three"},
		{"a move at the start adds none", "\x1b[2Jhi", "hi"},
		{"a move before a newline adds none", "one\x1b[2A\ntwo", "one\ntwo"},
		{"restore cursor between words", "one\x1b8two", "one two"},
		{"private mode", "a\x1b[?1049hb", "ab"},
		{"cursor move with intermediate", "a\x1b[2 qb", "ab"},
		{"clear screen", "\x1b[2J\x1b[Hhi", "hi"},
		{"csi unterminated", "a\x1b[12;3", "a"},
		{"csi broken by newline", "a\x1b[12\nb", "a\nb"},
		{"csi broken by non-ascii", "a\x1b[1é", "aé"},
		{"8-bit csi", "a\u009b31mb", "ab"},

		// OSC.
		{"osc 52 clipboard bel", "x\x1b]52;c;cm0gLXJmIH4K\x07y", "xy"},
		{"osc 52 clipboard st", "x\x1b]52;c;cm0gLXJmIH4K\x1b\\y", "xy"},
		{"osc 52 clipboard 8-bit st", "x\x1b]52;c;cm0gLXJmIH4K\u009cy", "xy"},
		{"osc 52 8-bit introducer", "x\u009d52;c;cm0gLXJmIH4K\x07y", "xy"},
		{"osc 8 hyperlink", "\x1b]8;;https://evil.example\x1b\\click\x1b]8;;\x1b\\", "click"},
		{"osc title", "\x1b]0;pwned\x07name", "name"},
		{"osc unterminated", "name\x1b]52;c;cm0gLXJmIH4K", "name"},
		{"osc ended by next escape", "\x1b]0;t\x1b[1mbold", "bold"},
		{"osc payload newlines go too", "a\x1b]0;x\ny\x07b", "ab"},

		// Other control strings.
		{"dcs", "a\x1bPq#0;2;0;0;0\x1b\\b", "ab"},
		{"dcs 8-bit", "a\u0090q\u009cb", "ab"},
		{"sos", "a\x1bXhidden\x1b\\b", "ab"},
		{"sos 8-bit", "a\u0098hidden\u009cb", "ab"},
		{"pm", "a\x1b^hidden\x07b", "ab"},
		{"pm 8-bit", "a\u009ehidden\x07b", "ab"},
		{"apc", "a\x1b_Gf=100;AAAA\x1b\\b", "ab"},
		{"apc 8-bit", "a\u009fGf=100\u009cb", "ab"},
		{"apc unterminated", "a\x1b_Gf=100;AAAA", "a"},

		// Short escapes.
		{"save cursor", "a\x1b7b", "ab"},
		{"charset with intermediate", "a\x1b(0b", "ab"},
		{"dec alignment", "a\x1b#8b", "ab"},
		{"reset", "a\x1bcb", "ab"},
		{"lone esc at end", "a\x1b", "a"},
		{"esc esc", "a\x1b\x1b[1mb", "ab"},
		{"esc then intermediate at end", "a\x1b(", "a"},
		{"esc then control", "a\x1b\nb", "a\nb"},

		// Controls.
		{"crlf", "uno\r\ndue\r\n", "uno\ndue\n"},
		{"lone cr", "pay 100\r999", "pay 100\n999"},
		{"bell backspace nul", "a\x07\x08\x00b", "ab"},
		{"vertical tab form feed", "a\x0b\x0cb", "ab"},
		{"del", "a\x7fb", "ab"},
		{"c1 runes", "a\u0080\u0085\u008d\u009cb", "ab"},

		// Bidi.
		{"rlo", "invoice\u202Etxt.exe", "invoicetxt.exe"},
		{"embeddings and pdf", "\u202A\u202B\u202Ca\u202D", "a"},
		{"isolates", "\u2066a\u2067b\u2068c\u2069", "abc"},
		{"marks", "a\u200Eb\u200Fc\u061Cd", "abcd"},

		// Invalid UTF-8.
		{"invalid byte", "a\xffb", "a\uFFFDb"},
		{"truncated rune", "caf\xc3", "caf\uFFFD"},
		{"raw 8-bit csi byte", "a\x9b31mb", "a\uFFFD31mb"},
		{"overlong encoding", "\xc0\xaf", "\uFFFD\uFFFD"},
		{"invalid in clean-looking text", "già\xe0x", "già\uFFFDx"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Clean(tt.in); got != tt.want {
				t.Errorf("Clean(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestLine(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"plain", "Mario Rossi", "Mario Rossi"},
		{"newline", "uno\ndue", "uno due"},
		{"tab", "a\tb", "a b"},
		{"crlf is one space", "uno\r\ndue", "uno due"},
		{"spaces not collapsed", "a  \n\n  b", "a      b"},
		{"escapes still removed", "\x1b[31mred\x1b]0;t\x07\n", "red "},
		{"accents", "perché\tsí", "perché sí"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Line(tt.in); got != tt.want {
				t.Errorf("Line(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

// Clean text is the common case; it must cost no allocation.
func TestCleanDoesNotAllocateForCleanText(t *testing.T) {
	for _, s := range []string{"", "hello", "perché 你好 👍🏽\n\tok"} {
		if n := testing.AllocsPerRun(100, func() { Clean(s) }); n != 0 {
			t.Errorf("Clean(%q) allocates %v times, want 0", s, n)
		}
	}
	if n := testing.AllocsPerRun(100, func() { Line("perché 你好") }); n != 0 {
		t.Errorf("Line allocates %v times, want 0", n)
	}
}

func FuzzClean(f *testing.F) {
	for _, s := range []string{
		"",
		"perché è già così",
		"你好 👨‍👩‍👧",
		"\x1b]52;c;cm0gLXJmIH4K\x07",
		"\x1b]52;c;cm0gLXJmIH4K\x1b\\",
		"\x1b]8;;https://evil.example\x1b\\click\x1b]8;;\x1b\\",
		"\x1b[31mred\x1b[0m\r\n",
		"\u009b31m\u009d0;t\u009c\u0090q\u009c",
		"\x1bP\x1bX\x1b^\x1b_",
		"\u202Etxt.exe\u2066\u200F\u061C",
		"a\xffb\xc3",
		"\x1b(\x1b#\x1b",
		"\x1b]0;t\x1b[1mb\x1b\\",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		c := Clean(s)
		checkSafe(t, "Clean", s, c, false)
		if again := Clean(c); again != c {
			t.Errorf("Clean is not idempotent on %q: %q then %q", s, c, again)
		}
		l := Line(s)
		checkSafe(t, "Line", s, l, true)
		// Line is exactly Clean with newlines and tabs as spaces.
		if want := strings.NewReplacer("\n", " ", "\t", " ").Replace(c); l != want {
			t.Errorf("Line(%q) = %q, want %q", s, l, want)
		}
	})
}

func checkSafe(t *testing.T, fn, in, out string, oneLine bool) {
	t.Helper()
	if !utf8.ValidString(out) {
		t.Fatalf("%s(%q) = %q: invalid UTF-8", fn, in, out)
	}
	for _, r := range out {
		unsafe := r < 0x20 && r != '\n' && r != '\t' ||
			r == 0x7f ||
			r >= 0x80 && r <= 0x9f ||
			r >= 0x202a && r <= 0x202e ||
			r >= 0x2066 && r <= 0x2069 ||
			r == 0x200e || r == 0x200f || r == 0x061c ||
			oneLine && (r == '\n' || r == '\t')
		if unsafe {
			t.Fatalf("%s(%q) = %q: contains %U", fn, in, out, r)
		}
	}
}

func BenchmarkClean(b *testing.B) {
	clean := strings.Repeat("Ciao! Vorrei prenotare un appuntamento per giovedì alle 15. ", 4)[:200]
	dirty := strings.Repeat("Ciao \x1b[31m!\x1b[0m perché\r\n\x1b]52;c;aGk=\x07 ok ", 5)[:200]
	for _, bc := range []struct{ name, s string }{{"clean", clean}, {"dirty", dirty}} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(bc.s)))
			for b.Loop() {
				Clean(bc.s)
			}
		})
	}
}
