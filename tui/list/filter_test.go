package list

import (
	"bytes"
	"fmt"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"unicode"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/junegunn/fzf/src/algo"
	"github.com/junegunn/fzf/src/util"
)

// lead is a test item: its FilterText is the whole text.
type lead struct{ key, text string }

func (l lead) FilterText() string { return l.text }
func (l lead) Key() string        { return l.key }

func leads(texts ...string) []Item {
	items := make([]Item, len(texts))
	for i, t := range texts {
		items[i] = lead{key: fmt.Sprintf("k%d", i), text: t}
	}
	return items
}

var people = leads(
	"María García maria@example.es +34 612 345 678 /es/booking Quiero reservar una cita", // 0
	"Marco Rossi marco.rossi@example.it +39 333 123 4567 /it/pricing Quanto costa?",      // 1
	"John Smith john@example.com +1 555 0100 /pricing How much is the monthly plan?",     // 2
	"佐藤花子 hanako@example.jp +81 90 1234 5678 /ja/booking 予約をお願いします",                      // 3
	"Mariano Pérez mariano@example.es +34 699 000 111 /es/contact ¿Abrís los sábados?",   // 4
	"王伟 wang.wei@example.cn +86 138 0013 8000 /zh/orders 我的订单在哪里",                        // 5
	"Ana Martínez ana.martinez@example.es +34 611 222 333 /es/orders Mi pedido no llega", // 6
)

func TestFilter(t *testing.T) {
	tests := []struct {
		name  string
		query string
		want  []int
		fuzzy bool
	}{
		{"substring, list order", "mar", []int{0, 1, 4, 6}, false},
		{"AND of words", "mar es", []int{0, 4, 6}, false},
		{"AND across fields", "booking +34", []int{0}, false},
		{"case-insensitive", "MARCO", []int{1}, false},
		{"case- and accent-insensitive", "MARÍA", []int{0, 4}, false}, // María, and Mariano
		{"accents as-is", "pérez", []int{4}, false},
		{"no accent finds the accented name", "perez", []int{4}, false},
		{"an accent finds the plain text", "garcía maría", []int{0}, false},
		{"no accent, but a substring elsewhere wins", "maria", []int{0, 4}, false}, // maria@, mariano
		{"CJK", "花子", []int{3}, false},
		{"CJK and Latin", "予約 hanako", []int{3}, false},
		{"order of words does not matter", "rossi marco", []int{1}, false},
		{"a word that matches nothing", "mar zzz", nil, true},
		{"fuzzy fallback ignores accents", "mrtnz", []int{6}, true},
		{"fuzzy fallback, best score first", "jsmth", []int{2}, true},
		{"fuzzy CJK", "佐花", []int{3}, true},
	}
	c := newCorpus(people, nil, nil)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := c.filter(parseQuery(tt.query), result{})
			if !slices.Equal(ints(got.rows), tt.want) || got.fuzzy != tt.fuzzy {
				t.Errorf("filter(%q) = %v fuzzy=%v, want %v fuzzy=%v", tt.query, got.rows, got.fuzzy, tt.want, tt.fuzzy)
			}
		})
	}
}

// sameCorpus fails unless a and b hold the same texts and filters per item.
func sameCorpus(t *testing.T, a, b *corpus) {
	t.Helper()
	if a.len() != b.len() {
		t.Fatalf("%d items, want %d", a.len(), b.len())
	}
	for i := range a.len() {
		var abuf, bbuf []byte
		if at, bt := a.text(i, &abuf), b.text(i, &bbuf); !bytes.Equal(at, bt) || a.pairs[i] != b.pairs[i] || a.sig[i] != b.sig[i] {
			t.Fatalf("item %d: %q, want %q", i, at, bt)
		}
	}
}

func TestCorpus(t *testing.T) {
	c := newCorpus(leads("María GARCÍA", "İstanbul Ñandú", "", "佐藤花子"), nil, nil)
	// As queries are lowered: İ is i.
	want := []string{"maria garcia", "istanbul nandu", "", "佐藤花子"}
	for i, w := range want {
		var buf []byte
		if got := c.text(i, &buf); string(got) != w {
			t.Errorf("item %d: %q, want %q", i, got, w)
		}
	}
}

