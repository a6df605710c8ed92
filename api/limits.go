package api

import (
	"bytes"
	"errors"
	"io"
	"unicode/utf8"
	"unsafe"
)

// Every text field has a limit, so that a hostile or broken server cannot
// make one value cost gigabytes. A field over its limit is cut at a
// character boundary and ends with CutMark; the record is kept.
const (
	// MaxTextBytes bounds what visitors and the bot write: a lead's or a
	// message's Content.
	MaxTextBytes = 1 << 20
	// MaxLineBytes bounds every other text field: names, emails, phone
	// numbers, types, URIs.
	MaxLineBytes = 4 << 10
	// CutMark ends a field that was cut.
	CutMark = " …[cut: too long]"

	maxNumberBytes = 1 << 10 // a number is never longer; a longer one is broken
)

// errTooLarge is a response over the size cap: its bytes after
// decompression, or what its records take once decoded.
var errTooLarge = errors.New("response over the size cap")

// errLongNumber is a number over maxNumberBytes.
var errLongNumber = errors.New("a number longer than 1 KB")

// cappedReader fails, rather than silently truncating, once more than max
// bytes have been read. Its error is sticky and never comes with bytes:
// jsontext's decoder ignores an error returned alongside data and reads on,
// which is how a 1 GB string once passed a 256 MB cap.
type cappedReader struct {
	r    io.Reader
	max  int64
	n    int64
	err  error
	read func() // called after every read that got bytes
}

func (c *cappedReader) Read(p []byte) (int, error) {
	if c.err != nil {
		return 0, c.err
	}
	// At most one byte past the cap: enough to know it is passed.
	if room := c.max - c.n + 1; int64(len(p)) > room {
		p = p[:room]
	}
	n, err := c.r.Read(p)
	c.n += int64(n)
	if n > 0 && c.read != nil {
		c.read()
	}
	if c.n > c.max {
		n, err = n-1, errTooLarge // the byte past the cap is not passed on
	}
	if err != nil {
		c.err = err
		if n > 0 {
			return n, nil // the error comes alone, next time
		}
	}
	return n, err
}

// tokenLimiter passes a JSON stream through, bounding what the decoder must
// hold at once: jsontext keeps a whole token in its buffer — a string, a
// number, even a run of whitespace — so one 1 GB string costs gigabytes
// however small the records around it. A string longer than MaxTextBytes as
// sent (escapes included) is cut at a character boundary and marked; a run
// of whitespace becomes one space; a number over maxNumberBytes is an error.
type tokenLimiter struct {
	r       io.Reader
	buf     []byte
	in      []byte // read from r, not yet passed on
	err     error  // r's error, returned once in is drained
	pending []byte // CutMark, owed before the rest of the stream
	state   lexState
	run     int  // bytes of the current string or number so far
	esc     int  // in a string: -1 right after '\', n>0 hex digits of \u to come
	space   bool // the last byte passed on between tokens was whitespace
}

type lexState int8

const (
	betweenTokens lexState = iota
	inString
	pastCut // in a string already cut: dropped up to its closing quote
)

func newTokenLimiter(r io.Reader) *tokenLimiter {
	return &tokenLimiter{r: r, buf: make([]byte, 32<<10)}
}

func (t *tokenLimiter) Read(p []byte) (int, error) {
	if len(p) == 0 {
		return 0, nil
	}
	for {
		if len(t.pending) > 0 {
			n := copy(p, t.pending)
			t.pending = t.pending[n:]
			return n, nil
		}
		if len(t.in) == 0 {
			if t.err != nil {
				return 0, t.err
			}
			n, err := t.r.Read(t.buf)
			t.in, t.err = t.buf[:n], err
			continue
		}
		// Loop until bytes come out: a reader that returns (0, nil) too
		// often makes bufio give up.
		if n := t.filter(p); n > 0 {
			return n, nil
		}
	}
}

