package export

import (
	"bytes"
	"strings"
	"testing"

	"github.com/neotui/neotui/api"
)

func TestNeutralMarkdown(t *testing.T) {
	for _, tc := range []struct{ name, in, want string }{
		{"plain", "Our **Pro** plan is $20.", "Our **Pro** plan is $20."},
		{"https link kept", "[pricing](https://x.example/p)", "[pricing](https://x.example/p)"},
		{"mailto and tel kept", "[mail](mailto:a@b.c) [call](tel:+1555)", "[mail](mailto:a@b.c) [call](tel:+1555)"},
		{"relative kept", "[top](#top) [p](/pricing)", "[top](#top) [p](/pricing)"},
		{"javascript", "[win](javascript:alert(1))", "[win](#))"},
		{"javascript cased and spaced", "[win]( JaVaScRiPt:alert(1))", "[win]( #))"},
		{"a tab makes no link", "[win](java\tscript:x)", "[win](java\tscript:x)"},
		{"javascript by reference", "[win](&#106;avascript:alert(1))", "[win](#))"},
		{"data image", "![x](data:text/html;base64,PHNjcmlwdD4=)", "![x](#)"},
		{"angle destination", "[x](<javascript:alert(1)>)", "[x](#)"},
		{"reference definition", "[x][1]\n\n[1]: javascript:alert(1)", "[x][1]\n\n[1]: #"},
		{"raw html", "hi <img src=x onerror=alert(1)> there", "hi &lt;img src=x onerror=alert(1)> there"},
		{"script", "<script>alert(1)</script>", "&lt;script>alert(1)&lt;/script>"},
		{"autolink kept", "see <https://x.example/a>", "see <https://x.example/a>"},
		{"javascript autolink", "<javascript:alert(1)>", "&lt;javascript:alert(1)>"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := neutralMarkdown(tc.in); got != tc.want {
				t.Errorf("neutralMarkdown(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}

// TestMarkdownTranscriptIsNeutral: an AI reply echoing a visitor's HTML or
// javascript: link reaches the Markdown inert.
func TestMarkdownTranscriptIsNeutral(t *testing.T) {
	s := api.Session{SessionID: 9, Messages: []api.Message{
		{Type: api.RoleAI, Content: "You wrote <iframe src=https://evil.example>, see [this](javascript:steal())"},
	}}
	var b bytes.Buffer
	if err := Markdown(&b, s, nil); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	for _, bad := range []string{"<iframe", "javascript:"} {
		if strings.Contains(out, bad) {
			t.Errorf("the Markdown keeps %q:\n%s", bad, out)
		}
	}
}
