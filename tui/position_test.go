package tui

import (
	"regexp"
	"strconv"
	"testing"
)

var placeRE = regexp.MustCompile(`msg (\d+)/(\d+) · (\d+)%`)

// where reads the transcript's place from the conversation's header.
func where(t *testing.T, m Model) (msg, total, percent int) {
	t.Helper()
	got := placeRE.FindStringSubmatch(screen(m))
	if got == nil {
		t.Fatalf("no place in the header:\n%s", screen(m))
	}
	msg, _ = strconv.Atoi(got[1])
	total, _ = strconv.Atoi(got[2])
	percent, _ = strconv.Atoi(got[3])
	return msg, total, percent
}

// An open conversation says where the reader is: which message is at the
// top, of how many, and how far through it is, growing as the reader
// scrolls, 100% at its end.
func TestTranscriptSaysWhereTheReaderIs(t *testing.T) {
	st, _ := fillStore(t, 60)
	m := press(t, start(t, st, 80, 24), "2", "enter")
	msg, total, percent := where(t, m)
	if msg != 1 || percent != 0 || total < 5 {
		t.Fatalf("at the top: msg %d/%d · %d%%", msg, total, percent)
	}
	last := percent
	for range 3 {
		m = press(t, m, "ctrl+d")
		_, _, percent = where(t, m)
		if percent <= last {
			t.Fatalf("half a page down: %d%% after %d%%", percent, last)
		}
		last = percent
	}
	m = press(t, m, "G")
	if msg, n, percent := where(t, m); percent != 100 || n != total || msg < 2 {
		t.Errorf("at the end: msg %d/%d · %d%%", msg, n, percent)
	}
	m = press(t, m, "g")
	if msg, _, percent := where(t, m); msg != 1 || percent != 0 {
		t.Errorf("back at the top: msg %d · %d%%", msg, percent)
	}
}
