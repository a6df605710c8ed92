package config

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"
)

// The file is walked as a yaml.Node tree rather than decoded into a struct, so
// that every error, not only syntax errors, can name its line.

// parser reads one config file; its errors all start "config FILE line N:".
type parser struct {
	file      string
	home      string
	inlineKey bool // some bot has key:, so the file must be private
	password  bool // store: holds a password, so the file must be private
}

func (p *parser) errf(n *yaml.Node, format string, args ...any) error {
	return fmt.Errorf("config %s line %d: %s", p.file, n.Line, fmt.Sprintf(format, args...))
}

// field is one key: value pair of a mapping.
type field struct{ key, val *yaml.Node }

// parseFile fills c from the YAML in data, read from c.File with the given mode.
func parseFile(c *Config, data []byte, mode fs.FileMode, home string) error {
	p := &parser{file: c.File, home: home}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc, next yaml.Node
	if err := dec.Decode(&doc); err != nil && !errors.Is(err, io.EOF) {
		return p.syntaxError(err)
	}
	// A second document would otherwise be ignored without a word.
	if err := dec.Decode(&next); !errors.Is(err, io.EOF) {
		if err != nil {
			return p.syntaxError(err)
		}
		return p.errf(&next, "a second document (after ---) is not supported: keep one")
	}
	if len(doc.Content) == 0 || isNull(doc.Content[0]) {
		return nil // an empty file, or only comments
	}
	root := doc.Content[0]
	if root.Kind != yaml.MappingNode {
		return p.errf(root, "expected settings such as base_url: and bots:, found %s", kindName(root))
	}
	fields, err := p.fields(root)
	if err != nil {
		return err
	}

	var defaultBot *yaml.Node
	for _, f := range fields {
		switch f.key.Value {
		case "base_url":
			err = p.baseURL(f, &c.BaseURL)
		case "time_zone":
			err = p.timeZone(f, &c.Location)
		case "rate_limit":
			err = p.rate(f, &c.RateLimit)
		case "history_window_days":
			err = p.count(f, &c.HistoryWindowDays)
		case "initial_sync_days":
			err = p.count(f, &c.InitialSyncDays)
		case "max_response_mb":
			err = p.megabytes(f, &c.MaxResponseBytes)
		case "request_timeout":
			err = p.duration(f, &c.RequestTimeout)
		case "refresh_minutes":
			err = p.minutes(f, &c.RefreshMinutes)
		case "bell":
			err = p.boolean(f, &c.Bell)
		case "mouse":
			err = p.boolean(f, &c.Mouse)
		case "export_dir":
			err = p.folder(f, &c.ExportDir)
		case "store":
			err = p.store(f, c)
		case "default_bot":
			defaultBot = f.val
			c.DefaultBot, err = p.str(f)
		case "bots":
			c.Bots, err = p.bots(f)
		default:
			err = p.errf(f.key, "unknown key %q: the keys are base_url, time_zone, rate_limit, history_window_days, "+
				"initial_sync_days, max_response_mb, request_timeout, refresh_minutes, bell, mouse, export_dir, store, default_bot and bots", f.key.Value)
		}
		if err != nil {
			return err
		}
	}

	if c.DefaultBot != "" && !slices.ContainsFunc(c.Bots, func(b Bot) bool { return b.Name == c.DefaultBot }) {
		return p.errf(defaultBot, "default_bot %q names no bot: use one of the names under bots:", c.DefaultBot)
	}
	if (p.inlineKey || p.password) && exposed(mode) {
		what := "an API key"
		if !p.inlineKey {
			what = "the store's password"
		}
		return fmt.Errorf("config %s holds %s and is readable by others (mode %04o): run chmod 600 %s",
			c.File, what, uint32(mode.Perm()), c.File)
	}
	return nil
}

var yamlLine = regexp.MustCompile(`^yaml: line (\d+): `)

// syntaxError rephrases "yaml: line 3: …" as "config FILE line 3: …".
func (p *parser) syntaxError(err error) error {
	msg := err.Error()
	if m := yamlLine.FindStringSubmatch(msg); m != nil {
		return fmt.Errorf("config %s line %s: %s", p.file, m[1], msg[len(m[0]):])
	}
	return fmt.Errorf("config %s: %s", p.file, strings.TrimPrefix(msg, "yaml: "))
}

