package tui

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	tea "charm.land/bubbletea/v2"

	"github.com/neotui/neotui/internal/english"
	"github.com/neotui/neotui/internal/export"
	"github.com/neotui/neotui/internal/safetext"
	"github.com/neotui/neotui/internal/store"
)

// Export: e on the Leads tab writes the leads of the view, as filtered on
// screen, with their notes, to a .csv or .json file the user names; on the
// Stats tab, the figures shown to a Markdown file.

// exportOff is what e says in a shared session (neotui serve): the files
// would land on the server, not with the user.
const exportOff = "export is off in shared sessions: on the server run neotui leads --format csv"

type exportedMsg struct {
	path  string // absolute
	what  string // "12 leads (snoozed hidden)"
	err   error
	retry *picker // the dialog, to reopen with the name as typed on err
}

// exportLeads writes leads with their notes to path (absolute, vetted by
// exportKind.target), CSV or JSON by its extension. A failure reopens dialog.
func exportLeads(sh *shared, leads []store.Lead, path, what string, dialog *picker) tea.Cmd {
	st, ctx := sh.Store, sh.ctx
	names := map[string]string{}
	for _, b := range sh.Bots {
		names[b.Serial] = b.Name
	}
	return func() tea.Msg {
		notes := map[string][]store.Note{}
		for _, l := range leads {
			if l.Triage().Notes == 0 {
				continue
			}
			n, err := st.Notes(ctx, l.Bot, l.Key)
			if err != nil {
				return exportedMsg{path: path, err: err, retry: dialog}
			}
			notes[l.Key] = n
		}
		err := writeAtomic(path, func(f *os.File) error {
			if strings.EqualFold(filepath.Ext(path), ".json") {
				return export.LeadsJSON(f, leads, notes, names)
			}
			return export.LeadsCSV(f, leads, notes, names)
		})
		return exportedMsg{path: path, what: what, err: err, retry: dialog}
	}
}

// writeAtomic writes a new file at path through a temporary file in the
// same folder, renamed into place once complete: nobody ever sees half a
// file, and a failure leaves nothing behind. The file is 0600 (CreateTemp's
// mode, which the rename keeps): exports hold visitors' contacts.
func writeAtomic(path string, write func(*os.File) error) (err error) {
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, ".neotui-export-*")
	if err != nil {
		return fmt.Errorf("cannot write in %s (%w): choose another folder", dir, reason(err))
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	if err = write(tmp); err == nil {
		err = tmp.Sync()
	}
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err = tmp.Close(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	// The dialog checked, but the file may have appeared since.
	if _, err = os.Lstat(path); err == nil {
		return fmt.Errorf("%s exists: choose another name", path)
	}
	if err = os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("write %s: %w", path, reason(err))
	}
	return nil
}

// openExport asks where to write the leads of the view.
func (m *Model) openExport() tea.Cmd {
	if m.sh.NoExport {
		m.flash(exportOff, true)
		return nil
	}
	if m.tab == tabStats {
		return m.openReportExport()
	}
	if m.tab != tabLeads {
		m.flash("export works on the Leads tab (1) and the Stats tab (4)", true)
		return nil
	}
	leads := m.leads.visible()
	if len(leads) == 0 {
		m.flash("nothing to export: the view has no leads", true)
		return nil
	}
	what := english.Plural(len(leads), "lead") + " (" + strings.Join(m.leads.viewLimits(), ", ") + ")"
	sh := m.sh
	dir := sh.exportDir()
	name := freeName(dir, "neotui-leads-"+sh.now().In(sh.loc()).Format("2006-01-02"), ".csv")
	var p *picker
	p = newPicker(sh, "Export "+what+" to .csv or .json", nil, func(_ any, path string) tea.Cmd {
		return exportLeads(sh, leads, path, what, p)
	}).withInput("file: ", name).withCheck(func(typed string) (string, error) { return leadsExport.target(typed, dir) })
	// Room for a long path, within the screen (border, padding, prompt, cursor).
	p.input.SetWidth(max(min(sh.width-12, 60), 20))
	m.open(p)
	return nil
}

// exportDir is the folder exports go to unless the name typed says
// otherwise: export_dir, else the working directory; "" if unknown.
func (s *shared) exportDir() string {
	if s.ExportDir != "" {
		return s.ExportDir
	}
	wd, _ := os.Getwd()
	return wd
}

// freeName is stem+ext in dir, or stem-2, -3…: the first name not taken,
// so a second export of the day needs no typing. In the working directory
// it is the name alone; elsewhere (export_dir) the path, so that the
// dialog shows where the file goes, sanitized: a folder's name can hold
// escape sequences too.
func freeName(dir, stem, ext string) string {
	name := stem + ext
	for i := 2; i < 100; i++ {
		if _, err := os.Lstat(filepath.Join(dir, name)); errors.Is(err, os.ErrNotExist) {
			break
		}
		name = fmt.Sprintf("%s-%d%s", stem, i, ext)
	}
	if wd, err := os.Getwd(); err == nil && wd == dir {
		return name
	}
	return safetext.Line(tildePath(filepath.Join(dir, name)))
}

