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

func TestCount(t *testing.T) {
	for n, want := range map[int]string{0: "0", 7: "7", 999: "999", 1000: "1,000", 48210: "48,210", 1234567: "1,234,567", -1000: "-1,000", -12: "-12"} {
		if got := Count(n); got != want {
			t.Errorf("Count(%d) = %q, want %q", n, got, want)
		}
	}
}

func TestCounted(t *testing.T) {
	for _, tt := range []struct {
		n    int
		want string
	}{{0, "0 messages"}, {1, "1 message"}, {2, "2 messages"}, {1100000, "1,100,000 messages"}} {
		if got := Counted(tt.n, "message"); got != tt.want {
			t.Errorf("Counted(%d, message) = %q, want %q", tt.n, got, tt.want)
		}
	}
}
