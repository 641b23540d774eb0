package sophosemu

import (
	"encoding/hex"
	"sync/atomic"
)

// mix is splitmix64's finaliser: a cheap, well-spread hash used to derive
// ids and quantities from (seed, index) without keeping a generator per
// object, which keeps generating 10,000 tenants fast and order-independent.
func mix(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}

// hash2 combines a seed with a tag and an index.
func hash2(seed uint64, tag string, i uint64) uint64 {
	h := seed
	for _, c := range []byte(tag) {
		h = mix(h ^ uint64(c))
	}
	return mix(h ^ mix(i))
}

// uuidFrom formats two hashed words as a lower-case version 4 UUID.
func uuidFrom(seed uint64, tag string, i uint64) string {
	a, b := hash2(seed, tag, i), hash2(seed, tag+"/2", i)
	var raw [16]byte
	for k := range 8 {
		raw[k] = byte(a >> (8 * k))
		raw[8+k] = byte(b >> (8 * k))
	}
	raw[6] = raw[6]&0x0f | 0x40
	raw[8] = raw[8]&0x3f | 0x80
	var out [36]byte
	hex.Encode(out[0:8], raw[0:4])
	out[8] = '-'
	hex.Encode(out[9:13], raw[4:6])
	out[13] = '-'
	hex.Encode(out[14:18], raw[6:8])
	out[18] = '-'
	hex.Encode(out[19:23], raw[8:10])
	out[23] = '-'
	hex.Encode(out[24:36], raw[10:16])
	return string(out[:])
}

// idSource hands out ids for things created while the emulator runs
// (tokens, correlation ids, raised alerts). A counter rather than
// crypto/rand keeps two runs with the same seed and the same requests
// byte-identical.
type idSource struct {
	seed uint64
	tag  string
	n    atomic.Uint64
}

func (s *idSource) next() string { id, _ := s.nextN(); return id }

// nextN also returns the counter value, to derive more from the same draw.
func (s *idSource) nextN() (string, uint64) {
	n := s.n.Add(1)
	return uuidFrom(s.seed, s.tag, n), n
}

// hexFrom returns n hex digits derived from (seed, tag, i).
func hexFrom(seed uint64, tag string, i uint64, n int) string {
	buf := make([]byte, 0, n+16)
	for k := uint64(0); len(buf) < n; k++ {
		var w [8]byte
		v := hash2(seed, tag, i*1024+k)
		for j := range 8 {
			w[j] = byte(v >> (8 * j))
		}
		buf = hex.AppendEncode(buf, w[:])
	}
	return string(buf[:n])
}
