package clock

import (
	"crypto/rand"
	"encoding/binary"
	"encoding/hex"
	"sync"
)

// IDGen makes UUIDv7 identifiers (RFC 9562): 48-bit millisecond time,
// then a 12-bit counter so IDs made in the same millisecond still sort in
// creation order, then random bits. Sortable IDs keep event order readable
// across points after sync.
type IDGen struct {
	clock Clock
	mu    sync.Mutex
	lastM int64
	seq   uint16
}

// NewIDGen returns a generator reading time from c.
func NewIDGen(c Clock) *IDGen { return &IDGen{clock: c} }

// New returns a new UUIDv7 in canonical text form.
func (g *IDGen) New() string {
	ms := g.clock.Now().UnixMilli()
	g.mu.Lock()
	if ms <= g.lastM {
		// Same or earlier millisecond (clock stepped back): keep monotonic.
		ms = g.lastM
		g.seq++
		if g.seq > 0x0fff {
			ms++
			g.seq = 0
		}
	} else {
		g.seq = 0
	}
	g.lastM = ms
	seq := g.seq
	g.mu.Unlock()

	var b [16]byte
	binary.BigEndian.PutUint64(b[0:8], uint64(ms)<<16)
	b[6] = 0x70 | byte(seq>>8)&0x0f
	b[7] = byte(seq)
	_, _ = rand.Read(b[8:])
	b[8] = b[8]&0x3f | 0x80
	return format(b)
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
