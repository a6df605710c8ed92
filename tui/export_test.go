package tui

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"

	"github.com/neotui/neotui/api"
	"github.com/neotui/neotui/api/apitest"
	"github.com/neotui/neotui/internal/english"
	"github.com/neotui/neotui/internal/store"
)

func TestExportPath(t *testing.T) {
	const home, wd = "/home/ana", "/work/here"
	tests := []struct {
		typed, want, err string
	}{
		{typed: "~/leads.csv", want: "/home/ana/leads.csv"},
		{typed: "~/out/Leads.JSON", want: "/home/ana/out/Leads.JSON"},
		{typed: "leads.csv", want: "/work/here/leads.csv"},
		{typed: "../x/leads.json", want: "/work/x/leads.json"},
		{typed: "/tmp//a/./leads.Csv", want: "/tmp/a/leads.Csv"},
		{typed: "  leads.csv  ", want: "/work/here/leads.csv"},
		{typed: "report.xlsx", err: "neotui writes .csv or .json: name the file report.csv or report.json"},
		{typed: "~/leads.txt", err: "neotui writes .csv or .json: name the file leads.csv or leads.json"},
		{typed: "leads", err: "neotui writes .csv or .json: name the file leads.csv or leads.json"},
		{typed: "~", err: "neotui writes .csv or .json"},
		{typed: ".csv", err: "name the file leads.csv or leads.json"},
		{typed: "~bob/leads.csv", err: "only ~/ is expanded"},
	}
	for _, tt := range tests {
		got, err := exportPath(tt.typed, home, wd, leadsExport)
		switch {
		case tt.err != "" && (err == nil || !strings.Contains(err.Error(), tt.err)):
			t.Errorf("exportPath(%q) = %q, %v; want an error saying %q", tt.typed, got, err, tt.err)
		case tt.err == "" && (err != nil || got != tt.want):
			t.Errorf("exportPath(%q) = %q, %v; want %q", tt.typed, got, err, tt.want)
		}
	}
	if _, err := exportPath("~/leads.csv", "", wd, leadsExport); err == nil || !strings.Contains(err.Error(), "write the full path") {
		t.Errorf("~ without a home: %v", err)
	}
}

// viewLeads are the leads of the Leads tab as shown.
func viewLeads(m Model) []store.Lead {
	var out []store.Lead
	for _, it := range leadList(m).Visible() {
		if l, ok := it.(*leadItem); ok {
			out = append(out, *l.lead)
		}
	}
	return out
}

// exported reports whether the status line says an export was written.
func exported(m Model) bool { return strings.HasPrefix(flashText(m), "exported ") }

// typeExportName opens the export dialog and enters name in it.
func typeExportName(t *testing.T, m Model, name string) Model {
	t.Helper()
	m = press(t, m, "e")
	if pickerOf(m) == nil || pickerOf(m).input == nil {
		t.Fatalf("e opened no dialog:\n%s", screen(m))
	}
	m = press(t, m, "ctrl+u") // clear the proposed name
	m = paste(t, m, name)
	return press(t, m, "enter")
}

// dialogOpen fails unless the export dialog is still open with text and
// says want.
func dialogOpen(t *testing.T, m Model, text, want string) {
	t.Helper()
	if pickerOf(m) == nil {
		t.Fatalf("the dialog closed; status: %q", flashText(m))
	}
	if got := pickerOf(m).input.Value(); got != text {
		t.Errorf("the dialog holds %q, want %q", got, text)
	}
	if pickerOf(m).err != want {
		t.Errorf("the dialog says %q, want %q", pickerOf(m).err, want)
	}
	// The complaint is on screen, wrapped within it.
	if s := strings.Join(strings.Fields(screen(m)), " "); !strings.Contains(s, "choose another") && !strings.Contains(s, "neotui writes") {
		t.Errorf("the complaint is not on screen:\n%s", screen(m))
	}
}

