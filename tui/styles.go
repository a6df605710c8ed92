package tui

import (
	"charm.land/bubbles/v2/help"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/colorprofile"

	"github.com/neotui/neotui/internal/store"
)

// Styles are every style of the browser, derived from the terminal's
// background so that light and dark terminals both read well.
type Styles struct {
	App                      lipgloss.Style
	Tab, ActiveTab, TabCount lipgloss.Style
	TabBar, BotName          lipgloss.Style
	Status, StatusErr        lipgloss.Style
	Spinner                  lipgloss.Style
	Selected                 lipgloss.Style
	Muted, Bold, Match       lipgloss.Style
	Lead, Appointment        lipgloss.Style // type badges
	Unseen, Star             lipgloss.Style
	StatusColors             map[store.Status]lipgloss.Style
	CardLabel, CardValue     lipgloss.Style
	Chart, ChartLeads        lipgloss.Style // the Stats tab's bars and heatmap, and its leads
	PaneBorder               lipgloss.Style
	Title                    lipgloss.Style
	Help                     help.Styles
	isDark                   bool
}

// statusStyle is a status badge's colour.
func (s *Styles) statusStyle(st store.Status) lipgloss.Style {
	if c, ok := s.StatusColors[st]; ok {
		return c
	}
	return s.Muted
}

// forProfile adapts styles to a terminal of few colours: below 256, a
// background colour for the selection drowns coloured text on it (blue on
// blue), so the selection is reverse video there, and without colour too.
func (s *Styles) forProfile(p colorprofile.Profile) *Styles {
	if p == colorprofile.Unknown || p > colorprofile.ANSI {
		return s
	}
	c := *s
	c.Selected = lipgloss.NewStyle().Reverse(true)
	return &c
}

// newStyles are the styles for a dark or light background. Styles are 19 KB
// of lipgloss styles: they are handed around by pointer, and never changed
// once made.
func newStyles(isDark bool) *Styles {
	ld := lipgloss.LightDark(isDark)
	accent := ld(lipgloss.Color("#5A3FC0"), lipgloss.Color("#A98BFF"))
	muted := ld(lipgloss.Color("#6B6B6B"), lipgloss.Color("#8C8C8C"))
	subtle := ld(lipgloss.Color("#D9D9E3"), lipgloss.Color("#3A3A4A"))
	selBg := ld(lipgloss.Color("#E8E2FF"), lipgloss.Color("#2E2650"))
	fg := ld(lipgloss.Color("#1A1A1A"), lipgloss.Color("#E6E6E6"))
	green := ld(lipgloss.Color("#1F7A3A"), lipgloss.Color("#5FD38D"))
	amber := ld(lipgloss.Color("#9A5B00"), lipgloss.Color("#F2B84B"))
	red := ld(lipgloss.Color("#B3261E"), lipgloss.Color("#FF7A70"))

	return &Styles{
		Tab:         lipgloss.NewStyle().Foreground(muted).Padding(0, 1),
		ActiveTab:   lipgloss.NewStyle().Foreground(accent).Bold(true).Underline(true).Padding(0, 1),
		TabCount:    lipgloss.NewStyle().Foreground(muted),
		TabBar:      lipgloss.NewStyle().BorderStyle(lipgloss.NormalBorder()).BorderBottom(true).BorderForeground(subtle),
		BotName:     lipgloss.NewStyle().Foreground(muted).Padding(0, 1),
		Status:      lipgloss.NewStyle().Foreground(muted),
		StatusErr:   lipgloss.NewStyle().Foreground(red),
		Spinner:     lipgloss.NewStyle().Foreground(accent),
		Selected:    lipgloss.NewStyle().Background(selBg).Foreground(fg),
		Muted:       lipgloss.NewStyle().Foreground(muted),
		Bold:        lipgloss.NewStyle().Bold(true),
		Match:       lipgloss.NewStyle().Foreground(amber).Bold(true).Underline(true),
		Lead:        lipgloss.NewStyle().Foreground(green).Bold(true),
		Appointment: lipgloss.NewStyle().Foreground(accent).Bold(true),
		Unseen:      lipgloss.NewStyle().Foreground(accent),
		Star:        lipgloss.NewStyle().Foreground(amber),
		StatusColors: map[store.Status]lipgloss.Style{
			store.StatusContacted: lipgloss.NewStyle().Foreground(accent),
			store.StatusQualified: lipgloss.NewStyle().Foreground(amber),
			store.StatusBooked:    lipgloss.NewStyle().Foreground(green).Bold(true),
			store.StatusWon:       lipgloss.NewStyle().Foreground(green).Bold(true),
			store.StatusLost:      lipgloss.NewStyle().Foreground(muted),
			store.StatusSpam:      lipgloss.NewStyle().Foreground(red),
		},
		CardLabel:  lipgloss.NewStyle().Foreground(muted),
		Chart:      lipgloss.NewStyle().Foreground(accent),
		ChartLeads: lipgloss.NewStyle().Foreground(green),
		CardValue:  lipgloss.NewStyle().Foreground(fg),
		PaneBorder: lipgloss.NewStyle().BorderStyle(lipgloss.NormalBorder()).BorderLeft(true).BorderForeground(subtle).PaddingLeft(1),
		Title:      lipgloss.NewStyle().Foreground(accent).Bold(true),
		Help:       helpStyles(ld),
		isDark:     isDark,
	}
}

// helpStyles are the footer's and ?'s: keys and what they do at 4.5:1 or
// more against the background (WCAG AA), the separators at 3:1; bubbles'
// own greys fall to 2:1 and less on black, hard to read over SSH. The
// ratios are tested against common backgrounds, also in 256 colours.
func helpStyles(ld lipgloss.LightDarkFunc) help.Styles {
	keys := lipgloss.NewStyle().Foreground(ld(lipgloss.Color("#303030"), lipgloss.Color("#D0D0D0")))
	desc := lipgloss.NewStyle().Foreground(ld(lipgloss.Color("#5E5E5E"), lipgloss.Color("#A0A0A0")))
	sep := lipgloss.NewStyle().Foreground(ld(lipgloss.Color("#858585"), lipgloss.Color("#767676")))
	return help.Styles{
		ShortKey: keys, ShortDesc: desc, ShortSeparator: sep, Ellipsis: sep,
		FullKey: keys, FullDesc: desc, FullSeparator: sep,
	}
}
