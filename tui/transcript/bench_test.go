package transcript

import "testing"

// BenchmarkFirstFrame opens a 50-message transcript at 100×40 with nothing
// cached: what the reader waits for (target ≤ 16 ms). The background render
// of the rest is not part of it.
func BenchmarkFirstFrame(b *testing.B) {
	s := chat(1, 50)
	for b.Loop() {
		m := New(DefaultStyles(true), true)
		m.SetSession(s)
		m.SetSize(100, 40)
		_ = m.View()
	}
}

// BenchmarkScrollFrame is one scroll key and a frame over a cached
// transcript (target ≤ 1 ms).
func BenchmarkScrollFrame(b *testing.B) {
	m := open(b, 100, 40, chat(1, 50))
	down, up := keyMsg("j"), keyMsg("k")
	for i := 0; b.Loop(); i++ {
		msg := down
		if i/100%2 == 1 {
			msg = up
		}
		m, _ = m.Update(msg)
		_ = m.View()
	}
}

// BenchmarkRenderRest is the background render of a 50-message transcript.
func BenchmarkRenderRest(b *testing.B) {
	s := chat(1, 50)
	for b.Loop() {
		m := New(DefaultStyles(true), true)
		m.SetSize(100, 1)
		settle(m, m.SetSession(s))
	}
}
