package transcript

import (
	"testing"

	"github.com/neotui/neotui/api"
)

// FuzzTranscriptFrame shows arbitrary text as AI, visitor and note messages
// (and as a note's type and a search term) and checks every frame: only SGR
// sequences, no C0 control but newline, no C1, no bidi control, no line wider
// than the width.
func FuzzTranscriptFrame(f *testing.F) {
	seeds := [][2]string{
		{"\x1b]52;c;aGFjaw==\x07", "hi"},
		{"&#27;]52;c;eA==&#7;", "&#27;[2J"},
		{"[click](javascript:alert(1))", "<script>x</script>"},
		{"\x1b]8;;https://evil.example\x1b\\click\x1b]8;;\x1b\\", "\x1b]8;;https://evil.example\x07x\x1b]8;;\x07"},
		{"\u202e", "invoice_\u202efdp.exe"},
		{"`&#x1b;[31m` ~~&#155;~~ <b>&#27;</b> ![&#27;](x)", "\u009b31m\u009d0;t\u009c"},
		{"| a | b |\n|---|---|\n| [x](https://e.com/&#27;) | &#8238; |", "\t\ttabs\r\n"},
		{richMarkdown, "你好 👍🏽"},
		{"&#&#27;27;]0;t&#7;", "&l&#27;rm;"},
		{"```\n\x1b[31m\t&#27;\n```", ""},
	}
	for _, s := range seeds {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, a, b string) {
		s := api.Session{SessionID: 1, Messages: []api.Message{
			{Type: api.RoleAI, Content: a},
			{Type: api.RoleUser, Content: b},
			{Type: b, Content: a},
			{Type: api.RoleAI, Content: b},
			{Type: api.RoleUser, Content: a},
		}}
		m := open(t, 40, 12, s)
		if len(b) > 0 {
			m.SetHighlight(b[:min(len(b), 3)])
		}
		for _, keys := range [][]string{nil, {"pgdown"}, {"G"}} {
			m = press(m, keys...)
			if err := frameError(m.View(), 40, 12); err != nil {
				t.Fatalf("after %v: %v", keys, err)
			}
		}
	})
}