func TestExportExpandsHome(t *testing.T) {
	home := t.TempDir()
	t.Setenv("HOME", home)
	st, _ := fillStore(t, 60)
	m := start(t, st, 120, 40)
	want := viewLeads(m)
	m = awaitModel(t, typeExportName(t, m, "~/leads.csv"), exported)
	path := filepath.Join(home, "leads.csv")
	f, err := os.Open(path)
	if err != nil {
		t.Fatalf("no export at %s: %v\nstatus: %q", path, err, flashText(m))
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil || len(rows) != len(want)+1 {
		t.Fatalf("the CSV has %d rows (%v), want a header and %d leads", len(rows), err, len(want))
	}
	if pickerOf(m) != nil {
		t.Error("the dialog stayed open after the export")
	}
	if msg := "exported to " + path + ": " + english.Plural(len(want), "lead") + " (snoozed hidden)"; flashText(m) != msg {
		t.Errorf("status %q, want %q", flashText(m), msg)
	}
}

func TestExportRelativeNameIsUnderTheWorkingDirectory(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	st, _ := fillStore(t, 60)
	m := start(t, st, 120, 40)
	want := viewLeads(m)
	m = awaitModel(t, typeExportName(t, m, "Leads.JSON"), exported)
	path := filepath.Join(dir, "Leads.JSON")
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("no export at %s: %v\nstatus: %q", path, err, flashText(m))
	}
	var recs []map[string]any
	if err := json.Unmarshal(b, &recs); err != nil || len(recs) != len(want) {
		t.Fatalf("the JSON has %d records (%v), want %d", len(recs), err, len(want))
	}
	if recs[0]["Name"] != want[0].Name || recs[0]["Status"] == nil {
		t.Errorf("first record %v, want %q with its status", recs[0], want[0].Name)
	}
	if !strings.HasPrefix(flashText(m), "exported to "+path+": ") {
		t.Errorf("status %q does not name %s, the whole path written", flashText(m), path)
	}
	fi, err := os.Stat(path)
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("mode %v (%v), want 0600: exports hold contacts", fi.Mode().Perm(), err)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("the folder holds %d files, want the export alone (no temporary file)", len(entries))
	}
}

func TestExportRefusesOtherExtensions(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	st, _ := fillStore(t, 60)
	m := start(t, st, 120, 40)
	m = typeExportName(t, m, "leads.xlsx")
	dialogOpen(t, m, "leads.xlsx", "neotui writes .csv or .json: name the file leads.csv or leads.json")
	m = typeExportName(t, press(t, m, "esc"), "leads")
	dialogOpen(t, m, "leads", "neotui writes .csv or .json: name the file leads.csv or leads.json")
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("a refused name wrote %d files", len(entries))
	}
	// Fixing the name clears the complaint and exports.
	m = press(t, m, "backspace")
	if pickerOf(m) == nil || pickerOf(m).err != "" {
		t.Fatal("editing the name kept the complaint")
	}
	m = paste(t, m, "s.csv")
	m = press(t, m, "enter")
	if _, err := os.Stat(filepath.Join(dir, "leads.csv")); err != nil || pickerOf(m) != nil {
		t.Errorf("the fixed name did not export: %v, status %q", err, flashText(m))
	}
}

func TestExportKeepsTheDialogOpenOnATakenName(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "taken.csv")
	if err := os.WriteFile(path, []byte("mine"), 0o600); err != nil {
		t.Fatal(err)
	}
	st, _ := fillStore(t, 60)
	m := start(t, st, 120, 40)
	m = typeExportName(t, m, path)
	dialogOpen(t, m, path, path+" exists: choose another name")
	if b, _ := os.ReadFile(path); string(b) != "mine" {
		t.Errorf("the existing file was changed: %q", b)
	}

	missing := filepath.Join(dir, "no", "such", "leads.csv")
	m = typeExportName(t, press(t, m, "esc"), missing)
	dialogOpen(t, m, missing, filepath.Dir(missing)+" does not exist: choose another folder, or create it first")

	m = typeExportName(t, press(t, m, "esc"), filepath.Join(path, "leads.csv"))
	dialogOpen(t, m, filepath.Join(path, "leads.csv"), path+" is not a folder: choose another path")
	checkFrame(t, m, 120, 40)
}

