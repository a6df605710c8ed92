package transcript

import "charm.land/lipgloss/v2"

// Styles are the transcript's own styles. Only their colours and text
// attributes are used: panes are laid out by the transcript, so widths,
// padding and borders set here are ignored, and any escape sequence other
// than SGR a style might add (a hyperlink) is stripped.
type Styles struct {
	AILabel, UserLabel, NoteLabel lipgloss.Style // "AI", "Visitor", a note's type
	AIBorder, UserBorder          lipgloss.Style // the panes' frames
	AIBody, UserBody, NoteBody    lipgloss.Style // AIBody only when Markdown fails to render
	Muted                         lipgloss.Style // the empty-conversation line
}

// DefaultStyles are the transcript's styles for a dark or light background.
func DefaultStyles(isDark bool) Styles {
	ld := lipgloss.LightDark(isDark)
	ai := ld(lipgloss.Color("#5A3FC0"), lipgloss.Color("#A98BFF"))
	visitor := ld(lipgloss.Color("#1F7A3A"), lipgloss.Color("#5FD38D"))
	muted := ld(lipgloss.Color("#6B6B6B"), lipgloss.Color("#8C8C8C"))
	fg := ld(lipgloss.Color("#1A1A1A"), lipgloss.Color("#E6E6E6"))
	return Styles{
		AILabel:    lipgloss.NewStyle().Foreground(ai).Bold(true),
		UserLabel:  lipgloss.NewStyle().Foreground(visitor).Bold(true),
		NoteLabel:  lipgloss.NewStyle().Foreground(muted).Italic(true).Bold(true),
		AIBorder:   lipgloss.NewStyle().Foreground(ai),
		UserBorder: lipgloss.NewStyle().Foreground(visitor),
		AIBody:     lipgloss.NewStyle().Foreground(fg),
		UserBody:   lipgloss.NewStyle().Foreground(fg),
		NoteBody:   lipgloss.NewStyle().Foreground(muted).Italic(true),
		Muted:      lipgloss.NewStyle().Foreground(muted).Italic(true),
	}
}
