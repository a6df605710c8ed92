package list

import (
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"testing"
)

// Typing on decides most rows from the notes alone: a word's occurrences
// come two, three, four to a row, overlap ("aaa"), end the text, and are
// followed by letters typed next or not; a fuzzy word's letters lie near
// and far apart. Over random texts of few letters, every word typed letter
// by letter must find what a fresh search finds, in the same order, through
// the substring pass and on into the fuzzy one.
func TestTypingOnRandomTexts(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	alphabet := []string{"a", "b", "a", "r", " ", "á", "ñ", "花"}
	texts := make([]string, 400)
	for i := range texts {
		var b strings.Builder
		for range r.IntN(40) {
			b.WriteString(alphabet[r.IntN(len(alphabet))])
		}
		texts[i] = b.String()
	}
	c := newCorpus(leads(texts...), nil, nil)
	for range 300 {
		var word []rune
		for range 2 + r.IntN(10) {
			word = append(word, []rune(alphabet[r.IntN(len(alphabet))])[0])
		}
		prev := result{}
		for k := 1; k <= len(word); k++ {
			words := parseQuery("x " + string(word[:k])) // "x " keeps the words from being spaces alone
			words = words[1:]
			if len(words) == 0 {
				continue
			}
			got, fresh := c.search(words, prev), c.search(words, result{})
			if !slices.Equal(got.rows, fresh.rows) || got.fuzzy != fresh.fuzzy {
				t.Fatalf("%q typed on after %q: rows %v, fresh %v", words, prev.words, got.rows, fresh.rows)
			}
			prev = got
		}
	}
}

// A fuzzy word's letters may lie further apart the longer it is: "abcd"
// finds an "a" 12 letters before "bcd", though "ab" and "abc" find nothing
// there. Typed letter by letter, it must find it as a fresh search does.
func TestFuzzyTypingOnReachesWider(t *testing.T) {
	c := newCorpus(leads("axxxxxxxxxxxbcd"), nil, nil)
	prev := result{}
	for _, q := range []string{"a", "ab", "abc", "abcd"} {
		got, fresh := c.search([]string{q}, prev), c.search([]string{q}, result{})
		if !slices.Equal(got.rows, fresh.rows) || got.fuzzy != fresh.fuzzy {
			t.Errorf("%q typed on after %q: rows %v (fuzzy %v), fresh %v (fuzzy %v)",
				q, prev.words, got.rows, got.fuzzy, fresh.rows, fresh.fuzzy)
		}
		prev = got
	}
	if len(prev.rows) != 1 {
		t.Errorf(`"abcd" found %v, want the text`, prev.rows)
	}
}

// Words of one letter or digit are decided by the texts' signatures
// alone: they must find the items whose text or suffix holds them all, as
// reading the texts does.
func TestOneLetterBySignature(t *testing.T) {
	items := append(leads("María", "mañana 9", "Ñandú", "x", "", "0-8", "ABC zz", "花子 k", "Straße"),
		paged{lead{"s", "ñu"}, "Ma 7"}, paged{lead{"t", "b"}, "x"})
	c := newCorpus(items, nil, nil)
	var buf []byte
	queries := append(strings.Split("abcdefghijklmnopqrstuvwxyz0123456789", ""), "m a", "a 7", "z b")
	for _, q := range queries {
		var want []int32
		for i := range c.len() {
			text := string(c.text(i, &buf))
			if !slices.ContainsFunc(strings.Fields(q), func(w string) bool { return !strings.Contains(text, w) }) {
				want = append(want, int32(i))
			}
		}
		if got := c.search(parseQuery(q), result{}); !slices.Equal(got.rows, want) {
			t.Errorf("%q: rows %v, want %v", q, got.rows, want)
		}
	}
}

// The notes tell most rows apart: typing "i" after "mar" over leads whose
// names come back in their emails reads few texts.
func TestNotesDecideMostRows(t *testing.T) {
	c := newCorpus(benchListItems(3000), nil, nil)
	prev := result{}
	for _, q := range []string{"m", "ma", "mar"} {
		prev = c.search([]string{q}, prev)
	}
	notes, ok := c.notes.get(prev.notes)
	if !ok {
		t.Fatal(`"mar" has no notes`)
	}
	read := 0
	for j := range prev.rows {
		if _, v := notes[j].after([]byte("i")); v == maybe {
			read++
		}
	}
	if read*20 > len(prev.rows) {
		t.Errorf(`typing "i" after "mar" reads %d texts of %d rows; want under 5%%`, read, len(prev.rows))
	}
}