func TestExportSaysWhatTheViewLeavesOut(t *testing.T) {
	st, _ := fillStore(t, 60)
	m := start(t, st, 120, 40)
	if got := strings.Join(viewLimits(m), ", "); got != "snoozed hidden" {
		t.Errorf("limits %q", got)
	}
	m = press(t, m, "u", "Z")
	if got := strings.Join(viewLimits(m), ", "); got != "unseen only, snoozed only" {
		t.Errorf("limits %q", got)
	}
	m = press(t, m, "Z", "u")
	m = press(t, m, "/")
	m = typeText(t, m, "status:new")
	m = press(t, m, "enter", "e")
	if pickerOf(m) == nil || !strings.Contains(pickerOf(m).title, "(filtered, snoozed hidden)") {
		t.Errorf("the dialog does not say the view is filtered:\n%s", screen(m))
	}
}

func TestWriteAtomicLeavesNothingOnFailure(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "leads.csv")
	boom := errors.New("disk full")
	err := writeAtomic(path, func(f *os.File) error {
		f.WriteString("half a")
		return boom
	})
	if !errors.Is(err, boom) {
		t.Errorf("err = %v, want the write's", err)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("a failed write left %d files", len(entries))
	}
	// A file that appeared meanwhile is never replaced.
	os.WriteFile(path, []byte("theirs"), 0o600)
	if err := writeAtomic(path, func(f *os.File) error { _, err := f.WriteString("ours"); return err }); err == nil || !strings.Contains(err.Error(), "exists") {
		t.Errorf("writing over a file: %v", err)
	}
	if b, _ := os.ReadFile(path); string(b) != "theirs" {
		t.Errorf("the file became %q", b)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Errorf("the refused write left %d files", len(entries))
	}
}

func TestNoExportRefusesAndHidesTheKey(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	st, _ := fillStore(t, 60)
	opts := testOptions(st)
	opts.NoExport = true
	m := New(opts)
	t.Cleanup(m.Close)
	m = settle(t, m, func() tea.Msg { return tea.WindowSizeMsg{Width: 120, Height: 40} }, m.Init())

	m = press(t, m, "e")
	if pickerOf(m) != nil {
		t.Fatal("e opened the export dialog")
	}
	if flashText(m) != exportOff || !flashErr(m) {
		t.Errorf("status %q, want %q", flashText(m), exportOff)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("e wrote %d files", len(entries))
	}
	m = press(t, m, "?")
	if s := screen(m); strings.Contains(s, "export view") {
		t.Errorf("the help offers export:\n%s", s)
	}
	if s := screen(press(t, start(t, st, 120, 40), "?")); !strings.Contains(s, "export view") {
		t.Errorf("without NoExport the help lacks export:\n%s", s)
	}
}

