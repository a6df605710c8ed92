package safetext

import (
	"slices"
	"strings"
	"testing"
)

func TestIndexFoldAll(t *testing.T) {
	tests := []struct {
		s, sub string
		want   [][2]int
	}{
		{"", "a", nil},
		{"abc", "", nil},
		{"aaa", "aa", [][2]int{{0, 2}}},
		{"Ciao CIAO ciao", "ciao", [][2]int{{0, 4}, {5, 9}, {10, 14}}},
		{"ab", "abc", nil},
		{"K", "\u212a", [][2]int{{0, 1}}},                           // the Kelvin sign folds to K
		{"1 \u212a", "k", [][2]int{{2, 5}}},                         // and a 1-byte term finds its 3 bytes
		{"é É", "É", [][2]int{{0, 2}, {3, 5}}},                      // precomposed: one rune each
		{"Straße STRASSE", "straße", [][2]int{{0, 7}}},              // ß is no "ss" under simple folding
		{"Maß MAẞ", "maß", [][2]int{{0, 4}, {5, 10}}},               // ẞ (3 bytes) is ß's capital
		{"ΣΊΣΥΦΟΣ σίσυφος", "σίσυφοσ", [][2]int{{0, 14}, {15, 29}}}, // final ς is σ
		{"İstanbul istanbul", "istanbul", [][2]int{{10, 18}}},       // İ does not fold to i
		{"ılık ILIK", "ılık", [][2]int{{0, 6}}},                     // nor ı to I
		{"\xff\xfeab", "AB", [][2]int{{2, 4}}},                      // invalid UTF-8 is skipped, bytes kept
	}
	for _, tt := range tests {
		if got := IndexFoldAll(tt.s, tt.sub); !slices.Equal(got, tt.want) {
			t.Errorf("IndexFoldAll(%q, %q) = %v, want %v", tt.s, tt.sub, got, tt.want)
		}
		for _, m := range tt.want { // each range is a match EqualFold agrees with
			if !strings.EqualFold(tt.s[m[0]:m[1]], tt.sub) {
				t.Errorf("%q[%d:%d] = %q is not %q under EqualFold", tt.s, m[0], m[1], tt.s[m[0]:m[1]], tt.sub)
			}
		}
	}
}

func TestIndexFold(t *testing.T) {
	tests := []struct {
		s, sub string
		want   int
	}{
		{"abc", "", 0}, // as strings.Index
		{"", "a", -1},
		{"Straße PRO", "pro", len("Straße ")},
		{"Ⱥ then ⱥ", "ⱥ", 0}, // 2 and 3 bytes: the index is in s, not in a lowered copy
		{"x ΣΊΣΥΦΟΣ", "ς", 2},
		{"\u212a", "K", 0},
		{"İ", "i", -1},
	}
	for _, tt := range tests {
		if got := IndexFold(tt.s, tt.sub); got != tt.want {
			t.Errorf("IndexFold(%q, %q) = %d, want %d", tt.s, tt.sub, got, tt.want)
		}
	}
}

// TestSnippetKeepsByteOffsets: a letter longer lower-cased (Ⱥ → ⱥ) must
// not shift the cut (it once panicked).
func TestSnippetKeepsByteOffsets(t *testing.T) {
	text := strings.Repeat("Ⱥ", 20) + " pro plan"
	got := Snippet(text, "pro", 12)
	if !strings.HasPrefix(got, "…") || !strings.Contains(got, "pro plan") {
		t.Errorf("snippet = %q", got)
	}
	if got := Snippet(strings.Repeat("Straße ", 4)+"PRO plan", "pro", 8); !strings.HasPrefix(got, "…") || !strings.Contains(got, "PRO plan") {
		t.Errorf("the snippet missed a case-insensitive match: %q", got)
	}
}
