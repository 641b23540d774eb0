package clustertest

import (
	"maps"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"centralpsa/config"
	"centralpsa/cwemu"
	"centralpsa/emu"
	"centralpsa/sample"
	"centralpsa/sophosemu"
)

// testKey is the CENTRALPSA_SECRET_KEY of every child, so several
// processes can read the secrets one of them stored.
const testKey = "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY="

// site is a ConnectWise and a Sophos emulator describing the same sample
// customers, served from the test process.
type site struct {
	cw       *cwemu.Server
	so       *sophosemu.Server
	trip     *tripwire
	settings map[string]string // the settings that point centralpsa here
}

// startSite starts both emulators with n sample customers of seed.
func startSite(t *testing.T, n int, seed uint64) *site {
	t.Helper()
	customers := sample.Customers(n, seed)
	s := &site{trip: &tripwire{}}
	srv := emu.Start(t, func(base string) http.Handler {
		s.cw = cwemu.New(cwemu.Options{BaseURL: base, Customers: customers, Extra: sample.ExtraCompanies(seed)})
		return s.trip.wrap(s.cw)
	})
	var soURL string
	// Every tenant lets the partner in, so a ticket sync fails nowhere.
	s.so, soURL = sophosemu.Start(t, sophosemu.Options{Customers: customers, Seed: seed, PartnerAssistanceOffTenants: []string{}})
	id, secret := s.so.Credentials()
	s.settings = map[string]string{
		"allow_http": "true",
		"cw.url":     srv.URL, "cw.company": cwemu.DefaultCompany, "cw.public_key": cwemu.DefaultPublicKey,
		"cw.private_key": cwemu.DefaultPrivateKey, "cw.client_id": cwemu.DefaultClientID,
		"sophos.client_id": id, "sophos.client_secret": secret, "sophos.id_url": soURL, "sophos.api_url": soURL,
		// The emulators do not throttle; the client-side limits would only
		// make the tests slow.
		"cw.requests_per_minute": "0", "sophos.requests_per_minute": "0",
		"usage.schedule": "manual",
	}
	return s
}

// env is the environment of a child using this site: the database, the
// shared secret key and every site setting as a CENTRALPSA_* variable.
func (s *site) env(dsn string, extra map[string]string) map[string]string {
	env := map[string]string{"CENTRALPSA_DB": dsn, "CENTRALPSA_SECRET_KEY": testKey}
	for k, v := range s.settings {
		env[config.EnvName(k)] = v
	}
	maps.Copy(env, extra)
	return env
}

// writes lists the usage sync's writes ConnectWise accepted, as
// "METHOD /path" below the API root (the form the audit log's endpoints
// take), in order; allWrites lists the ticket sync's too.
func (s *site) writes() []string { return s.accepted(isUsagePath) }

func (s *site) allWrites() []string { return s.accepted(func(string) bool { return true }) }

func (s *site) accepted(keep func(path string) bool) []string {
	root := strings.TrimSuffix(s.cw.APIPath(""), "/")
	var out []string
	for _, r := range s.cw.Log().Writes() {
		if r.Status < 400 && keep(r.Path) {
			// The client posts some collections with a trailing slash; the
			// audit log names them without.
			out = append(out, r.Method+" "+strings.TrimSuffix(strings.TrimPrefix(r.Path, root), "/"))
		}
	}
	return out
}

// endState is what the usage sync leaves in ConnectWise: every
// agreement's additions and every catalog and setup-table record, so a
// duplicate shows. Catalog and setup records keep their ids (they are
// made one at a time, so a record made in another order shows too);
// additions do not, because agreements are applied several at a time and
// ConnectWise numbers them in arrival order.
type endState struct {
	Additions map[int64][]string
	Records   map[string][]string
}

func (s *site) endState() endState {
	st := endState{Additions: map[int64][]string{}, Records: map[string][]string{}}
	for _, a := range s.cw.Agreements() {
		id := num(a["id"])
		for _, ad := range s.cw.Additions(int(id)) {
			p, _ := ad["product"].(map[string]any)
			st.Additions[id] = append(st.Additions[id], strings.Join([]string{
				str(p["identifier"]), itoa(num(ad["quantity"])), str(ad["effectiveDate"]), str(ad["cancelledDate"])}, " "))
		}
		slices.Sort(st.Additions[id])
	}
	for _, res := range []string{"catalog", "productTypes", "categories", "subcategories"} {
		for _, r := range s.cw.Records(res) {
			st.Records[res] = append(st.Records[res], itoa(num(r["id"]))+" "+str(r["identifier"])+str(r["name"]))
		}
		slices.Sort(st.Records[res])
	}
	return st
}

// isUsagePath reports whether a ConnectWise path is one the usage sync
// writes to.
func isUsagePath(p string) bool {
	return strings.Contains(p, "/finance/") || strings.Contains(p, "/procurement/")
}

func num(v any) int64 {
	f, _ := v.(float64)
	return int64(f)
}

func str(v any) string {
	s, _ := v.(string)
	return s
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// tripwire acts at a chosen usage write to ConnectWise (catalog and
// agreement paths; the ticket sync's writes pass untouched): either after
// the write is applied but before its answer leaves, or right after the
// answer is sent. The crash test kills the process there; the cluster
// test holds the answer until it has killed the process.
type tripwire struct {
	mu       sync.Mutex
	after    int // fire at this accepted write; 0 = disarmed
	seen     int
	inFlight bool
	fire     func()
}

// arm makes the after-th accepted write from now on call fire once.
func (w *tripwire) arm(after int, inFlight bool, fire func()) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.after, w.seen, w.inFlight, w.fire = after, 0, inFlight, fire
}

func (w *tripwire) wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodGet || !isUsagePath(r.URL.Path) {
			next.ServeHTTP(rw, r)
			return
		}
		rec := httptest.NewRecorder()
		next.ServeHTTP(rec, r)
		fire, inFlight := w.count(rec.Code < 400)
		if fire != nil && inFlight {
			fire()
		}
		maps.Copy(rw.Header(), rec.Header())
		rw.WriteHeader(rec.Code)
		_, _ = rw.Write(rec.Body.Bytes())
		if fire != nil && !inFlight {
			if f, ok := rw.(http.Flusher); ok {
				f.Flush()
			}
			fire()
		}
	})
}

// count records one write and returns the action to take, if this is the
// write armed for.
func (w *tripwire) count(accepted bool) (func(), bool) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.after == 0 || !accepted {
		return nil, false
	}
	w.seen++
	if w.seen != w.after {
		return nil, false
	}
	w.after = 0
	return w.fire, w.inFlight
}