// TestExportDefaultNameIsFree: the proposed name never collides, so
// exporting twice a day is e, enter, e, enter.
func TestExportDefaultNameIsFree(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	st, _ := fillStore(t, 40)
	m := start(t, st, 120, 40)
	for range 2 {
		m = awaitModel(t, press(t, m, "e", "enter"), exported)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 2 || flashErr(m) {
		t.Fatalf("two exports with the proposed name wrote %d files; status %q", len(entries), flashText(m))
	}
	if !strings.HasSuffix(entries[1].Name(), "-2.csv") && !strings.HasSuffix(entries[0].Name(), "-2.csv") {
		t.Errorf("files %s, %s: want a -2 for the second", entries[0].Name(), entries[1].Name())
	}
}

// A write that fails after the dialog closed (here: the name was taken in
// the meantime) reopens the dialog with the name as typed and the reason,
// and leaves the file that appeared alone.
func TestExportReopensTheDialogWhenTheWriteFails(t *testing.T) {
	path := filepath.Join(t.TempDir(), "leads.csv")
	st, _ := fillStore(t, 30)
	m := start(t, st, 120, 40)
	m = press(t, m, "e", "ctrl+u")
	m = paste(t, m, path)
	next, cmd := m.Update(keyMsg("enter"))
	m = next.(Model)
	if pickerOf(m) != nil || cmd == nil {
		t.Fatal("enter on a free name did not start the export")
	}
	if err := os.WriteFile(path, []byte("theirs"), 0o600); err != nil {
		t.Fatal(err)
	}
	m = awaitModel(t, settle(t, m, cmd), func(m Model) bool { return pickerOf(m) != nil })
	dialogOpen(t, m, path, "not exported: "+path+" exists: choose another name")
	if b, _ := os.ReadFile(path); string(b) != "theirs" {
		t.Errorf("the file that appeared was changed: %q", b)
	}
	// Another name in the reopened dialog exports.
	other := filepath.Join(filepath.Dir(path), "leads-2.csv")
	m = press(t, m, "ctrl+u")
	m = paste(t, m, other)
	m = press(t, m, "enter")
	if pickerOf(m) != nil {
		t.Fatalf("the dialog stayed open: %q", pickerOf(m).err)
	}
	awaitModel(t, m, exported)
	if _, err := os.Stat(other); err != nil {
		t.Errorf("no export at the second name: %v", err)
	}
}

// TestAllBotsExportNamesEachBot: the merged inbox's export says whose each
// lead is by the bot's name as configured, not only its serial.
func TestAllBotsExportNamesEachBot(t *testing.T) {
	st, _ := fillStore(t, 30)
	other := apitest.Generate(apitest.Spec{Serial: "bot-2", Name: "Clinic", Sessions: 20, Days: 20, End: testNow, Seed: 12, FirstID: 70001})
	to := api.DayOf(testNow)
	if _, err := st.SaveLeads(context.Background(), "bot-2", to-21, to, testNow, other.Leads(to-21, to)); err != nil {
		t.Fatal(err)
	}
	opts := testOptions(st)
	opts.Bots = []Bot{{Name: "Test Shop", Serial: testSerial}, {Name: "Clinic", Serial: "bot-2"}}
	m := New(opts)
	t.Cleanup(m.Close)
	m = settle(t, m, sizeCmd(120, 40), m.Init())
	path := filepath.Join(t.TempDir(), "all.csv")
	m = press(t, m, "b", "a", "e", "ctrl+u")
	m = paste(t, m, path)
	awaitModel(t, press(t, m, "enter"), exported)
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	names := map[string]string{}
	for _, r := range rows[1:] {
		names[r[len(r)-2]] = r[len(r)-1]
	}
	if h := rows[0]; h[len(h)-1] != "BotName" || names[testSerial] != "Test Shop" || names["bot-2"] != "Clinic" {
		t.Errorf("header %v, bots named %v", rows[0], names)
	}
}

// TestExportDir: with export_dir set, e proposes a file there (its path in
// the box, ~ for home), a relative name goes there, and the status line
// says the whole path written.
func TestExportDir(t *testing.T) {
	home := t.TempDir()
	t.Setenv("HOME", home)
	t.Chdir(t.TempDir()) // not where the files go
	dir := filepath.Join(home, "exports")
	if err := os.Mkdir(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	st, _ := fillStore(t, 60)
	opts := testOptions(st)
	opts.ExportDir = dir
	m := New(opts)
	t.Cleanup(m.Close)
	m = settle(t, m, sizeCmd(120, 40), m.Init())
	m = press(t, m, "e")
	if got, want := pickerOf(m).valueOf(), "~/exports/neotui-leads-2026-03-10.csv"; got != want {
		t.Errorf("e proposes %q, want %q", got, want)
	}
	m = awaitModel(t, press(t, m, "enter"), exported)
	path := filepath.Join(dir, "neotui-leads-2026-03-10.csv")
	if _, err := os.Stat(path); err != nil || !strings.HasPrefix(flashText(m), "exported to "+path+": ") {
		t.Errorf("the proposed name wrote %s (%v); status %q", path, err, flashText(m))
	}
	m = awaitModel(t, typeExportName(t, m, "second.json"), func(m Model) bool { return strings.Contains(flashText(m), "second.json") })
	if _, err := os.Stat(filepath.Join(dir, "second.json")); err != nil {
		t.Errorf("a relative name did not go to export_dir: %v; status %q", err, flashText(m))
	}
}