// target turns the typed name into the absolute path to write, a relative
// one under dir, or says in one sentence why not. It looks at the disk (is
// the name free, is the folder there) so that the dialog can stay open to
// fix the name: one or two stats of a path the user just typed.
func (k exportKind) target(typed, dir string) (string, error) {
	home, _ := os.UserHomeDir()
	path, err := exportPath(typed, home, dir, k)
	if err != nil {
		return "", err
	}
	return path, checkExportTarget(path)
}

// exportKind is what e writes: the types of file, and what to call a file
// in the error about a name without one.
type exportKind struct {
	exts []string // lower case, with the dot
	stem string
}

var (
	leadsExport  = exportKind{[]string{".csv", ".json"}, "leads"}
	reportExport = exportKind{[]string{".md"}, "report"}
)

// exportPath is the absolute path of a typed name: ~ and ~/… are under
// home, a relative name is under dir (export_dir or the working folder). Only kind's types (any case) are
// written.
func exportPath(typed, home, dir string, kind exportKind) (string, error) {
	p := strings.TrimSpace(typed)
	switch {
	case p == "~" || strings.HasPrefix(p, "~/") || strings.HasPrefix(p, "~"+string(filepath.Separator)):
		if home == "" {
			return "", errors.New("the home folder is not known ($HOME is empty): write the full path")
		}
		p = filepath.Join(home, p[1:])
	case strings.HasPrefix(p, "~"):
		return "", fmt.Errorf("%s: only ~/ is expanded, not ~name: write the full path", p)
	case !filepath.IsAbs(p):
		if dir == "" {
			return "", errors.New("the working folder is not known: write the full path")
		}
		p = filepath.Join(dir, p)
	}
	p = filepath.Clean(p)
	ext := filepath.Ext(p)
	stem := strings.TrimSuffix(filepath.Base(p), ext)
	if !slices.Contains(kind.exts, strings.ToLower(ext)) || stem == "" {
		if stem == "" || stem == "." || stem == string(filepath.Separator) {
			stem = kind.stem
		}
		names := make([]string, len(kind.exts))
		for i, e := range kind.exts {
			names[i] = stem + e
		}
		return "", fmt.Errorf("neotui writes %s: name the file %s", strings.Join(kind.exts, " or "), strings.Join(names, " or "))
	}
	return p, nil
}

// checkExportTarget refuses a path whose folder is missing or whose name
// is taken: an export never replaces a file.
func checkExportTarget(path string) error {
	dir := filepath.Dir(path)
	fi, err := os.Stat(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return fmt.Errorf("%s does not exist: choose another folder, or create it first", dir)
	case err != nil:
		return fmt.Errorf("cannot use %s (%w): choose another folder", dir, reason(err))
	case !fi.IsDir():
		return fmt.Errorf("%s is not a folder: choose another path", dir)
	}
	_, err = os.Lstat(path)
	switch {
	case err == nil:
		return fmt.Errorf("%s exists: choose another name", path)
	case !errors.Is(err, fs.ErrNotExist):
		return fmt.Errorf("cannot use %s (%w): choose another name", path, reason(err))
	}
	return nil
}

// tildePath is path with ~ for the home folder when under it, as the user
// would type it.
func tildePath(path string) string {
	if home, err := os.UserHomeDir(); err == nil && home != "" {
		if rel, err := filepath.Rel(home, path); err == nil && filepath.IsLocal(rel) {
			return filepath.Join("~", rel)
		}
	}
	return path
}

// reason is what went wrong without the path the message already names:
// "permission denied".
func reason(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	var le *os.LinkError
	if errors.As(err, &le) {
		return le.Err
	}
	return err
}

// openReportExport asks where to write the figures shown, as Markdown.
func (m *Model) openReportExport() tea.Cmd {
	rep := m.stats.report()
	if rep == nil {
		m.flash("nothing to export yet: the figures are loading", true)
		return nil
	}
	sh, bot, zone := m.sh, m.sh.BotName, m.sh.loc()
	what := fmt.Sprintf("the report of %s – %s", rep.From, rep.To)
	dir := sh.exportDir()
	name := freeName(dir, fmt.Sprintf("neotui-report-%s-%s", rep.From, rep.To), ".md")
	var p *picker
	p = newPicker(sh, "Export "+what+" as Markdown (.md)", nil, func(_ any, path string) tea.Cmd {
		return func() tea.Msg {
			err := writeAtomic(path, func(f *os.File) error { return export.ReportMarkdown(f, rep, bot, zone, zone) })
			return exportedMsg{path: path, what: what, err: err, retry: p}
		}
	}).withInput("file: ", name).withCheck(func(typed string) (string, error) { return reportExport.target(typed, dir) })
	p.input.SetWidth(max(min(sh.width-12, 60), 20))
	m.open(p)
	return nil
}