// A result whose notes were given to newer results is typed on by reading
// the texts: it finds what a fresh search finds.
func TestTypingOnWithoutNotes(t *testing.T) {
	c := newCorpus(benchListItems(3000), nil, nil)
	mar := c.search([]string{"mar"}, c.search([]string{"ma"}, result{}))
	for _, q := range []string{"jo", "ro", "ma", "lu", "ga"} {
		c.search([]string{q}, result{})
	}
	if _, ok := c.notes.get(mar.notes); ok {
		t.Fatalf("%d results' notes kept, want %d", noteBufs+1, noteBufs)
	}
	if got, fresh := c.search([]string{"mari"}, mar), c.search([]string{"mari"}, result{}); !slices.Equal(got.rows, fresh.rows) {
		t.Errorf(`"mari" after "mar": %d rows, fresh %d`, len(got.rows), len(fresh.rows))
	}
}

// Filters run in commands, several at once when keys come fast, over one
// corpus and its notes: each must find what a fresh search finds (run with
// -race).
func TestTypingOnConcurrently(t *testing.T) {
	c := newCorpus(benchListItems(parallelMin*2), nil, nil)
	want := map[string][]int32{}
	for _, q := range []string{"ma", "mar", "mari", "maria", "ro", "ros", "ross"} {
		want[q] = c.search([]string{q}, result{}).rows
	}
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Go(func() {
			word := []string{"maria", "ross"}[g%2]
			for range 5 {
				prev := c.search([]string{word[:2]}, result{})
				for k := 3; k <= len(word); k++ {
					got := c.search([]string{word[:k]}, prev)
					if !slices.Equal(got.rows, want[word[:k]]) {
						t.Errorf("%q typed on: %d rows, want %d", word[:k], len(got.rows), len(want[word[:k]]))
					}
					prev = got
				}
			}
		})
	}
	wg.Wait()
}

// notesKept is how many rows' notes c keeps, and the searches' scratch.
func notesKept(c *corpus) int {
	c.notes.mu.Lock()
	defer c.notes.mu.Unlock()
	c.scratch.mu.Lock()
	defer c.scratch.mu.Unlock()
	n := 0
	for _, b := range c.notes.bufs {
		n += cap(b.notes)
	}
	for _, m := range c.scratch.free {
		n += cap(m.next)
	}
	return n
}

// Notes serve typing on alone: keeping the filter (enter) or clearing it
// (esc) lets them go, as does a result that arrives after enter, and
// typing on afterwards reads the texts, finding what a fresh search finds.
func TestNotesReleasedWhenTypingStops(t *testing.T) {
	items := numbered(syncFilterMax+1000, "lead %d")
	for _, key := range []string{"enter", "esc"} {
		m := typeText(t, send(t, newModel(items, 40, 10), press("/")), "12")
		if notesKept(m.corpus) == 0 {
			t.Fatal(`typing "12" kept no notes`)
		}
		if m = send(t, m, press(key)); notesKept(m.corpus) != 0 {
			t.Errorf("after %s the corpus keeps %d rows' notes, want none", key, notesKept(m.corpus))
		}
	}

	m := typeText(t, send(t, newModel(items, 40, 10), press("/")), "1")
	m, cmd := m.Update(press("2"))
	m = send(t, m, press("enter"))
	if m = send(t, m, filterMsg(t, cmd)); notesKept(m.corpus) != 0 || m.FilterValue() != "12" {
		t.Errorf("a result after enter: %q kept with %d rows' notes, want \"12\" with none", m.FilterValue(), notesKept(m.corpus))
	}
	m = typeText(t, send(t, m, press("/")), "3")
	if want := newCorpus(items, nil, nil).filter([]string{"123"}, result{}); m.VisibleLen() != len(want.rows) {
		t.Errorf(`"123" typed on a kept "12": %d rows, want %d`, m.VisibleLen(), len(want.rows))
	}

	// esc while a search runs: its result, no longer wanted, kept notes
	// after they were let go of; its arrival lets go of them again.
	m = typeText(t, send(t, newModel(items, 40, 10), press("/")), "1")
	m, cmd = m.Update(press("2"))
	m = send(t, m, press("esc"))
	if m = send(t, m, filterMsg(t, cmd)); notesKept(m.corpus) != 0 || m.FilterValue() != "" {
		t.Errorf("a result after esc: %q shown with %d rows' notes kept, want nothing and none", m.FilterValue(), notesKept(m.corpus))
	}
}

// Notes of many rows let go are collected at once, in a command: the
// heap's goal then follows the rows kept, not the typing's peak. A few are
// not worth a collection.
func TestDoneTypingCollectsManyNotes(t *testing.T) {
	for _, c := range []struct {
		items   int
		collect bool
	}{{collectNotesMin, true}, {syncFilterMax + 1000, false}} {
		for _, key := range []string{"enter", "esc"} {
			m := typeText(t, send(t, newModel(numbered(c.items, "lead %d"), 40, 10), press("/")), "le")
			m, cmd := m.Update(press(key))
			if cmd != nil != c.collect || notesKept(m.corpus) != 0 {
				t.Errorf("%s after \"le\" over %d items: a command %v, want %v; %d rows' notes kept",
					key, c.items, cmd != nil, c.collect, notesKept(m.corpus))
			}
			if cmd != nil && cmd() != nil {
				t.Error("the collection should send no message")
			}
		}
	}
}
