package api

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
)

// envelope is every field of a response but Data, which is streamed.
type envelope struct {
	Version    string
	Success    bool
	sawSuccess bool
	Code       int
	Message    string
}

// ok reports whether the body says the request succeeded. A body without a
// Success field is judged by its Code alone.
func (e envelope) ok() bool {
	if e.sawSuccess {
		return e.Success
	}
	return e.Code == 0 || e.Code == 200
}

// decodeOptions are lenient where the API is loose (field-name case, odd
// time formats, invalid UTF-8, which becomes U+FFFD) and strict elsewhere.
var decodeOptions = json.JoinOptions(
	json.MatchCaseInsensitiveNames(true),
	jsontext.AllowInvalidUTF8(true),
	jsontext.AllowDuplicateNames(true),
	json.WithUnmarshalers(json.UnmarshalFromFunc(unmarshalTime)),
)

// decode reads a response envelope from r, one Data element at a time, so
// that a 50 MB response never sits in memory as a whole: only the decoded
// records do.
func decode[T any](r io.Reader) ([]T, envelope, error) {
	var items []T
	var env envelope
	dec := jsontext.NewDecoder(r, decodeOptions)
	if tok, err := dec.ReadToken(); err != nil {
		return nil, env, err
	} else if tok.Kind() != '{' {
		return nil, env, fmt.Errorf("the response is not a JSON object")
	}
	for dec.PeekKind() != '}' {
		name, err := dec.ReadToken()
		if err != nil {
			return nil, env, err
		}
		switch key := name.String(); {
		case strings.EqualFold(key, "Data"):
			items, err = decodeData[T](dec)
		case strings.EqualFold(key, "Success"):
			env.sawSuccess = true
			err = json.UnmarshalDecode(dec, &env.Success, decodeOptions)
		case strings.EqualFold(key, "Code"):
			err = json.UnmarshalDecode(dec, &env.Code, decodeOptions)
		case strings.EqualFold(key, "Message"):
			err = json.UnmarshalDecode(dec, &env.Message, decodeOptions)
		case strings.EqualFold(key, "Version"):
			err = json.UnmarshalDecode(dec, &env.Version, decodeOptions)
		default:
			err = dec.SkipValue()
		}
		if err != nil {
			return nil, env, err
		}
	}
	if _, err := dec.ReadToken(); err != nil { // the closing '}'
		return nil, env, err
	}
	return items, env, nil
}

func decodeData[T any](dec *jsontext.Decoder) ([]T, error) {
	switch dec.PeekKind() {
	case 'n':
		_, err := dec.ReadToken()
		return nil, err
	case '[':
	default:
		return nil, fmt.Errorf("Data is not a list")
	}
	if _, err := dec.ReadToken(); err != nil {
		return nil, err
	}
	items := []T{}
	for dec.PeekKind() != ']' {
		var item T
		if err := json.UnmarshalDecode(dec, &item, decodeOptions); err != nil {
			return nil, err
		}
		items = append(items, item)
	}
	_, err := dec.ReadToken()
	return items, err
}

// timeLayouts are tried in order: the documented RFC 3339 first, then forms
// a server might plausibly send instead (no zone means UTC, as documented).
var timeLayouts = []string{
	time.RFC3339Nano,
	"2006-01-02T15:04:05.999999999",
	"2006-01-02 15:04:05.999999999Z07:00",
	"2006-01-02 15:04:05.999999999",
}

func unmarshalTime(dec *jsontext.Decoder, t *time.Time) error {
	tok, err := dec.ReadToken()
	if err != nil {
		return err
	}
	if tok.Kind() == 'n' {
		*t = time.Time{}
		return nil
	}
	if tok.Kind() != '"' {
		return fmt.Errorf("CreateTime is not a string")
	}
	s := tok.String()
	if s == "" {
		*t = time.Time{}
		return nil
	}
	for _, layout := range timeLayouts {
		if v, err := time.Parse(layout, s); err == nil {
			*t = v
			return nil
		}
	}
	return fmt.Errorf("CreateTime %q is not a time", s)
}

// decodeErrorBody reads the envelope of an error response, if it is one.
func decodeErrorBody(body []byte) (envelope, bool) {
	if !looksLikeJSON(body) {
		return envelope{}, false
	}
	_, env, err := decode[jsontext.Value](bytes.NewReader(body))
	return env, err == nil
}

func looksLikeJSON(b []byte) bool {
	b = bytes.TrimLeft(b, " \t\r\n\ufeff")
	return len(b) > 0 && b[0] == '{'
}

// errTooLarge is what cappedReader returns once the cap is passed.
var errTooLarge = errors.New("response over the size cap")

// cappedReader fails, rather than silently truncating, once more than max
// bytes have been read.
type cappedReader struct {
	r    io.Reader
	max  int64
	n    int64
	read func() // called after every read that got bytes
}

func (c *cappedReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	if n > 0 && c.read != nil {
		c.read()
	}
	if c.n > c.max {
		return n, errTooLarge
	}
	return n, err
}

// peekBody returns a reader over the whole body and whether it starts like
// JSON, without consuming it.
func peekBody(r io.Reader) (*bufio.Reader, bool) {
	br := bufio.NewReaderSize(r, 64<<10)
	head, _ := br.Peek(512)
	return br, looksLikeJSON(head)
}