// The arena is cut to the lengths foldedLen measures: for every rune, and
// bytes that are none, they must be what appendFolded writes.
func TestFoldedLen(t *testing.T) {
	for r := range rune(unicode.MaxRune + 1) {
		if s := string(r); foldedLen(s) != len(appendFolded(nil, s)) {
			t.Fatalf("%U: foldedLen %d, folded %q", r, foldedLen(s), appendFolded(nil, s))
		}
	}
	if s := "\xff\xc3 ok"; foldedLen(s) != len(appendFolded(nil, s)) {
		t.Fatalf("invalid UTF-8: foldedLen %d, folded %q", foldedLen(s), appendFolded(nil, s))
	}
}

// Accents go as fzf takes them off, for every rune, whichever block of the
// table is made first, and by goroutines folding at once.
func TestNormalize(t *testing.T) {
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Go(func() {
			for r := rune(unicode.MaxRune) - rune(g); r >= 0; r -= 4 {
				if got, want := normalize(r), algo.NormalizeRunes([]rune{r})[0]; got != want {
					t.Errorf("%U: %U, fzf %U", r, got, want)
					return
				}
			}
		})
	}
	wg.Wait()
	if got := string(appendFolded(nil, "Ñandú ÉCOLE")); got != "nandu ecole" {
		t.Errorf("folded %q", got)
	}
}

// Built in parallel parts, or partly copied from the previous corpus, a
// corpus must be the one built item by item.
func TestCorpusJoin(t *testing.T) {
	items := numbered(parallelMin*2+7, "Lead %d Ñandú")
	whole := corpusOneByOne(items)
	sameCorpus(t, newCorpus(items, nil, nil), whole)

	prev := items[500:]
	merged := newCorpus(items, newCorpus(prev, nil, nil), prev)
	sameCorpus(t, merged, whole)

	// A changed text in the tail is not copied.
	changed := slices.Clone(items)
	changed[len(changed)-3] = lead{key: "k", text: "changed"}
	sameCorpus(t, newCorpus(changed, merged, items), corpusOneByOne(changed))

	sameCorpus(t, newCorpus(nil, merged, items), corpusOneByOne(nil))
}

// paged is a lead whose page is its filter suffix.
type paged struct {
	lead
	page string
}

func (p paged) FilterSuffix() string { return p.page }

// A Suffixed item is searched as its text, a space and its suffix: as an
// item holding them joined, from one load to the next.
func TestSuffixed(t *testing.T) {
	split := []Item{paged{lead{"k0", "7 hello"}, "https://shop.example/pricing"},
		paged{lead{"k1", "8 Ñandú"}, "https://shop.example/"}, lead{"k2", "9 plain"}}
	joined := leads("7 hello https://shop.example/pricing", "8 Ñandú https://shop.example/", "9 plain")
	c := newCorpus(split, nil, nil)
	sameCorpus(t, c, corpusOneByOne(joined))
	if got := c.filter(parseQuery("hello pricing"), result{}); !slices.Equal(ints(got.rows), []int{0}) || got.fuzzy {
		t.Errorf("hello pricing: rows %v, fuzzy %v", got.rows, got.fuzzy)
	}

	// The suffix changed: the item is folded again, not copied.
	moved := slices.Clone(split)
	moved[1] = paged{lead{"k1", "8 Ñandú"}, "https://shop.example/cart"}
	sameCorpus(t, newCorpus(moved, c, split), corpusOneByOne(leads("7 hello https://shop.example/pricing",
		"8 Ñandú https://shop.example/cart", "9 plain")))

	// Suffixed items, an empty text among them, added above plain ones
	// whose index is copied.
	plain := leads("9 plain", "10 plainer")
	above := append([]Item{paged{lead{"k3", ""}, "x"}, paged{lead{"k4", "11"}, "x"}}, plain...)
	sameCorpus(t, newCorpus(above, newCorpus(plain, nil, nil), plain),
		corpusOneByOne(leads(" x", "11 x", "9 plain", "10 plainer")))
}

// corpusOneByOne is the corpus of items, each folded alone.
func corpusOneByOne(items []Item) *corpus {
	c := &corpus{foldAt: []int32{0}}
	for _, it := range items {
		text := appendFolded(nil, it.FilterText())
		c.fold = append(c.fold, text...)
		c.foldAt = append(c.foldAt, int32(len(c.fold)))
		c.pairs, c.sig = append(c.pairs, pairsOf(text)), append(c.sig, signature(text))
	}
	return c
}

