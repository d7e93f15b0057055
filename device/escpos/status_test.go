package escpos

import "testing"

// Answers as an Epson TM or a clone sends them: bits 1 and 4 always set.
func TestParseStatus(t *testing.T) {
	tests := []struct {
		name string
		n, b byte
		want Status
	}{
		{"online", StatusPrinter, 0x16, Status{}},
		{"offline", StatusPrinter, 0x1e, Status{Offline: true}},
		{"cover open", StatusOffline, 0x16, Status{CoverOpen: true}},
		{"paper out stop", StatusOffline, 0x32, Status{PaperOut: true}},
		{"error stop", StatusOffline, 0x52, Status{Error: true}},
		{"cutter jam", StatusError, 0x1a, Status{Error: true}},
		{"unrecoverable", StatusError, 0x32, Status{Error: true}},
		{"auto-recoverable (head hot)", StatusError, 0x52, Status{Error: true}},
		{"no error", StatusError, 0x12, Status{}},
		{"paper near end", StatusPaper, 0x1e, Status{PaperLow: true}},
		{"paper end", StatusPaper, 0x72, Status{PaperOut: true}},
		{"paper fine", StatusPaper, 0x12, Status{}},
	}
	for _, tt := range tests {
		got, ok := ParseStatus(Status{}, tt.n, tt.b)
		if !ok || got != tt.want {
			t.Errorf("%s: ParseStatus(%d, %#x) = %+v, %v; want %+v", tt.name, tt.n, tt.b, got, ok, tt.want)
		}
	}
}

func TestParseStatusRejectsNoise(t *testing.T) {
	was := Status{PaperLow: true}
	for _, b := range []byte{0x00, 0xff, 0x13, 0x92, 0x10, 0x02, 0x41} {
		for n := byte(StatusPrinter); n <= StatusPaper; n++ {
			if got, ok := ParseStatus(was, n, b); ok || got != was {
				t.Errorf("ParseStatus(%d, %#x) = %+v, %v; want noise rejected, status kept", n, b, got, ok)
			}
		}
	}
	if _, ok := ParseStatus(Status{}, 5, 0x12); ok {
		t.Error("an answer to an unknown query was accepted")
	}
}

// A round of the four queries folds into one Status: a paper-out seen by
// query 2 is not cleared by query 4 in the same round.
func TestParseStatusRound(t *testing.T) {
	var s Status
	for _, q := range [][2]byte{{StatusPrinter, 0x1e}, {StatusOffline, 0x32}, {StatusError, 0x12}, {StatusPaper, 0x1e}} {
		var ok bool
		if s, ok = ParseStatus(s, q[0], q[1]); !ok {
			t.Fatalf("query %d answer %#x rejected", q[0], q[1])
		}
	}
	want := Status{Offline: true, PaperOut: true, PaperLow: true}
	if s != want {
		t.Errorf("round = %+v, want %+v", s, want)
	}
	if s.Ready() {
		t.Error("an offline printer without paper reports ready")
	}
	if !(Status{PaperLow: true}).Ready() {
		t.Error("a printer near paper end must still print")
	}
}

func TestStatusQuery(t *testing.T) {
	if got := StatusQuery(StatusPaper); string(got) != "\x10\x04\x04" {
		t.Errorf("StatusQuery(4) = % x", got)
	}
	ops, err := Decode(StatusQuery(StatusOffline), Profile{})
	if err != nil || len(ops) != 1 || ops[0].Kind != OpStatusQuery || ops[0].N != StatusOffline {
		t.Errorf("Decode(StatusQuery(2)) = %+v, %v", ops, err)
	}
}

func FuzzParseStatus(f *testing.F) {
	f.Add(byte(1), byte(0x16), byte(0))
	f.Add(byte(2), byte(0xff), byte(0x1f))
	f.Add(byte(4), byte(0x72), byte(3))
	f.Fuzz(func(t *testing.T, n, b, prev byte) {
		was := Status{Offline: prev&1 != 0, CoverOpen: prev&2 != 0, PaperOut: prev&4 != 0, PaperLow: prev&8 != 0, Error: prev&16 != 0}
		got, ok := ParseStatus(was, n, b)
		if b&0x93 != 0x12 || n < StatusPrinter || n > StatusPaper {
			if ok || got != was {
				t.Fatalf("ParseStatus(%d, %#x) = %+v, %v: noise accepted", n, b, got, ok)
			}
			return
		}
		if !ok {
			t.Fatalf("ParseStatus(%d, %#x) rejected a well-formed answer", n, b)
		}
		if n != StatusPrinter && got.Offline != was.Offline {
			t.Fatalf("query %d changed Offline", n)
		}
		if was.PaperOut && !got.PaperOut || was.Error && !got.Error {
			t.Fatalf("query %d cleared a stop condition seen earlier in the round", n)
		}
	})
}
