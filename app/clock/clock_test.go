package clock

import (
	"regexp"
	"strconv"
	"testing"
	"time"
)

var uuidV7 = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)

func TestIDsAreV7AndSortInCreationOrder(t *testing.T) {
	c := NewFake(time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC))
	g := NewIDGen(c)
	prev := ""
	for i := range 5000 {
		if i%1000 == 0 {
			c.Advance(time.Millisecond)
		}
		if i == 3000 {
			c.Advance(-time.Hour) // a clock stepped back must not reorder IDs
		}
		id := g.New()
		if !uuidV7.MatchString(id) {
			t.Fatalf("id %q is not a UUIDv7", id)
		}
		if id <= prev {
			t.Fatalf("id %d %q does not sort after %q", i, id, prev)
		}
		prev = id
	}
}

func TestIDCarriesMillisecondTime(t *testing.T) {
	at := time.Date(2026, 11, 22, 10, 0, 0, 123e6, time.UTC)
	id := NewIDGen(NewFake(at)).New()
	hexMs := id[0:8] + id[9:13]
	ms, err := strconv.ParseInt(hexMs, 16, 64)
	if err != nil || ms != at.UnixMilli() {
		t.Fatalf("id %q carries ms %d (%v), want %d", id, ms, err, at.UnixMilli())
	}
}
