package cli

import (
	"bytes"
	"os"
	"testing"
)

// TestLiveLine: a progress line replaces the last one and never wraps,
// whatever it tells (a store copy's lines were not cut before).
func TestLiveLine(t *testing.T) {
	var out bytes.Buffer
	l := &liveLine{w: &out, width: 20}
	l.show("copying messages: 1,100,000/1,100,000")
	l.clear()
	if want := "\r\033[Kcopying messages: …\r\033[K"; out.String() != want {
		t.Errorf("live line wrote %q, want %q", out.String(), want)
	}
	f, err := os.CreateTemp(t.TempDir(), "log")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if newLiveLine(&out) != nil || newLiveLine(f) != nil {
		t.Error("a live line on what is not a terminal")
	}
}