// fields returns the pairs of mapping n, refusing a key given twice: YAML
// allows it in a node tree, and the second value would silently win.
func (p *parser) fields(n *yaml.Node) ([]field, error) {
	seen := map[string]int{}
	var fields []field
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if first, dup := seen[k.Value]; dup {
			return nil, p.errf(k, "%s is set twice (first on line %d)", k.Value, first)
		}
		seen[k.Value] = k.Line
		fields = append(fields, field{k, resolve(v)})
	}
	return fields, nil
}

// bots reads the bots: list.
func (p *parser) bots(f field) ([]Bot, error) {
	if isNull(f.val) {
		return nil, nil
	}
	if f.val.Kind != yaml.SequenceNode {
		return nil, p.errf(f.val, "bots must be a list, each bot starting with \"- name:\"")
	}
	var bots []Bot
	nameLines := map[string]int{}
	for _, n := range f.val.Content {
		b, nameNode, err := p.bot(resolve(n))
		if err != nil {
			return nil, err
		}
		if first, dup := nameLines[b.Name]; dup {
			return nil, p.errf(nameNode, "bot name %q is used twice (first on line %d)", b.Name, first)
		}
		nameLines[b.Name] = nameNode.Line
		bots = append(bots, b)
	}
	return bots, nil
}

// bot reads one entry of bots:, returning the node of its name for errors
// about the name.
func (p *parser) bot(n *yaml.Node) (Bot, *yaml.Node, error) {
	var b Bot
	if n.Kind != yaml.MappingNode {
		return b, nil, p.errf(n, "a bot needs name:, serial: and one of key_env:, key_file: or key:, found %s", kindName(n))
	}
	fields, err := p.fields(n)
	if err != nil {
		return b, nil, err
	}
	var nameNode *yaml.Node
	var sources []field
	for _, f := range fields {
		switch f.key.Value {
		case "name":
			nameNode = f.val
			b.Name, err = p.str(f)
		case "serial":
			b.Serial, err = p.str(f)
		case "key", "key_env", "key_file":
			sources = append(sources, f)
		default:
			err = p.errf(f.key, "unknown key %q in a bot: a bot has name, serial, and one of key_env, key_file or key", f.key.Value)
		}
		if err != nil {
			return b, nil, err
		}
	}
	// Checked after the loop: name may come after the fields that need it.
	if b.Name == "" {
		return b, nil, p.errf(n, "a bot has no name: add name: to it")
	}
	if b.Serial == "" {
		return b, nil, p.errf(n, "bot %q has no serial", b.Name)
	}
	if len(sources) > 1 {
		return b, nil, p.errf(sources[1].key, "bot %q has two key sources, %s and %s: keep one",
			b.Name, sources[0].key.Value, sources[1].key.Value)
	}
	if len(sources) == 1 {
		if err := p.keySource(&b, sources[0]); err != nil {
			return b, nil, err
		}
	}
	return b, nameNode, nil
}

// keySource records where bot b's key comes from; only an inline key is read
// now, the others when the bot is selected.
func (p *parser) keySource(b *Bot, f field) error {
	v, err := p.str(f)
	if err != nil {
		return err
	}
	if v == "" {
		return p.errf(f.val, "bot %q has an empty %s", b.Name, f.key.Value)
	}
	switch f.key.Value {
	case "key":
		b.Key, b.KeySource = Secret(v), "config file "+p.file
		p.inlineKey = true
	case "key_env":
		b.keyEnv, b.KeySource = v, "$"+v
	case "key_file":
		path := expandHome(v, p.home)
		if !filepath.IsAbs(path) {
			path = filepath.Join(filepath.Dir(p.file), path)
		}
		b.keyFile, b.KeySource = path, "key file "+v
	}
	return nil
}

// str reads a single value as text, exactly as written: a serial of digits
// stays text.
func (p *parser) str(f field) (string, error) {
	if isNull(f.val) {
		return "", nil
	}
	if f.val.Kind != yaml.ScalarNode {
		return "", p.errf(f.val, "%s must be a single value, found %s", f.key.Value, kindName(f.val))
	}
	return f.val.Value, nil
}

// count reads a whole number greater than zero.
func (p *parser) count(f field, dst *int) error {
	var n int
	// The tag check refuses 1.5, which Decode would truncate to 1.
	if f.val.ShortTag() != "!!int" || f.val.Decode(&n) != nil {
		return p.errf(f.val, "%s must be a whole number, like %s: 7", f.key.Value, f.key.Value)
	}
	if n <= 0 {
		return p.errf(f.val, "%s must be greater than 0, not %d", f.key.Value, n)
	}
	*dst = n
	return nil
}

