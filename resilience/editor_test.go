package resilience_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
)

// editFunc rewrites an emulator's JSON answer to one request. It gets the
// decoded body and returns what to send instead (nil: unchanged).
type editFunc func(r *http.Request, body any) []byte

// editor sits in front of an emulator and lets a test turn its answers
// into input the emulator would never produce: wrong types, missing
// fields, hostile text. Only answers to requests whose path contains
// the edit's path fragment are touched.
type editor struct {
	mu    sync.Mutex
	path  string
	edit  editFunc
	raw   bool // edit every answer, not only 2xx JSON ones
	count int
}

// set installs an edit of the 2xx JSON answers to paths containing
// fragment.
func (e *editor) set(fragment string, f editFunc) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.path, e.edit, e.raw, e.count = fragment, f, false, 0
}

// replace answers every GET to paths containing fragment with body and
// status 200, whatever the emulator said.
func (e *editor) replace(fragment, body string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.path, e.raw, e.count = fragment, true, 0
	e.edit = func(r *http.Request, _ any) []byte {
		if r.Method != http.MethodGet {
			return nil
		}
		return []byte(body)
	}
}

// edits says how many answers were rewritten since set.
func (e *editor) edits() int { e.mu.Lock(); defer e.mu.Unlock(); return e.count }

func (e *editor) wrap(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		e.mu.Lock()
		frag, edit, raw := e.path, e.edit, e.raw
		e.mu.Unlock()
		if edit == nil || !strings.Contains(r.URL.Path, frag) {
			h.ServeHTTP(w, r)
			return
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, r)
		body, code := rec.Body.Bytes(), rec.Code
		var v any
		var out []byte
		if raw || (code/100 == 2 && json.Unmarshal(body, &v) == nil) {
			out = edit(r, v)
		}
		if out != nil {
			body = out
			if code/100 != 2 {
				code = http.StatusOK
			}
			e.mu.Lock()
			e.count++
			e.mu.Unlock()
		}
		for k, vs := range rec.Header() {
			w.Header()[k] = vs
		}
		w.Header().Set("Content-Length", strconv.Itoa(len(body)))
		w.WriteHeader(code)
		_, _ = w.Write(body)
	})
}

// encode encodes v without HTML escaping, so hostile text arrives as
// written. v comes from json.Unmarshal, so it always encodes.
func encode(v any) []byte {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		panic(err)
	}
	return b.Bytes()
}
