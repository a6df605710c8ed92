package english

import "testing"

func TestPlural(t *testing.T) {
	tests := []struct {
		n    int
		noun string
		want string
	}{
		{0, "lead", "0 leads"},
		{1, "lead", "1 lead"},
		{2, "lead", "2 leads"},
		{-1, "day", "-1 days"},
		{1, "new message", "1 new message"},
		{12000, "new message", "12000 new messages"},
	}
	for _, tt := range tests {
		if got := Plural(tt.n, tt.noun); got != tt.want {
			t.Errorf("Plural(%d, %q) = %q, want %q", tt.n, tt.noun, got, tt.want)
		}
	}
}