func TestFuzzyOrder(t *testing.T) {
	items := leads(
		"ajxxsxxm",                    // 0: mid-word, a weak match
		"nothing to see",              // 1
		"Jo Smith",                    // 2: word starts, a strong match
		"ajxxsxxm",                    // 3: ties with 0
		"Jo Smith",                    // 4: ties with 2
		"j x x x x s x x x x x x x m", // 5: strewn too far apart to mean jsm
	)
	got := newCorpus(items, nil, nil).filter(parseQuery("jsm"), result{})
	if want := []int{2, 4, 0, 3}; !slices.Equal(ints(got.rows), want) || !got.fuzzy {
		t.Errorf("rows = %v fuzzy=%v, want %v by score, ties in list order", got.rows, got.fuzzy, want)
	}
}

// Words with a colon are exact even when the rest goes fuzzy, and alone
// they never fall back to fuzzy matching.
func TestExactWordsStayExact(t *testing.T) {
	items := leads(
		"Marco Rossi status:new",
		"Emily Johnson status:lost",
		"Mrco Lost status:won",
	)
	c := newCorpus(items, nil, nil)
	for _, tc := range []struct {
		q    string
		want []int
	}{
		{"status:won", []int{2}},
		{"status:bogus", nil},
		{"status:los", []int{1}},
		{"status:lost marco", nil}, // Marco is not lost, and no lost lead is a Marco
		{"status:won mrco", []int{2}},
		{"status:new mrc", []int{0}}, // fuzzy within the status:new leads
	} {
		if got := c.filter(parseQuery(tc.q), result{}); !slices.Equal(ints(got.rows), tc.want) {
			t.Errorf("%q: rows %v, want %v", tc.q, got.rows, tc.want)
		}
	}
	// Narrowing from an empty exact result stays empty.
	prev := c.filter(parseQuery("status:bogus"), result{})
	if got := c.filter(parseQuery("status:bogus marco"), prev); len(got.rows) != 0 {
		t.Errorf("narrowing an empty result found %v", got.rows)
	}
}

// Narrowing searches only the previous result; it must find exactly what a
// fresh search finds, through substring and fuzzy passes and back.
func TestNarrowingMatchesFresh(t *testing.T) {
	// A fuzzy word's letters may lie wider apart the longer it is: "js"
	// does not find Jonathan Smith, "jsmith" does.
	c := newCorpus(append(slices.Clone(people), leads("Jonathan Smith jonathan.smith@example.com /pricing")...), nil, nil)
	sequences := [][]string{
		{"j", "js", "jsm", "jsmi", "jsmit", "jsmith"},
		{"m", "ma", "mar", "mari", "maria", "mariax", "mariaxy"},
		{"m", "mr", "mrt", "mrtn", "mrtnz"},
		{"es", "es m", "es ma", "es mar", "es mar 6"},
		{"j", "js", "jsm", "jsmx"},
		{"花", "花子"},
		{"mar", "ma", "m", "mrz"}, // shrinking: must not narrow
		{"maria", "maria garcía", "garcía maria"},
	}
	for _, seq := range sequences {
		prev := result{}
		for _, q := range seq {
			words := parseQuery(q)
			// search, not filter: the recent results would answer fresh.
			got := c.search(words, prev)
			fresh := c.search(words, result{})
			if !slices.Equal(got.rows, fresh.rows) || got.fuzzy != fresh.fuzzy {
				t.Errorf("%v: %q after %q = %v, fresh = %v", seq, q, strings.Join(prev.words, " "), got.rows, fresh.rows)
			}
			prev = got
		}
	}
}

// Typing on searches the previous rows from where their last word first
// occurred; the fuzzy pass, from the items near a match. Both must find
// what a fresh search finds, on realistic rows and on rows whose first
// occurrence is not the one that matches.
func TestTypingOnMatchesFresh(t *testing.T) {
	items := append(leads("marco maria", "mar mar maria", "marmari", "xmarx", "garcía garcia", "mrt ... n z mrtnz",
		"mx max mar marc", "ma mb ma mc"), // the match moves on from occurrence to occurrence as it is typed
		benchListItems(3000)...)
	c := newCorpus(items, nil, nil)
	for _, word := range []string{"martinez", "maria", "mrtnz", "jsmith", "prcs", "garcía", "bkng", "555", "marco", "mc"} {
		prev := result{}
		for _, r := range word {
			q := strings.Join(prev.words, "") + string(r)
			words := parseQuery(q)
			got, fresh := c.search(words, prev), c.search(words, result{})
			if !slices.Equal(got.rows, fresh.rows) || got.fuzzy != fresh.fuzzy {
				t.Errorf("%q typed on after %q: %d rows (fuzzy %v), fresh: %d (fuzzy %v)",
					q, strings.Join(prev.words, " "), len(got.rows), got.fuzzy, len(fresh.rows), fresh.fuzzy)
			}
			prev = got
		}
	}
}