// filter moves bytes from t.in to p, dropping what is cut, until p is full,
// t.in is drained, or a cut leaves CutMark pending.
func (t *tokenLimiter) filter(p []byte) int {
	n := 0
	for len(t.in) > 0 && n < len(p) {
		if k := t.plainRun(p[n:]); k > 0 {
			n += k
			continue
		}
		if t.state == pastCut && t.esc == 0 {
			if k := plainLen(t.in, len(t.in)); k > 0 {
				t.in = t.in[k:] // dropped
				continue
			}
		}
		b := t.in[0]
		if t.state == inString && t.esc == 0 && t.run >= MaxTextBytes && b != '"' && utf8.RuneStart(b) {
			t.state, t.pending = pastCut, []byte(CutMark)
			return n
		}
		t.in = t.in[1:]
		if t.keep(b) {
			p[n] = b
			n++
		}
		if t.run > maxNumberBytes && t.state == betweenTokens {
			t.in, t.err = nil, errLongNumber
			return n
		}
	}
	return n
}

// plainRun copies the bytes of a string up to its next quote, backslash or
// cut in one go: strings are most of a response, and this is the fast path.
func (t *tokenLimiter) plainRun(p []byte) int {
	if t.state != inString || t.esc != 0 {
		return 0
	}
	k := plainLen(t.in, min(len(t.in), len(p), max(MaxTextBytes-t.run, 0)))
	copy(p, t.in[:k])
	t.in, t.run = t.in[k:], t.run+k
	return k
}

// plainLen is how many of the first n bytes of b come before a quote or a
// backslash.
func plainLen(b []byte, n int) int {
	if i := bytes.IndexByte(b[:n], '"'); i >= 0 {
		n = i
	}
	if i := bytes.IndexByte(b[:n], '\\'); i >= 0 {
		n = i
	}
	return n
}

// keep advances the lexer over b and reports whether b passes on.
func (t *tokenLimiter) keep(b byte) bool {
	switch t.state {
	case inString:
		switch {
		case t.esc == -1 && b == 'u':
			t.esc = 4
		case t.esc != 0:
			t.esc = max(t.esc-1, 0)
		case b == '\\':
			t.esc = -1
		case b == '"':
			t.state, t.run = betweenTokens, 0
			return true
		}
		t.run++
		return true
	case pastCut:
		switch {
		case t.esc != 0:
			t.esc = 0 // the escaped byte: \" does not end the string
		case b == '\\':
			t.esc = -1
		case b == '"':
			t.state, t.run = betweenTokens, 0
			return true
		}
		return false
	}
	isSpace := b == ' ' || b == '\t' || b == '\n' || b == '\r'
	if isSpace && t.space {
		return false
	}
	t.space = isSpace
	switch {
	case b == '"':
		t.state, t.run, t.esc = inString, 0, 0
	case '0' <= b && b <= '9' || b == '-' || b == '+' || b == '.' || b == 'e' || b == 'E':
		t.run++
	default:
		t.run = 0
	}
	return true
}

// cut shortens s to at most max bytes, at a character boundary, marked.
func cut(s *string, max int) {
	if len(*s) <= max {
		return
	}
	i := max
	for i > 0 && !utf8.RuneStart((*s)[i]) {
		i--
	}
	*s = (*s)[:i] + CutMark
}

// budget is how much memory the records of one response may still take.
type budget struct{ left int64 }

func (b *budget) spend(n int64) error {
	b.left -= n
	if b.left < 0 {
		return errTooLarge
	}
	return nil
}

// Each decoded struct is counted twice: a slice grows by doubling, so its
// elements take up to twice their size.
const (
	leadSize    = 2 * int64(unsafe.Sizeof(Lead{}))
	sessionSize = 2 * int64(unsafe.Sizeof(Session{}))
	messageSize = 2 * int64(unsafe.Sizeof(Message{}))
)

// limit cuts l's fields to their limits and returns what l takes in memory.
func (l *Lead) limit() int64 {
	for _, s := range []*string{&l.Type, &l.Name, &l.Email, &l.PhoneNumber, &l.URI} {
		cut(s, MaxLineBytes)
	}
	cut(&l.Content, MaxTextBytes)
	return leadSize + int64(len(l.Type)+len(l.Name)+len(l.Email)+len(l.PhoneNumber)+len(l.URI)+len(l.Content))
}

// limit cuts s's URI and returns what s takes in memory, its messages
// aside: they are counted as they are decoded.
func (s *Session) limit() int64 {
	cut(&s.URI, MaxLineBytes)
	return sessionSize + int64(len(s.URI))
}

func (m *Message) limit() int64 {
	cut(&m.Type, MaxLineBytes)
	cut(&m.Content, MaxTextBytes)
	return messageSize + int64(len(m.Type)+len(m.Content))
}

// limited is a record that knows its limits.
type limited interface{ limit() int64 }
