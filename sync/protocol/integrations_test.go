package protocol

import (
	"bytes"
	"errors"
	"strings"
	"testing"
)

const goodManifest = `{"point_id":"P1","manifest_id":"M-1","version":2,"parcels":[
	{"track":"ab123","recipient_name":"Иван Петров","recipient_phone":"+79990001122","size":"M","cod":150000,"pickup_code":"4821"},
	{"track":"CD456"}]}`

func TestManifestRequestDecodes(t *testing.T) {
	var m ManifestRequest
	if err := Decode(strings.NewReader(goodManifest), &m); err != nil {
		t.Fatalf("a good manifest: %v", err)
	}
	if m.Version != 2 || len(m.Parcels) != 2 || m.Parcels[0].COD != 150000 || m.Parcels[1].Size != "" {
		t.Fatalf("decoded %+v", m)
	}
	if n := m.Normalized(); n.Parcels[0].Track != "AB123" || m.Parcels[0].Track != "ab123" {
		t.Fatalf("Normalized upper-cases tracks (on a copy): %+v / %+v", n.Parcels, m.Parcels)
	}
}

func TestManifestRequestRefusals(t *testing.T) {
	parcel := `{"track":"T1"}`
	for _, tc := range []struct {
		body, code string
	}{
		{`{"point_id":"P","manifest_id":"M","version":0,"parcels":[` + parcel + `]}`, ErrBadRequest},
		{`{"point_id":"P","manifest_id":"M","version":1,"parcels":[]}`, ErrBadRequest},
		{`{"point_id":"","manifest_id":"M","version":1,"parcels":[` + parcel + `]}`, ErrBadRequest},
		{`{"point_id":"P","manifest_id":"M 1","version":1,"parcels":[` + parcel + `]}`, ErrBadRequest},
		{`{"point_id":"P","manifest_id":"M","version":1,"parcels":[{"track":"t1"},{"track":"T1"}]}`, ErrBadRequest}, // a track twice
		{`{"point_id":"P","manifest_id":"M","version":1,"parcels":[{"track":"T1","size":"XXL"}]}`, ErrBadRequest},   // size
		{`{"point_id":"P","manifest_id":"M","version":1,"parcels":[{"track":"T1","cod":-1}]}`, ErrBadRequest},       // cod
		{`{"point_id":"P","manifest_id":"M","version":1,"parcels":[{"track":"T1","recipient_name":"a\u0000b"}]}`, ErrBadRequest},
		{`{"point_id":"P","manifest_id":"M","version":1,"parcels":[{"track":"T1","weight":3}]}`, ErrBadRequest},                 // unknown field
		{`{"point_id":"P","manifest_id":"M","version":1,"Parcels":[{"track":"T1"}]}`, ErrBadRequest},                            // other case
		{`{"point_id":"P","manifest_id":"M","version":1,"parcels":[{"track":"T1"}],"parcels":[{"track":"T2"}]}`, ErrBadRequest}, // repeated
	} {
		var m ManifestRequest
		err := Decode(strings.NewReader(tc.body), &m)
		var pe *Error
		if !errors.As(err, &pe) || pe.Code != tc.code {
			t.Errorf("%s: got %v, want %s", tc.body, err, tc.code)
		}
	}
	var b strings.Builder
	b.WriteString(`{"point_id":"P","manifest_id":"M","version":1,"parcels":[`)
	for i := range ManifestParcelsLimit + 1 {
		if i > 0 {
			b.WriteString(",")
		}
		b.WriteString(`{"track":"T` + itoa(i) + `"}`)
	}
	b.WriteString(`]}`)
	var m ManifestRequest
	var pe *Error
	if err := Decode(strings.NewReader(b.String()), &m); !errors.As(err, &pe) || pe.Code != ErrTooLarge {
		t.Fatalf("%d parcels: %v, want too_large", ManifestParcelsLimit+1, err)
	}
}

func itoa(i int) string {
	var b []byte
	for {
		b = append([]byte{byte('0' + i%10)}, b...)
		if i /= 10; i == 0 {
			return string(b)
		}
	}
}

func TestCardMovementRequest(t *testing.T) {
	var ok CardMovementRequest
	if err := Decode(strings.NewReader(`{"amount":3,"key":"receipt-17"}`), &ok); err != nil || ok.Amount != 3 {
		t.Fatalf("good movement: %+v %v", ok, err)
	}
	for _, body := range []string{`{"amount":0,"key":"k"}`, `{"amount":1000001,"key":"k"}`, `{"amount":1}`, `{"amount":1,"key":"a b"}`,
		`{"amount":1.5,"key":"k"}`, `{"amount":"1","key":"k"}`, `{"amount":1,"key":"k","card":"x"}`} {
		var m CardMovementRequest
		if err := Decode(strings.NewReader(body), &m); err == nil {
			t.Errorf("%s was taken", body)
		}
	}
}

func TestIdempotencyKeyAndCardCode(t *testing.T) {
	for key, good := range map[string]bool{"": false, "0b9e7c2a-1": true, "a b": false, strings.Repeat("k", 65): false, "é": false} {
		if err := CheckIdempotencyKey(key); (err == nil) != good {
			t.Errorf("key %q: %v", key, err)
		}
	}
	for in, want := range map[string]string{"7k3m-9q2x-w4a": "7K3M9Q2XW4A", "ab l2 cd34 ef5": "AB12CD34EF5", "Oo-Ii": "0011"} {
		if got := NormalizeCardCode(in); got != want {
			t.Errorf("NormalizeCardCode(%q) = %q, want %q", in, got, want)
		}
	}
}

func FuzzDecodeManifest(f *testing.F) {
	f.Add([]byte(goodManifest))
	f.Add([]byte(`{"point_id":"P","manifest_id":"M","version":1,"parcels":[{"track":"t"},{"track":"T"}]}`))
	f.Add([]byte(`{"point_id":"P","manifest_id":"M","version":9223372036854775807,"parcels":[{"track":"\u00e9","cod":1e3}]}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		var req ManifestRequest
		if Decode(bytes.NewReader(body), &req) != nil {
			return
		}
		n := req.Normalized()
		if err := n.Validate(); err != nil {
			t.Fatalf("an accepted manifest, normalized, is refused: %v", err)
		}
		roundTrip(t, &req, &ManifestRequest{})
	})
}

func FuzzDecodeCardMovement(f *testing.F) {
	f.Add([]byte(`{"amount":3,"key":"receipt-17"}`))
	f.Add([]byte(`{"amount":-1,"key":""}`))
	f.Add([]byte(`{"amount":1e2,"key":"k","key":"l"}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		var req CardMovementRequest
		if Decode(bytes.NewReader(body), &req) != nil {
			return
		}
		if req.Amount < 1 || req.Amount > CardAmountLimit || req.Key == "" {
			t.Fatalf("accepted %+v", req)
		}
		roundTrip(t, &req, &CardMovementRequest{})
	})
}
