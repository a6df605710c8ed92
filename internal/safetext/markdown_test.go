package safetext

import (
	"html"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestMarkdown(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		// Kept byte for byte.
		{"empty", "", ""},
		{"plain markdown", "# Hi\n\n- **one**\n- [two](https://example.com)", "# Hi\n\n- **one**\n- [two](https://example.com)"},
		{"ordinary entities", "a &amp; b &lt;c&gt; &quot;d&quot; &nbsp;", "a &amp; b &lt;c&gt; &quot;d&quot; &nbsp;"},
		{"accented by reference", "caf&#233; caf&#xE9; caf&eacute;", "caf&#233; caf&#xE9; caf&eacute;"},
		{"newline and tab references", "a&#10;b&#9;c&NewLine;d&Tab;", "a&#10;b&#9;c&NewLine;d&Tab;"},
		{"nul decodes to U+FFFD", "a&#0;b&#x0;c", "a&#0;b&#x0;c"},
		{"out of range decodes to U+FFFD", "a&#x110000;b&#1114112;", "a&#x110000;b&#1114112;"},
		{"surrogate decodes to U+FFFD", "a&#xD800;b", "a&#xD800;b"},
		{"not references", "AT&T, & #27, &# 27;, &#;, &#x;, &#xg;", "AT&T, & #27, &# 27;, &#;, &#x;, &#xg;"},
		{"lrm without semicolon", "a&lrm b&LRM;c", "a&lrm b&LRM;c"},
		{"zero width joiner kept", "👨&zwj;👩", "👨&zwj;👩"},

		// ESC.
		{"decimal esc", "a&#27;]52;c;eA==&#7;b", "a]52;c;eA==b"},
		{"zero padded esc", "a&#0027;b&#00000000027;c", "abc"},
		{"hex esc", "a&#x1b;b&#X1B;c&#x1B;d&#x001b;e", "abcde"},
		{"esc without semicolon", "a&#27[31mb&#x1b[2Jc", "a[31mb[2Jc"},
		{"esc at end", "a&#27", "a"},
		{"hex esc at end", "a&#x1b", "a"},
		{"esc wrapping 32 bits", "a&#4294967323;b&#x10000001b;c", "abc"},

		// Other controls.
		{"bel and cr", "a&#7;b&#13;c&#x0d;d", "abcd"},
		{"del", "a&#127;b&#x7f;c", "abc"},
		{"c1", "a&#155;b&#x9b;c&#157;d&#128;e", "abcde"},
		{"bidi", "a&#8238;b&#x202E;c&#x2066;d&#8207;e&#x61c;f", "abcdef"},
		{"named bidi marks", "a&lrm;b&rlm;c", "abc"},

		// Removal must not join the text around it into a new reference.
		{"nested decimal", "a&#&#27;27;b", "ab"},
		{"nested deeper", "a&#&#&#27;27;27;b", "ab"},
		{"digits joined", "a&#82&#27;38;b", "ab"},
		{"hex joined", "a&#x&#27;1b;b", "ab"},
		{"ampersand joined", "a&&#27;#27;b", "ab"},
		{"name joined", "a&l&#27;rm;b", "ab"},
		{"name joined by named", "a&r&lrm;lm;b", "ab"},
		{"safe join kept", "a&#10&#27;0;b", "a&#100;b"},
		{"safe prefix kept", "&#82;&#27;", "&#82;"},
		{"escape inside reference", "a&#2\x1b[0m7;b", "ab"},

		// Clean runs first.
		{"raw esc", "a\x1b]52;c;eA==\x07b", "ab"},
		{"raw bidi", "a\u202eb", "ab"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Markdown(tt.in); got != tt.want {
				t.Errorf("Markdown(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestMarkdownCleanInputNotCopied(t *testing.T) {
	if in := "caf&#233; &amp; more"; Markdown(in) != in {
		t.Fatalf("Markdown(%q) = %q", in, Markdown(in))
	}
	in := "**Grazie!** Ci vediamo &amp; a presto: [sito](https://example.it)"
	if n := testing.AllocsPerRun(100, func() { _ = Markdown(in) }); n != 0 {
		t.Errorf("Markdown of safe text allocates %v times, want 0", n)
	}
}

// TestMarkdownLinear guards against quadratic behaviour on nested or repeated
// references: 200k bytes must take well under a second even under -race.
func TestMarkdownLinear(t *testing.T) {
	in := strings.Repeat("&#", 20000) + strings.Repeat("27;", 20000) +
		"&#" + strings.Repeat("0", 50000) + "65" + strings.Repeat("&#27;", 10000)
	got := Markdown(in)
	if want := "&#" + strings.Repeat("0", 50000) + "65"; got != want {
		t.Fatalf("Markdown(nested) = %.40q… (%d bytes), want %d bytes", got, len(got), len(want))
	}
}

// FuzzMarkdown checks the property glamour relies on: whatever Markdown
// returns, decoding its character references yields nothing Clean removes.
func FuzzMarkdown(f *testing.F) {
	for _, s := range []string{
		"", "plain", "&#27;]52;c;eA==&#7;", "&#x1b;[31m", "&#&#27;27;", "&l&#27;rm;",
		"&#4294967323;", "&#155;", "&#8238;", "&lrm;", "caf&#233; &amp;", "&#27",
		"\x1b]8;;https://evil\x1b\\x\x1b]8;;\x1b\\", "&#82&#27;38;", "&#x&#X1b;1b",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out := Markdown(s)
		if Clean(out) != out {
			t.Fatalf("Markdown(%q) = %q is not clean", s, out)
		}
		if dec := html.UnescapeString(out); Clean(dec) != dec {
			t.Fatalf("Markdown(%q) = %q decodes to %q", s, out, dec)
		}
		if again := Markdown(out); again != out {
			t.Fatalf("Markdown not idempotent: %q -> %q -> %q", s, out, again)
		}
		if !utf8.ValidString(out) {
			t.Fatalf("Markdown(%q) = %q is not UTF-8", s, out)
		}
		if c := Clean(s); !strings.Contains(c, "&") && out != c {
			t.Fatalf("Markdown(%q) = %q, want Clean's %q", s, out, c)
		}
	})
}