// A query asked lately is answered from the recent results: erasing a
// letter costs nothing, and gives what a fresh search gives.
func TestRecentResults(t *testing.T) {
	c := newCorpus(benchListItems(3000), nil, nil)
	mar := c.filter(parseQuery("mar"), result{})
	mari := c.filter(parseQuery("mari"), mar)
	back := c.filter(parseQuery("mar"), mari)
	if len(back.rows) == 0 || &back.rows[0] != &mar.rows[0] {
		t.Error("erasing a letter searched again")
	}
	if fresh := c.search(parseQuery("mar"), result{}); !slices.Equal(back.rows, fresh.rows) {
		t.Errorf("erasing a letter gave %d rows, a fresh search %d", len(back.rows), len(fresh.rows))
	}
	for i := range recentMax + 1 {
		c.filter(parseQuery(fmt.Sprint(i)), result{})
	}
	if _, ok := c.recent.get(parseQuery("mar")); ok {
		t.Errorf("more than %d results kept", recentMax)
	}
}

func TestNarrows(t *testing.T) {
	tests := []struct {
		prev, next string
		want       bool
	}{
		{"mar", "mari", true},
		{"mar", "mar ana", true},
		{"mar ana", "ana mar", true},
		{"ari", "mari", true},
		{"mari", "mar", false},
		{"mar ana", "mar", false},
		{"mar", "ma r", false},
	}
	for _, tt := range tests {
		if got := narrows(parseQuery(tt.prev), parseQuery(tt.next)); got != tt.want {
			t.Errorf("narrows(%q, %q) = %v, want %v", tt.prev, tt.next, got, tt.want)
		}
	}
}

func TestHighlight(t *testing.T) {
	// Brackets make the matched runs visible; real styles only add colour.
	mark := lipgloss.NewStyle().Transform(func(s string) string { return "[" + s + "]" })
	plain := lipgloss.NewStyle()
	tests := []struct {
		s     string
		terms []string
		want  string
	}{
		{"María García", nil, "María García"},
		{"María García", []string{"gar"}, "María [Gar]cía"},
		{"María García", []string{"ía"}, "Mar[ía] Garc[ía]"},
		{"María García", []string{"maría", "garcía"}, "[María] [García]"},
		{"Ana Martínez", []string{"mrtnz"}, "Ana [M]a[rt]í[n]e[z]"},   // fuzzy, accents ignored
		{"Ana Martínez", []string{"martinez"}, "Ana [Martínez]"},      // fuzzy with accents
		{"Ana Martínez", []string{"xyz"}, "Ana Martínez"},             // no match at all
		{"佐藤花子", []string{"花子"}, "佐藤[花子]"},                            // CJK
		{"ÉMILE ÉCOLE", []string{"é"}, "[É]MILE [É]COLE"},             // upper-case non-ASCII
		{"aaa", []string{"aa"}, "[aa]a"},                              // occurrences do not overlap
		{"John Smith", []string{"jo", "smith", ""}, "[Jo]hn [Smith]"}, // empty term ignored
		{"İstanbul", []string{"stan"}, "İ[stan]bul"},                  // ToLower changing length
	}
	for _, tt := range tests {
		got := Highlight(tt.s, tt.terms, plain, mark)
		if got != tt.want {
			t.Errorf("Highlight(%q, %q) = %q, want %q", tt.s, tt.terms, got, tt.want)
		}
	}
	// With real styles the text and its width are unchanged.
	bold := lipgloss.NewStyle().Bold(true).Foreground(lipgloss.Color("5"))
	for _, tt := range tests {
		got := Highlight(tt.s, tt.terms, plain, bold)
		if ansi.Strip(got) != tt.s || ansi.StringWidth(got) != ansi.StringWidth(tt.s) {
			t.Errorf("Highlight(%q) changed the text or width: %q", tt.s, got)
		}
	}
}

