package tui

import (
	"fmt"
	"testing"
	"time"

	"github.com/neotui/neotui/internal/store"
)

// TestSessionItem: a row filters on its ID, its preview made safe and its
// URI, and draws its parts.
func TestSessionItem(t *testing.T) {
	for _, tc := range []struct {
		row                  store.SessionRow
		filter, key, preview string
	}{
		{sessionRow(7, "hello there", "https://shop.example/pricing"),
			"7 hello there https://shop.example/pricing", "7", "hello there"},
		{sessionRow(123456, "", "https://shop.example/"),
			"123456 (no messages) https://shop.example/", "123456", "(no messages)"},
		{sessionRow(9, "a\x1b]0;title\x07b\nc", "u\x1b[31m"),
			"9 ab c u", "9", "ab c"},
	} {
		it := newSessionItem(tc.row)
		filter := it.FilterText() + " " + it.FilterSuffix() // as the list searches a list.Suffixed
		if filter != tc.filter || it.Key() != tc.key || it.preview() != tc.preview {
			t.Errorf("row of %+v: filter %q, key %q, preview %q; want %q, %q, %q",
				tc.row, filter, it.Key(), it.preview(), tc.filter, tc.key, tc.preview)
		}
	}
}

// TestSessionRowsSharePages: the rows of one page hold one copy of it, and
// of their URI.
func TestSessionRowsSharePages(t *testing.T) {
	var rows sessionRows
	for i := range 3000 { // more than a block
		rows.add(sessionRow(int64(i), "hi", "https://shop.example/pricing?x=1"))
	}
	items := sessionItems(&rows)
	if len(items) != 3000 {
		t.Fatalf("%d items", len(items))
	}
	first := items[0].(*sessionItem).uri
	for i, it := range items {
		s := it.(*sessionItem)
		if s.id() != int64(i) || s.uri.page != "/pricing?x=1" || s.uri != first {
			t.Fatalf("item %d: id %d, page %q (a copy: %v)", i, s.id(), s.uri.page, s.uri != first)
		}
	}
}

// sessionRow is a row as store.EachSession reads it.
func sessionRow(id int64, preview, uri string) store.SessionRow {
	return store.SessionRow{SessionID: id, Preview: preview, URI: uri, Line: fmt.Sprint(id, " ", preview)}
}

// TestWithLeadCountsAPhoneOnlyLead: sorted with leads first, a conversation
// whose lead left only a phone number (no visitor's name to show) is among
// those with a lead.
func TestWithLeadCountsAPhoneOnlyLead(t *testing.T) {
	var rows sessionRows
	for id := int64(1); id <= 3; id++ { // 3 is the newest
		r := sessionRow(id, "hi", "https://shop.example/")
		r.CreateTime = testNow.Add(time.Duration(id) * time.Hour)
		r.Lead = id == 1 // conversation 1's lead: a phone alone
		rows.add(r)
	}
	rows.setWho(whoOf(map[int64]string{1: ""}))
	items := sessionItems(&rows)
	sortSessions(items, sortWithLead)
	if first := items[0].(*sessionItem).id(); first != 1 {
		t.Errorf("leads first put conversation %d first, want 1, whose lead left a phone alone", first)
	}
}

// TestLeadWhoOf: a conversation's visitor is the first of its leads, in
// the order read, that names one, whatever order the conversations came in.
func TestLeadWhoOf(t *testing.T) {
	who := leadWho{{9, "Zoe"}, {4, ""}, {4, "Bo"}, {4, "Cy"}, {7, ""}, {2, "Al"}}
	who.sort()
	for id, want := range map[int64]string{2: "Al", 4: "Bo", 7: "", 9: "Zoe", 5: "", 1: "", 10: ""} {
		got := ""
		if p := who.of(id); p != nil {
			got = *p
		}
		if got != want {
			t.Errorf("conversation %d: %q, want %q", id, got, want)
		}
	}
}
