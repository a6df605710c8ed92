package store

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/neotui/neotui/api"
)

func TestNormalizeEmail(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"ana@example.com", "ana@example.com"},
		{"  Ana@Example.COM\n", "ana@example.com"},
		{"ana+shop@gmail.com", "ana+shop@gmail.com"}, // tags kept: see NormalizeEmail
		{"ÉLODIE@exemple.fr", "élodie@exemple.fr"},
		{"", ""},
		{"no address", ""},
		{"@example.com", ""},
		{"ana@", ""},
	} {
		if got := NormalizeEmail(tc.in); got != tc.want {
			t.Errorf("NormalizeEmail(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestNormalizePhone(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"+39 338 123 4567", "+393381234567"},
		{"00393381234567", "+393381234567"},
		{"0039 (338) 123-4567", "+393381234567"},
		{"(+39) 338.123.4567", "+393381234567"},
		{"+1 (555) 010-9999", "+15550109999"},
		// National numbers: digits only, never given a country code.
		{"338-123-4567", "3381234567"},
		{"338 123 4567", "3381234567"},
		{"0612345678", "0612345678"},
		{"tel: 338 123 4567 ext 2", "33812345672"},
		{"1-2+3", ""}, // fewer than 6 digits
		{"12345", ""},
		{"+12345", ""},
		{"00 12345", ""}, // 5 digits after the international prefix
		{"123456", "123456"},
		{"", ""},
		{"n/a", ""},
		{"٣٣٨١٢٣٤٥٦٧", ""}, // only ASCII digits count
	} {
		if got := NormalizePhone(tc.in); got != tc.want {
			t.Errorf("NormalizePhone(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestRelated(t *testing.T) {
	s := openStore(t)
	ctx := context.Background()
	at := func(h int) time.Time { return time.Date(2024, 2, 1, h, 0, 0, 0, time.UTC) }
	lead := func(session int64, h int, email, phone string) api.Lead {
		return api.Lead{Type: api.TypeLead, Name: "visitor", Email: email, PhoneNumber: phone, CreateTime: at(h), SessionID: session}
	}
	a := []api.Lead{
		lead(1, 1, "Ana@Example.com", "+39 338 123 4567"), // the one we look from
		lead(2, 2, "ana@example.com ", ""),                // same email, another case
		lead(3, 3, "", "00393381234567"),                  // same phone, written otherwise
		lead(4, 4, "other@example.com", "338-123-4567"),   // national: not the same number
		lead(5, 5, "", ""),
		lead(1, 6, "ANA@EXAMPLE.COM", ""), // the same session, later
	}
	b := []api.Lead{
		lead(1, 7, "", "+39 338 1234567"),   // another bot, same SessionID
		lead(9, 0, "ana@example.com", "12"), // another bot, older
	}
	if _, err := s.SaveLeads(ctx, testBot, 0, 0, fetchedAt, a); err != nil {
		t.Fatal(err)
	}
	if _, err := s.SaveLeads(ctx, "bot-b", 0, 0, fetchedAt, b); err != nil {
		t.Fatal(err)
	}
	if _, err := s.SetStarred(ctx, "bot-b", LeadKey("bot-b", b[0]), true, -1, actAt, "ana"); err != nil {
		t.Fatal(err)
	}
	key := func(bot string, l api.Lead) string { return bot + "/" + LeadKey(bot, l) }
	related := func(l Lead) []string {
		t.Helper()
		got, err := s.Related(ctx, l)
		if err != nil {
			t.Fatal(err)
		}
		var keys []string
		for _, r := range got {
			keys = append(keys, r.Bot+"/"+r.Key)
			if r.Bot == "bot-b" && r.SessionID == 1 && !r.Triage().Starred {
				t.Errorf("a related lead should carry its triage state: %+v", r.Triage())
			}
		}
		return keys
	}

	stored, err := s.Leads(ctx, LeadQuery{Bot: testBot, SessionID: 1})
	if err != nil || len(stored) != 2 {
		t.Fatal(stored, err)
	}
	self := stored[1] // the older of session 1
	want := []string{key("bot-b", b[0]), key(testBot, a[5]), key(testBot, a[2]), key(testBot, a[1]), key("bot-b", b[1])}
	if got := related(self); !slices.Equal(got, want) {
		t.Errorf("Related =\n%v\nwant\n%v", got, want)
	}
	// A Lead with no Key: the key is worked out, and itself still left out.
	if got := related(Lead{Bot: testBot, Lead: a[0]}); !slices.Equal(got, want) {
		t.Errorf("Related without a key = %v", got)
	}
	if got := related(Lead{Bot: testBot, Lead: a[3]}); len(got) != 0 {
		t.Errorf("a national number and another email matched %v", got)
	}
	if got := related(Lead{Bot: testBot, Lead: a[4]}); len(got) != 0 {
		t.Errorf("a lead without contacts matched %v", got)
	}
	if got := related(Lead{Bot: "bot-b", Lead: b[1]}); len(got) != 3 { // by email only: "12" is no number
		t.Errorf("Related of b[1] = %v, want the three ana@ leads of bot-a", got)
	}
}

// A shared address (info@, a test number) returns the newest RelatedMax.
func TestRelatedIsCapped(t *testing.T) {
	s := openStore(t)
	ctx := context.Background()
	var leads []api.Lead
	for i := range RelatedMax + 20 {
		leads = append(leads, api.Lead{Type: api.TypeLead, Name: "x", Email: "info@example.com",
			CreateTime: time.Date(2024, 2, 1, 0, i, 0, 0, time.UTC), SessionID: int64(i + 1)})
	}
	if _, err := s.SaveLeads(ctx, testBot, 0, 0, fetchedAt, leads); err != nil {
		t.Fatal(err)
	}
	got, err := s.Related(ctx, Lead{Bot: testBot, Lead: leads[0]})
	if err != nil || len(got) != RelatedMax || got[0].SessionID != int64(RelatedMax+20) {
		t.Fatalf("Related = %d leads (%v), want the newest %d", len(got), err, RelatedMax)
	}
}