// ASCII text and terms, most cells, take a short cut through bytes; it
// must highlight what the rune by rune way does, long texts and every kind
// of match included.
func TestHighlightASCII(t *testing.T) {
	mark := lipgloss.NewStyle().Transform(func(s string) string { return "[" + s + "]" })
	bold := lipgloss.NewStyle().Bold(true)
	texts := []string{"John Smith", "jsmith@example.com +1 555 0100", "aaa", "Marco MARINO marina", strings.Repeat("ab ", 120)}
	terms := [][]string{{"smith"}, {"jsm"}, {"aa"}, {"mar", "ina"}, {"MAR"}, {"zzz"}, {"b a"}, {"ab", "ba", ""}, {strings.Repeat("a", 70)}}
	for _, s := range texts {
		for _, tt := range terms {
			for _, st := range []lipgloss.Style{mark, bold} {
				if got, want := Highlight(s, tt, lipgloss.NewStyle(), st), highlightRunes(s, tt, lipgloss.NewStyle(), st); got != want {
					t.Errorf("Highlight(%q, %q) = %q, rune by rune %q", s, tt, got, want)
				}
			}
		}
	}
}

// Above parallelMin the passes split the items across goroutines; the result
// must be the one a plain loop gives.
func TestFilterParallel(t *testing.T) {
	names := []string{"María García", "Marco Rossi", "佐藤花子", "John Smith", "Ana Martínez"}
	texts := make([]string, parallelMin*3+11)
	for i := range texts {
		texts[i] = fmt.Sprintf("%s lead%d", names[i%len(names)], i)
	}
	c := newCorpus(leads(texts...), nil, nil)

	for _, q := range []string{"mar", "lead1 maría", "花子 7"} {
		words := parseQuery(q)
		var want []int
	items:
		for i, text := range texts {
			for _, w := range words {
				if !strings.Contains(strings.ToLower(text), w) {
					continue items
				}
			}
			want = append(want, i)
		}
		if got := c.filter(words, result{}); !slices.Equal(ints(got.rows), want) {
			t.Errorf("%q: %d rows, want %d", q, len(got.rows), len(want))
		}
	}

	for _, q := range []string{"mrtnz", "jsmth 9", "sato"} {
		words := parseQuery(q)
		var hits []hit
		var s scorer
		for i := range texts {
			if score, ok, _ := c.score(i, c.fuzzyQuery(words, 0), &s); ok {
				hits = append(hits, hit{i, score})
			}
		}
		slices.SortStableFunc(hits, func(a, b hit) int { return b.score - a.score })
		want := make([]int, len(hits))
		for i, h := range hits {
			want[i] = h.row
		}
		if got := c.filter(words, result{}); !got.fuzzy || !slices.Equal(ints(got.rows), want) || (len(want) == 0) != (q == "sato") {
			t.Errorf("%q: %d rows, want %d", q, len(got.rows), len(want))
		}
	}
}

// Scoring a window of the text, after skipping texts without a short enough
// match, must give fzf's verdict and score for the whole text.
func TestFuzzyWindowScore(t *testing.T) {
	items := append(slices.Clone(people), benchListItems(3000)...)
	c := newCorpus(items, nil, nil)
	var s scorer
	slab := util.MakeSlab(slab16Size, slab32Size)
	for _, q := range []string{"mrtnz", "jsm", "mra", "es", "花子", "garcia", "a1", "oo", "jhn", "mrtn", "prez", "bokng", "佐花", "ghsb", "nn", "mam", "aaa", "zm", "ozo"} {
		fq := c.fuzzyQuery([]string{q}, 0)
		for i := range items {
			got, ok, _ := c.score(i, fq, &s)
			var buf []byte
			whole := util.RunesToChars([]rune(string(c.text(i, &buf))))
			want, _ := algo.FuzzyMatchV2(true, false, true, &whole, fq.words[0].runes, false, slab)
			matches := want.Start >= 0 && want.End-want.Start <= maxSpan(len(fq.words[0].runes))
			if ok != matches || ok && got != want.Score {
				t.Errorf("%q in item %d: score %d %v, fzf on the whole text %d", q, i, got, ok, want.Score)
			}
		}
	}
}

