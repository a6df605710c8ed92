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

// lenient is lenient where the API is loose (field-name case, invalid
// UTF-8, which becomes U+FFFD) and strict elsewhere.
var lenient = json.JoinOptions(
	json.MatchCaseInsensitiveNames(true),
	jsontext.AllowInvalidUTF8(true),
	jsontext.AllowDuplicateNames(true),
)

// options decode one response within budget b: odd time formats, and
// messages counted one at a time.
func (b *budget) options() json.Options {
	var opts json.Options
	opts = json.JoinOptions(lenient, json.WithUnmarshalers(json.JoinUnmarshalers(
		json.UnmarshalFromFunc(unmarshalTime),
		json.UnmarshalFromFunc(func(dec *jsontext.Decoder, msgs *[]Message) error {
			return b.messages(dec, msgs, opts)
		}),
	)))
	return opts
}

// decode reads a response envelope from r, one Data element at a time, so
// that a 50 MB response never sits in memory as a whole: only the decoded
// records do, and they may take at most maxBytes.
func decode[T any](r io.Reader, maxBytes int64) ([]T, envelope, error) {
	var items []T
	var env envelope
	b := &budget{left: maxBytes}
	opts := b.options()
	dec := jsontext.NewDecoder(newTokenLimiter(r), opts)
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
			items, err = decodeData[T](dec, opts, b)
		case strings.EqualFold(key, "Success"):
			env.sawSuccess = true
			err = json.UnmarshalDecode(dec, &env.Success, opts)
		case strings.EqualFold(key, "Code"):
			err = json.UnmarshalDecode(dec, &env.Code, opts)
		case strings.EqualFold(key, "Message"):
			err = json.UnmarshalDecode(dec, &env.Message, opts)
			cut(&env.Message, MaxLineBytes)
		case strings.EqualFold(key, "Version"):
			err = json.UnmarshalDecode(dec, &env.Version, opts)
			cut(&env.Version, MaxLineBytes)
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

func decodeData[T any](dec *jsontext.Decoder, opts json.Options, b *budget) ([]T, error) {
	switch dec.PeekKind() {
	case 'n':
		_, err := dec.ReadToken()
		return nil, err
	case '[':
	case '0':
		// A count (GetMessageCountByChatbot), where a number is asked for.
		var n T
		if _, ok := any(&n).(*int64); ok {
			err := json.UnmarshalDecode(dec, &n, opts)
			return []T{n}, err
		}
		return nil, fmt.Errorf("Data is not a list")
	default:
		return nil, fmt.Errorf("Data is not a list")
	}
	if _, err := dec.ReadToken(); err != nil {
		return nil, err
	}
	items := []T{}
	for dec.PeekKind() != ']' {
		var zero T
		items = append(items, zero) // decoded in place: a local would escape to the heap
		item := &items[len(items)-1]
		if err := json.UnmarshalDecode(dec, item, opts); err != nil {
			return nil, err
		}
		var size int64
		switch v := any(item).(type) {
		case limited:
			size = v.limit()
		case *jsontext.Value:
			size = int64(len(*v))
		}
		if err := b.spend(size); err != nil {
			return nil, err
		}
	}
	_, err := dec.ReadToken()
	return items, err
}

// messages decodes a session's Messages one at a time, so that their memory
// is counted as it grows, not once a million of them are held.
func (b *budget) messages(dec *jsontext.Decoder, msgs *[]Message, opts json.Options) error {
	if dec.PeekKind() != '[' {
		return errors.ErrUnsupported // null, or an error: the default decoding says which
	}
	if _, err := dec.ReadToken(); err != nil {
		return err
	}
	list := []Message{}
	for dec.PeekKind() != ']' {
		list = append(list, Message{}) // decoded in place: a local would escape to the heap
		m := &list[len(list)-1]
		if err := json.UnmarshalDecode(dec, m, opts); err != nil {
			return err
		}
		if err := b.spend(m.limit()); err != nil {
			return err
		}
	}
	*msgs = list
	_, err := dec.ReadToken()
	return err
}

// timeLayouts are tried in order: the documented RFC 3339 first, then forms
// a server might plausibly send instead (no zone means UTC, as documented).
var timeLayouts = []string{
	time.RFC3339Nano,
	"2006-01-02T15:04:05.999999999",
	"2006-01-02 15:04:05.999999999Z07:00",
	"2006-01-02 15:04:05.999999999",
}

// unmarshalTime reads a time in one of timeLayouts. Anything else — null,
// "", a word, a number, an object — is the zero time, not an error: one
// broken record must not cost the whole response. The syncer leaves out a
// lead without a time, and counts it.
func unmarshalTime(dec *jsontext.Decoder, t *time.Time) error {
	*t = time.Time{}
	if dec.PeekKind() != '"' {
		return dec.SkipValue()
	}
	tok, err := dec.ReadToken()
	if err != nil {
		return err
	}
	for _, layout := range timeLayouts {
		if v, err := time.Parse(layout, tok.String()); err == nil {
			*t = v
			return nil
		}
	}
	return nil
}

// decodeErrorBody reads the envelope of an error response, if it is one.
func decodeErrorBody(body []byte) (envelope, bool) {
	if !looksLikeJSON(body) {
		return envelope{}, false
	}
	_, env, err := decode[jsontext.Value](bytes.NewReader(body), maxErrorBody)
	return env, err == nil
}

func looksLikeJSON(b []byte) bool {
	b = bytes.TrimLeft(b, " \t\r\n\ufeff")
	return len(b) > 0 && b[0] == '{'
}

// peekBody returns a reader over the whole body and whether it starts like
// JSON, without consuming it.
func peekBody(r io.Reader) (*bufio.Reader, bool) {
	br := bufio.NewReaderSize(r, 64<<10)
	head, _ := br.Peek(512)
	return br, looksLikeJSON(head)
}
