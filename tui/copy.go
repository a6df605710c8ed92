package tui

import (
	"bytes"
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"unicode"

	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

	"github.com/neotui/neotui/api"
	"github.com/neotui/neotui/internal/export"
	"github.com/neotui/neotui/internal/safetext"
	"github.com/neotui/neotui/internal/store"
)

// copiedMsg reports a copy to the clipboard.
type copiedMsg struct {
	what string
	text string // when set, still to be put on the clipboard
	err  error
}

// copyChoices is the y menu for a lead: what can be copied of it. Masked
// (ctrl+p), the labels hide emails and phones too; what is copied does not.
func copyChoices(l store.Lead, transcript *api.Session, masked bool) []choice {
	shown := func(s string) string {
		s = safetext.Line(s)
		if masked {
			s = mask(s)
		}
		return s
	}
	var cs []choice
	if e := strings.TrimSpace(l.Email); e != "" {
		cs = append(cs, choice{newKey("e", "email"), "email  " + shown(e), "email"})
	}
	if p := strings.TrimSpace(l.PhoneNumber); p != "" {
		cs = append(cs, choice{newKey("p", "phone"), "phone  " + shown(p), "phone"})
	}
	if n := strings.TrimSpace(l.Name); n != "" {
		cs = append(cs, choice{newKey("n", "name"), "name   " + shown(n), "name"})
	}
	cs = append(cs, choice{newKey("v", "vCard"), "contact card (vCard)", "vcard"})
	if transcript != nil || l.SessionID != 0 {
		cs = append(cs, choice{newKey("t", "transcript"), "the conversation as Markdown", "transcript"})
	}
	return cs
}

// copyLead puts what was chosen on the clipboard through OSC 52, which
// reaches the user's own terminal even over SSH.
func copyLead(sh *shared, l store.Lead, transcript *api.Session, leads []store.Lead, what string) tea.Cmd {
	var text string
	switch what {
	case "email":
		text = safetext.Line(strings.TrimSpace(l.Email))
	case "phone":
		text = safetext.Line(strings.TrimSpace(l.PhoneNumber))
	case "name":
		text = safetext.Line(strings.TrimSpace(l.Name))
	case "vcard":
		text = export.VCard(l.Lead)
	case "transcript":
		if transcript == nil {
			return copyStoredTranscript(sh, l)
		}
		var b bytes.Buffer
		if err := export.Markdown(&b, *transcript, leads); err != nil {
			return nil
		}
		text = b.String()
	}
	return copyText(text, what)
}

func copyText(text, what string) tea.Cmd {
	return tea.Batch(tea.SetClipboard(text), func() tea.Msg { return copiedMsg{what: what} })
}

// copyStoredTranscript reads the lead's conversation from the store, for a
// copy made before the conversation was opened.
func copyStoredTranscript(sh *shared, l store.Lead) tea.Cmd {
	return func() tea.Msg {
		s, err := sh.Store.Session(sh.ctx, l.Bot, l.SessionID)
		if errors.Is(err, store.ErrNotFound) {
			return copiedMsg{err: fmt.Errorf("conversation %d is not in the local store yet: open the lead (enter) to fetch it", l.SessionID)}
		}
		if err != nil {
			return copiedMsg{err: err}
		}
		leads, err := sh.Store.Leads(sh.ctx, store.LeadQuery{Bot: l.Bot, SessionID: l.SessionID})
		var b bytes.Buffer
		if err == nil {
			err = export.Markdown(&b, s, leads)
		}
		if err != nil {
			return copiedMsg{err: err}
		}
		return copiedMsg{what: "the conversation", text: b.String()}
	}
}

// Links neotui makes itself: only these schemes, the target always the
// visible text or beside it. Visitor text never becomes a link by itself.

func mailtoLink(email string) string {
	email = strings.TrimSpace(safetext.Line(email))
	if !strings.Contains(email, "@") || strings.ContainsAny(email, " <>\"") {
		return ""
	}
	return "mailto:" + (&url.URL{Opaque: email}).String()
}

func telLink(phone string) string {
	phone = safetext.Line(phone) // the digits shown, not those of a stripped escape
	var b strings.Builder
	for i, r := range phone {
		if unicode.IsDigit(r) && r < 0x80 || r == '+' && i == 0 {
			b.WriteRune(r)
		}
	}
	if b.Len() < 6 {
		return ""
	}
	return "tel:" + b.String()
}

// pageLink is the page URL as an https (or http) link; a bare host gets
// https. Anything else is no link.
func pageLink(uri string) string {
	uri = strings.TrimSpace(safetext.Line(uri))
	if uri == "" {
		return ""
	}
	if !strings.Contains(uri, "://") {
		uri = "https://" + uri
	}
	u, err := url.Parse(uri)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || !hostRe.MatchString(u.Host) || u.User != nil {
		return ""
	}
	return u.String()
}

// link renders text as an OSC 8 hyperlink to target (when there is one).
func link(text, target string, style lipgloss.Style) string {
	if target == "" {
		return style.Render(text)
	}
	return style.Hyperlink(target).Render(text)
}

// Masking, for screen sharing: emails and phone numbers hidden until
// ctrl+p again. mask takes sanitized text: an escape sequence inside an
// address would split it into parts the patterns miss.

// hostRe is a plain host name, with an optional port.
var hostRe = regexp.MustCompile(`^[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?(:[0-9]{1,5})?$`)

var (
	emailRe = regexp.MustCompile(`[\p{L}\p{N}._%+\-]+@[\p{L}\p{N}.\-]+\.\p{L}{2,}`)
	phoneRe = regexp.MustCompile(`\+?\d[\d ()\-.]{5,}\d`)
)

// mask hides emails and phone numbers in s, keeping their shape: the first
// letter and the domain of an email, the last two digits of a phone.
func mask(s string) string {
	s = emailRe.ReplaceAllStringFunc(s, func(e string) string {
		at := strings.LastIndexByte(e, '@')
		first := []rune(e[:at])[0]
		return string(first) + "•••" + e[at:]
	})
	return phoneRe.ReplaceAllStringFunc(s, func(p string) string {
		digits := 0
		for _, r := range p {
			if unicode.IsDigit(r) {
				digits++
			}
		}
		if digits < 6 {
			return p
		}
		seen := 0
		return strings.Map(func(r rune) rune {
			if !unicode.IsDigit(r) {
				return r
			}
			seen++
			if seen > digits-2 {
				return r
			}
			return '•'
		}, p)
	})
}
