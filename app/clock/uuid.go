package clock

import (
	"crypto/rand"
	"encoding/binary"
	"encoding/hex"
	"sync"
)

// V7 is the monotonic state of a UUIDv7 sequence (RFC 9562): 48-bit
// millisecond time, then a 12-bit counter so IDs made in the same
// millisecond (or after the clock stepped back) still sort in creation
// order, then random bits. Not safe for concurrent use on its own.
type V7 struct {
	lastM int64
	seq   uint16
}

// Next returns the ID for time ms with the given 8 random bytes.
func (v *V7) Next(ms int64, random [8]byte) string {
	if ms <= v.lastM {
		ms = v.lastM
		v.seq++
		if v.seq > 0x0fff {
			ms++
			v.seq = 0
		}
	} else {
		v.seq = 0
	}
	v.lastM = ms
	var b [16]byte
	binary.BigEndian.PutUint64(b[0:8], uint64(ms)<<16)
	b[6] = 0x70 | byte(v.seq>>8)&0x0f
	b[7] = byte(v.seq)
	copy(b[8:], random[:])
	b[8] = b[8]&0x3f | 0x80
	return format(b)
}

// IDGen makes UUIDv7 identifiers from the injected clock. Sortable IDs
// keep event order readable across points after sync.
type IDGen struct {
	clock Clock
	mu    sync.Mutex
	v7    V7
}

// NewIDGen returns a generator reading time from c.
func NewIDGen(c Clock) *IDGen { return &IDGen{clock: c} }

// New returns a new UUIDv7 in canonical text form.
func (g *IDGen) New() string {
	var r [8]byte
	_, _ = rand.Read(r[:])
	ms := g.clock.Now().UnixMilli()
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.v7.Next(ms, r)
}

func format(b [16]byte) string {
	var out [36]byte
	hex.Encode(out[0:8], b[0:4])
	out[8] = '-'
	hex.Encode(out[9:13], b[4:6])
	out[13] = '-'
	hex.Encode(out[14:18], b[6:8])
	out[18] = '-'
	hex.Encode(out[19:23], b[8:10])
	out[23] = '-'
	hex.Encode(out[24:], b[10:])
	return string(out[:])
}
