package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
)

// NormalizeEmail is the form in which two emails of one visitor compare
// equal: trimmed and lower-cased. It is "" for text that is not an address
// (no @ with something either side). Gmail-style +tags and dots are kept:
// they tell visitors apart too often to merge on.
func NormalizeEmail(s string) string {
	s = strings.ToLower(strings.TrimSpace(s))
	if at := strings.LastIndexByte(s, '@'); at <= 0 || at == len(s)-1 {
		return ""
	}
	return s
}

// minPhoneDigits is the fewest digits NormalizePhone takes for a number:
// fewer match too many unrelated visitors ("0", "123").
const minPhoneDigits = 6

// NormalizePhone is the form in which two phone numbers of one visitor
// compare equal: its ASCII digits, after a "+" if the number has a country
// code — written "+39…" (a + before any digit) or "0039…" (the international
// prefix 00, read as +). Spaces, dashes, dots, brackets and other text are
// dropped. It is "" for fewer than 6 digits.
//
// A national number (no + or 00) is kept as its digits: without knowing the
// visitor's country it cannot be given a country code, so "338-123-4567"
// matches "338 123 4567" but not "+39 338 123 4567". Matching on the last
// digits instead would join strangers from different countries.
func NormalizePhone(s string) string {
	var b strings.Builder
	plus := false
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c >= '0' && c <= '9':
			b.WriteByte(c)
		case c == '+' && b.Len() == 0:
			plus = true
		}
	}
	digits := b.String()
	if !plus && strings.HasPrefix(digits, "00") {
		plus, digits = true, digits[2:]
	}
	if len(digits) < minPhoneDigits {
		return ""
	}
	if plus {
		return "+" + digits
	}
	return digits
}

// RelatedMax is the most leads Related returns: a shared address
// (info@…, a test number typed by thousands) must not load them all.
const RelatedMax = 100

// Related returns the other leads with l's email or phone number (as
// NormalizeEmail and NormalizePhone have them), of any session and any bot
// — a returning visitor — newest first, with their triage state, at most
// RelatedMax of them. l itself (its Bot and Key; the Key is computed if
// empty) is left out.
func (s *Store) Related(ctx context.Context, l Lead) ([]Lead, error) {
	if err := requireBot(l.Bot); err != nil {
		return nil, err
	}
	key := l.Key
	if key == "" {
		key = LeadKey(l.Bot, l.Lead)
	}
	query, args := relatedQuery(NormalizeEmail(l.Email), NormalizePhone(l.PhoneNumber), l.Bot, key)
	if query == "" {
		return nil, nil
	}
	leads, err := s.queryLeads(ctx, query, args)
	if err != nil {
		return nil, fmt.Errorf("read the leads related to %s: %w", key, err)
	}
	return leads, nil
}

// relatedQuery is "" when there is nothing to match on. The not-empty terms
// let SQLite use the partial indexes leads_by_email and leads_by_phone.
func relatedQuery(email, phone, bot, key string) (query string, args []any) {
	var match []string
	if email != "" {
		match = append(match, `(l.email_norm = ? AND l.email_norm <> '')`)
		args = append(args, email)
	}
	if phone != "" {
		match = append(match, `(l.phone_norm = ? AND l.phone_norm <> '')`)
		args = append(args, phone)
	}
	if len(match) == 0 {
		return "", nil
	}
	query = `SELECT ` + leadColumns + leadsFrom + `
		WHERE (` + strings.Join(match, " OR ") + `) AND NOT (l.bot = ? AND l.key = ?)
		ORDER BY l.create_ns DESC, l.bot, l.session_id DESC LIMIT ?`
	return query, append(args, bot, key, RelatedMax)
}

// fillContacts computes email_norm and phone_norm for the leads stored
// before migration 2 (SaveLeads keeps them in step after).
func fillContacts(ctx context.Context, tx *sql.Tx) error {
	rows, err := tx.QueryContext(ctx, `SELECT bot, key, email, phone FROM leads`)
	if err != nil {
		return err
	}
	type contact struct{ bot, key, email, phone string }
	var todo []contact
	for rows.Next() {
		var c contact
		if err := rows.Scan(&c.bot, &c.key, &c.email, &c.phone); err != nil {
			rows.Close()
			return err
		}
		if c.email, c.phone = NormalizeEmail(c.email), NormalizePhone(c.phone); c.email != "" || c.phone != "" {
			todo = append(todo, c)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	update, err := tx.PrepareContext(ctx, `UPDATE leads SET email_norm = ?, phone_norm = ? WHERE bot = ? AND key = ?`)
	if err != nil {
		return err
	}
	defer update.Close()
	for _, c := range todo {
		if _, err := update.ExecContext(ctx, c.email, c.phone, c.bot, c.key); err != nil {
			return fmt.Errorf("fill the contact columns of lead %s: %w", c.key, err)
		}
	}
	return nil
}