// minutes reads a whole number of minutes, 0 meaning never.
func (p *parser) minutes(f field, dst *int) error {
	var n int
	if f.val.ShortTag() != "!!int" || f.val.Decode(&n) != nil || n < 0 {
		return p.errf(f.val, "%s must be a whole number of minutes (0: never), like %s: 5", f.key.Value, f.key.Value)
	}
	*dst = n
	return nil
}

// boolean reads true or false.
func (p *parser) boolean(f field, dst *bool) error {
	if f.val.ShortTag() != "!!bool" || f.val.Decode(dst) != nil {
		return p.errf(f.val, "%s must be true or false", f.key.Value)
	}
	return nil
}

// rate reads a number of requests per minute greater than zero.
func (p *parser) rate(f field, dst *float64) error {
	var r float64
	if f.val.Kind != yaml.ScalarNode || f.val.Decode(&r) != nil || math.IsNaN(r) || math.IsInf(r, 0) {
		return p.errf(f.val, "%s must be a number of requests per minute, like %s: 10", f.key.Value, f.key.Value)
	}
	if r <= 0 {
		return p.errf(f.val, "%s must be greater than 0, not %v", f.key.Value, r)
	}
	*dst = r
	return nil
}

// megabytes reads a size in MB into bytes.
func (p *parser) megabytes(f field, dst *int64) error {
	var mb int
	if err := p.count(f, &mb); err != nil {
		return err
	}
	if mb > math.MaxInt64>>20 { // would overflow the byte count
		return p.errf(f.val, "%s is too large", f.key.Value)
	}
	*dst = int64(mb) << 20
	return nil
}

// duration reads a length of time longer than 0, as Go writes it: 90s, 2m,
// 1m30s.
func (p *parser) duration(f field, dst *time.Duration) error {
	d, err := time.ParseDuration(f.val.Value)
	if f.val.Kind != yaml.ScalarNode || err != nil {
		return p.errf(f.val, "%s must be a duration such as 90s or 2m, not %q", f.key.Value, f.val.Value)
	}
	if d <= 0 {
		return p.errf(f.val, "%s must be longer than 0, not %s", f.key.Value, f.val.Value)
	}
	*dst = d
	return nil
}

// store reads where the store is: a file (~/ is the home folder, a
// relative path is the config file's folder's) or a postgres:// URL.
func (p *parser) store(f field, c *Config) error {
	v, err := p.str(f)
	if err != nil {
		return err
	}
	if v == "" {
		return p.errf(f.val, "store is empty: remove it for the default file, or name a file or a postgres:// URL")
	}
	if c.Store, c.StorePassword, err = parseStore(v, p.home, filepath.Dir(p.file)); err != nil {
		return p.errf(f.val, "store %v", err)
	}
	p.password = c.StorePassword != ""
	return nil
}

// folder reads a folder's full path; ~/ at its start is the home folder.
// A relative path is refused: relative to what would be a guess.
func (p *parser) folder(f field, dst *string) error {
	v, err := p.str(f)
	if err != nil || v == "" {
		return err
	}
	path := expandHome(v, p.home)
	if !filepath.IsAbs(path) {
		return p.errf(f.val, "%s must be a full path or start with ~/, not %q", f.key.Value, v)
	}
	*dst = filepath.Clean(path)
	return nil
}

func (p *parser) baseURL(f field, dst *string) error {
	u, err := p.str(f)
	if err != nil || u == "" {
		return err
	}
	if *dst, err = checkBaseURL(u); err != nil {
		return p.errf(f.val, "base_url %v", err)
	}
	return nil
}

func (p *parser) timeZone(f field, dst **time.Location) error {
	name, err := p.str(f)
	if err != nil || name == "" {
		return err
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return p.errf(f.val, "unknown time zone %q: use an IANA name such as Europe/Rome or America/New_York", name)
	}
	*dst = loc
	return nil
}

// resolve follows an alias (*name) to the node it stands for.
func resolve(n *yaml.Node) *yaml.Node {
	if n.Kind == yaml.AliasNode && n.Alias != nil {
		return n.Alias
	}
	return n
}

func isNull(n *yaml.Node) bool {
	return n.Kind == yaml.ScalarNode && n.ShortTag() == "!!null"
}

func kindName(n *yaml.Node) string {
	switch n.Kind {
	case yaml.SequenceNode:
		return "a list"
	case yaml.MappingNode:
		return "a set of keys"
	case yaml.ScalarNode:
		return "a single value" // not quoted: it could be a misplaced key
	}
	return "something else"
}