// A keystroke's filter allocates its result and little else: a handful of
// allocations, and bytes in proportion to the rows it finds, never to the
// items it searches (10k here, searched in parallel parts). Its scratch
// space, fzf's 200 KB slab among it, is reused from keystroke to keystroke.
func TestFilterAllocatesNothingPerItem(t *testing.T) {
	if raceEnabled {
		t.Skip("the race detector allocates on its own")
	}
	items := benchListItems(10_000)
	c := newCorpus(items, nil, nil)
	mar := c.search(parseQuery("mar"), result{})
	mrt := c.search(parseQuery("mrt"), result{})
	for _, k := range []struct {
		name      string
		words     string
		prev      result
		maxAllocs float64
	}{
		{"everything", "mar", result{}, 16},
		{"typed on", "mari", mar, 16},
		{"a new word", "mar es", mar, 16},
		{"fuzzy, everything", "mrtn", result{}, 32},
		{"fuzzy, typed on", "mrtn", mrt, 32},
	} {
		words := parseQuery(k.words)
		r := c.search(words, k.prev)
		if len(r.rows) == 0 {
			t.Fatalf("%s: %q matches nothing", k.name, k.words)
		}
		const runs = 20
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		allocs := testing.AllocsPerRun(runs, func() { c.search(words, k.prev) })
		runtime.ReadMemStats(&after)
		allocated := (after.TotalAlloc - before.TotalAlloc) / (runs + 1) // AllocsPerRun warms up once
		// A row costs 4 bytes; its notes (see follow) go to buffers
		// reused, which the first runs allocate; a fuzzy search keeps the
		// rows near a match too.
		budget := uint64(8*(len(r.rows)+len(r.near))) + 16<<10
		if allocs > k.maxAllocs || allocated > budget {
			t.Errorf("%s: %q allocates %.0f times, %d bytes, over %d items (%d rows found); want ≤ %.0f, ≤ %d",
				k.name, k.words, allocs, allocated, len(items), len(r.rows), k.maxAllocs, budget)
		}
	}
}

// ints is rows as ints, to compare with the tests' wants.
func ints(rows []int32) []int {
	out := make([]int, len(rows))
	for i, r := range rows {
		out[i] = int(r)
	}
	return out
}

// written is a lead that writes its text (an Appender) and holds none the
// list could read otherwise: FilterText panics.
type written struct{ key, text string }

func (w written) AppendFilterText(dst []byte) []byte { return append(dst, w.text...) }
func (w written) FilterText() string                 { panic("the list holds no Appender's text") }
func (w written) Key() string                        { return w.key }

// An Appender is indexed as the text it writes, in parallel parts each
// with its own scratch, and a reload copies its unchanged tail as it would
// an item holding its text.
func TestAppender(t *testing.T) {
	held := numbered(parallelMin*2+7, "Lead %d Ñandú")
	items := make([]Item, len(held))
	for i, it := range held {
		items[i] = written{key: it.Key(), text: it.FilterText()}
	}
	whole := corpusOneByOne(held)
	sameCorpus(t, newCorpus(items, nil, nil), whole)

	prev := items[500:]
	merged := newCorpus(items, newCorpus(prev, nil, nil), prev)
	sameCorpus(t, merged, whole)

	changed := slices.Clone(items)
	changed[len(changed)-3] = written{key: "k", text: "changed"}
	heldChanged := slices.Clone(held)
	heldChanged[len(heldChanged)-3] = lead{key: "k", text: "changed"}
	sameCorpus(t, newCorpus(changed, merged, items), corpusOneByOne(heldChanged))
}

// TestMatchesGrowByDoubling: a part's matches grow twofold, not by append's
// quarter, whose steps cost a second letter over 100k rows five times its
// matches' size in allocations (13 MB, kept by the heap and RSS), and never
// past the rows the part searches: a part kept for the next search holds
// no more room than it can use.
func TestMatchesGrowByDoubling(t *testing.T) {
	m := &matches{span: 100_000}
	var allocated int // the room of every array the notes went through
	for i := range 100_000 {
		grows := len(m.next) == cap(m.next)
		m.add(i, follow{})
		if grows {
			allocated += cap(m.next)
		}
	}
	// Twice the final array's room by doubling, and the last step, cut to
	// the span, once more at most.
	if final := cap(m.next); allocated > 3*final {
		t.Errorf("100k notes went through room for %d, %.1f times the final array's %d: want at most three times", allocated, float64(allocated)/float64(final), final)
	}
	if cap(m.next) != m.span || cap(m.rows) != m.span {
		t.Errorf("a part of %d rows that matched them all has room for %d notes and %d rows, want %d", m.span, cap(m.next), cap(m.rows), m.span)
	}
}
