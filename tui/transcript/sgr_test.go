package transcript

import "testing"

func TestKeepSGR(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"plain", "hello", "hello"},
		{"sgr kept", "\x1b[1;38;5;35mbold\x1b[m \x1b[38:2::1:2:3mx\x1b[0m", "\x1b[1;38;5;35mbold\x1b[m \x1b[38:2::1:2:3mx\x1b[0m"},
		{"glamour link", "\x1b]8;id=1;https://e.com\a\x1b[38;5;35;1mx\x1b[m\x1b]8;;\a https://e.com", "\x1b[38;5;35;1mx\x1b[m https://e.com"},
		{"osc 8 with st", "\x1b]8;;https://e.com\x1b\\text\x1b]8;;\x1b\\", "text"},
		{"osc 52", "a\x1b]52;c;eA==\ab", "ab"},
		{"other csi", "a\x1b[2Jb\x1b[?1049hc\x1b[>4;1md", "a bcd"}, // an erase between two words leaves a space (safetext)
		{"private sgr-like", "a\x1b[?1mb", "ab"},
		{"unterminated osc before sgr", "a\x1b]0;title\x1b[1mb", "a\x1b[1mb"},
		{"lone esc", "a\x1b", "a"},
		{"controls", "a\r\nb\x07c\u009b31md\u202ee", "a\nbcde"},
		{"newline kept", "a\nb", "a\nb"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := keepSGR(tt.in); got != tt.want {
				t.Errorf("keepSGR(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestHighlightLine(t *testing.T) {
	tests := []struct {
		name, line, term, want string
	}{
		{"none", "hello", "x", "hello"},
		{"plain", "a Tavolo b", "tavolo", "a \x1b[7mTavolo\x1b[27m b"},
		{"twice", "ab ab", "AB", "\x1b[7mab\x1b[27m \x1b[7mab\x1b[27m"},
		{"across sgr", "ta\x1b[1mvo\x1b[mlo", "tavolo", "\x1b[7mta\x1b[1m\x1b[7mvo\x1b[m\x1b[7mlo\x1b[27m"},
		{"sgr kept outside", "\x1b[31mred\x1b[m x", "x", "\x1b[31mred\x1b[m \x1b[7mx\x1b[27m"},
		{"unicode fold", "STRASSE Ǆ straße", "ǆ", "STRASSE \x1b[7mǄ\x1b[27m straße"},
		{"cjk", "你好世界", "好世", "你\x1b[7m好世\x1b[27m界"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := highlight(tt.line, tt.term); got != tt.want {
				t.Errorf("highlight(%q, %q) = %q, want %q", tt.line, tt.term, got, tt.want)
			}
		})
	}
}
