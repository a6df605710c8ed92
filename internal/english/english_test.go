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

func TestNumber(t *testing.T) {
	for n, want := range map[int]string{0: "0", 7: "7", 999: "999", 1000: "1,000", 40000: "40,000",
		100000: "100,000", 1250000: "1,250,000", -1234: "-1,234", -999: "-999"} {
		if got := Number(n); got != want {
			t.Errorf("Number(%d) = %q, want %q", n, got, want)
		}
	}
}
