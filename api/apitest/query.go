package apitest

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/neotui/neotui/api"
)

// query is a request body, checked.
type query struct {
	serial         string
	from, to       api.Day
	hasFrom, hasTo bool
	sessionID      int64
	hasSession     bool
}

func (q query) window() window {
	var w window
	if q.hasFrom {
		w.lo = q.from.Time()
	}
	if q.hasTo {
		w.hi = q.to.End()
	}
	return w
}

// parseQuery reads a body with exact, case-sensitive field names: a field
// sent in the other endpoint's casing counts as missing, as with the real API.
// encoding/json's struct decoding would match names case-insensitively, so
// the body is read as a map.
func parseQuery(body []byte, names fields) (query, error) {
	var q query
	var m map[string]json.RawMessage
	if err := json.Unmarshal(body, &m); err != nil {
		return q, errors.New("the request body is not a JSON object")
	}
	present := func(name string) (json.RawMessage, bool) {
		raw, ok := m[name]
		return raw, ok && string(raw) != "null"
	}
	raw, ok := present(names.serial)
	if !ok {
		if k := otherCasing(m, names.serial); k != "" {
			return q, fmt.Errorf("%s is required (field names are case-sensitive: this endpoint takes %q, not %q)", names.serial, names.serial, k)
		}
		return q, fmt.Errorf("%s is required", names.serial)
	}
	if json.Unmarshal(raw, &q.serial) != nil {
		return q, fmt.Errorf("%s must be a string", names.serial)
	}
	if q.serial == "" {
		return q, fmt.Errorf("%s is required", names.serial)
	}
	var err error
	if raw, ok := present(names.start); ok {
		q.from, err = parseDay(names.start, raw)
		q.hasFrom = true
	} else if k := otherCasing(m, names.start); k != "" {
		return q, fmt.Errorf("unknown field %q (field names are case-sensitive: this endpoint takes %q)", k, names.start)
	}
	if err != nil {
		return q, err
	}
	if raw, ok := present(names.end); ok {
		q.to, err = parseDay(names.end, raw)
		q.hasTo = true
	} else if k := otherCasing(m, names.end); k != "" {
		return q, fmt.Errorf("unknown field %q (field names are case-sensitive: this endpoint takes %q)", k, names.end)
	}
	if err != nil {
		return q, err
	}
	if q.hasFrom && q.hasTo && q.from > q.to {
		return q, fmt.Errorf("%s %s is after %s %s", names.start, q.from, names.end, q.to)
	}
	if names.session == "" {
		return q, nil // ChatContentHistory has no session filter
	}
	if raw, ok := present(names.session); ok {
		if json.Unmarshal(raw, &q.sessionID) != nil {
			return q, fmt.Errorf("%s must be an integer", names.session)
		}
		q.hasSession = true
	}
	return q, nil
}

// parseDay accepts exactly YYYY-MM-DD, a real calendar day.
func parseDay(field string, raw json.RawMessage) (api.Day, error) {
	var s string
	if json.Unmarshal(raw, &s) != nil || !isDayShape(s) {
		return 0, fmt.Errorf("%s must be a date in the form YYYY-MM-DD (UTC), got %s", field, raw)
	}
	d, err := api.ParseDay(s)
	if err != nil {
		return 0, fmt.Errorf("%s must be a date in the form YYYY-MM-DD (UTC), got %s: no such day", field, raw)
	}
	return d, nil
}

func isDayShape(s string) bool {
	if len(s) != len(api.DayLayout) {
		return false
	}
	for i, c := range []byte(s) {
		if (i == 4 || i == 7) != (c == '-') || c != '-' && (c < '0' || c > '9') {
			return false
		}
	}
	return true
}

// otherCasing returns the key of m that is want in another casing, or "":
// the mistake the two endpoints' different conventions invite.
func otherCasing(m map[string]json.RawMessage, want string) string {
	for k := range m {
		if k != want && strings.EqualFold(k, want) {
			return k
		}
	}
	return ""
}
