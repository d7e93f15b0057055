package protocol

import (
	"bytes"
	"encoding/json"
	"errors"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"
)

func code(err error) string {
	var pe *Error
	if errors.As(err, &pe) {
		return pe.Code
	}
	if err == nil {
		return ""
	}
	return "not a protocol error: " + err.Error()
}

const goodPush = `{"protocol":1,"device_id":"dev-1","incarnation":"inc-1","batch_id":"b1","events":[
 {"event_id":"e1","client_seq":1,"kind":"parcel.accepted","entity":"parcel:wb:1","occurred_at":"2026-01-02T10:00:00+03:00","payload":{"cell":"A1"}},
 {"event_id":"e2","client_seq":2,"kind":"parcel.issued","entity":"parcel:wb:1","occurred_at":"2026-01-02T11:00:00Z","clerk_id":3,"payload":{}}]}`

func TestDecodeRefusesWhatTheSpecForbids(t *testing.T) {
	big := `{"protocol":1,"device_id":"d","incarnation":"i","events":[{"event_id":"e","client_seq":1,"payload":"` +
		strings.Repeat("x", MaxBodyBytes) + `"}]}`
	var many strings.Builder
	many.WriteString(`{"protocol":1,"device_id":"d","incarnation":"i","events":[`)
	for i := range MaxBatchEvents + 1 {
		if i > 0 {
			many.WriteByte(',')
		}
		many.WriteString(`{"client_seq":` + strconv.Itoa(i+1) + `}`)
	}
	many.WriteString(`]}`)
	for _, tc := range []struct {
		name, body, want string
	}{
		{"good", goodPush, ""},
		{"unknown field", strings.Replace(goodPush, `"batch_id"`, `"owner_id":"x","batch_id"`, 1), ErrBadRequest},
		{"data after the body", goodPush + `{}`, ErrBadRequest},
		{"not JSON", `{"protocol":1,`, ErrBadRequest},
		{"over the size limit", big, ErrTooLarge},
		{"too many events", many.String(), ErrTooLarge},
		{"no version", strings.Replace(goodPush, `"protocol":1,`, ``, 1), ErrVersionNotSupported},
		{"old version", strings.Replace(goodPush, `"protocol":1`, `"protocol":0`, 1), ErrVersionNotSupported},
		{"empty batch", `{"protocol":1,"device_id":"d","incarnation":"i","events":[]}`, ErrBadRequest},
		{"seq out of order", strings.Replace(goodPush, `"client_seq":2`, `"client_seq":1`, 1), ErrBadRequest},
		{"device id with a space", strings.Replace(goodPush, `"dev-1"`, `"dev 1"`, 1), ErrBadRequest},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var req PushRequest
			if got := code(Decode(strings.NewReader(tc.body), &req)); got != tc.want {
				t.Fatalf("code %q, want %q", got, tc.want)
			}
		})
	}
}

func TestDecodeOldProtocolNamesTheMinimum(t *testing.T) {
	var req HelloRequest
	err := Decode(strings.NewReader(`{"protocol":0,"device_id":"d","incarnation":"i"}`), &req)
	var pe *Error
	if !errors.As(err, &pe) || pe.Code != ErrVersionNotSupported || pe.MinVersion != MinVersion {
		t.Fatalf("got %#v, want version_not_supported with min_protocol %d", err, MinVersion)
	}
}

func TestCheckEventRejectsOneEventAlone(t *testing.T) {
	ok := Event{ID: "e1", ClientSeq: 1, Kind: "parcel.accepted", Entity: "parcel:wb:1",
		OccurredAt: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC), Payload: json.RawMessage(`{}`)}
	if c, m := CheckEvent(ok); c != "" {
		t.Fatalf("a good event was rejected: %s %s", c, m)
	}
	for name, tc := range map[string]struct {
		change func(*Event)
		want   string
	}{
		"no id":          {func(e *Event) { e.ID = "" }, RejectMalformed},
		"no kind":        {func(e *Event) { e.Kind = "" }, RejectMalformed},
		"no time":        {func(e *Event) { e.OccurredAt = time.Time{} }, RejectMalformed},
		"payload broken": {func(e *Event) { e.Payload = json.RawMessage(`{`) }, RejectMalformed},
		"payload huge": {func(e *Event) {
			e.Payload = json.RawMessage(`"` + strings.Repeat("x", MaxEventPayload) + `"`)
		}, RejectTooLarge},
	} {
		e := ok
		tc.change(&e)
		if c, _ := CheckEvent(e); c != tc.want {
			t.Errorf("%s: code %q, want %q", name, c, tc.want)
		}
	}
}

// roundTrip checks what the decoder accepted: it encodes, decodes again
// and is the same value (raw JSON compared compacted).
func roundTrip[T interface{ Validate() error }](t *testing.T, first T, again T) {
	t.Helper()
	enc, err := json.Marshal(first)
	if err != nil {
		t.Fatalf("accepted value does not encode: %v", err)
	}
	if err := Decode(bytes.NewReader(enc), again); err != nil {
		t.Fatalf("accepted value, re-encoded, is refused: %v\n%s", err, enc)
	}
	if !reflect.DeepEqual(normalize(first), normalize(again)) {
		t.Fatalf("re-decoded value differs:\n%#v\n%#v", first, again)
	}
}

// normalize compacts raw JSON and puts times in UTC, what the encoder
// may legitimately change without changing the value.
func normalize(v any) any {
	switch v := v.(type) {
	case *PushRequest:
		c := *v
		c.Events = make([]Event, len(v.Events))
		for i, e := range v.Events {
			var b bytes.Buffer
			if e.Payload == nil { // absent encodes as null
				e.Payload = json.RawMessage("null")
			}
			if json.Compact(&b, e.Payload) == nil {
				e.Payload = b.Bytes()
			}
			e.OccurredAt = e.OccurredAt.UTC()
			c.Events[i] = e
		}
		return c
	case *HelloRequest:
		c := *v
		if len(c.Epochs) == 0 { // omitempty: {} encodes as absent
			c.Epochs = nil
		}
		return c
	}
	return v
}

func FuzzDecodePush(f *testing.F) {
	f.Add([]byte(goodPush))
	f.Add([]byte(`{"protocol":1,"device_id":"d","incarnation":"i","events":[{"client_seq":1,"payload":null}]}`))
	f.Add([]byte(`{"protocol":1,"device_id":"d","incarnation":"i","events":[{"client_seq":1,"occurred_at":"0001-01-01T00:00:00Z"}]}`))
	f.Add([]byte(`{"protocol":2,"device_id":"\u00e9","incarnation":"i","events":[]}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		var req PushRequest
		if Decode(bytes.NewReader(body), &req) != nil {
			return
		}
		for _, e := range req.Events {
			CheckEvent(e) // must not panic either
		}
		roundTrip(t, &req, &PushRequest{})
	})
}

func FuzzDecodeHello(f *testing.F) {
	f.Add([]byte(`{"protocol":1,"app_version":"1.2.0","device_id":"d","incarnation":"i","max_client_seq":7,"epochs":{"point":"e1","owner":"e1"}}`))
	f.Add([]byte(`{"protocol":1,"device_id":"d","incarnation":"i","max_client_seq":-1}`))
	f.Add([]byte(`{"protocol":1,"device_id":"d","incarnation":"i","epochs":{"":""}}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		var req HelloRequest
		if Decode(bytes.NewReader(body), &req) != nil {
			return
		}
		roundTrip(t, &req, &HelloRequest{})
	})
}

func FuzzDecodeRegister(f *testing.F) {
	f.Add([]byte(`{"protocol":1,"activation_code":"ABCD-EFGH-JKMN","device_id":"d","device_name":"Касса 1","app_version":"1.0"}`))
	f.Add([]byte(`{"protocol":1,"activation_code":"\u0007","device_id":"d"}`))
	f.Add([]byte(`{"protocol":1,"activation_code":"x","device_id":"d","device_name":"\xff"}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		var req RegisterRequest
		if Decode(bytes.NewReader(body), &req) != nil {
			return
		}
		roundTrip(t, &req, &RegisterRequest{})
	})
}

// Field names are exact and said once: encoding/json alone would take
// "DEVICE_ID" for device_id and let a repeated key win.
func TestDecodeRefusesOtherCaseAndRepeatedKeys(t *testing.T) {
	for _, body := range []string{
		`{"Protocol":1,"device_id":"d","incarnation":"i","max_client_seq":0}`,
		`{"protocol":1,"DEVICE_ID":"d","incarnation":"i","max_client_seq":0}`,
		`{"protocol":1,"device_id":"d","device_id":"e","incarnation":"i","max_client_seq":0}`,
		`{"protocol":1,"device_id":"d","incarnation":"i","max_client_seq":0,"epochs":{"point":"a","point":"b"}}`,
	} {
		var h HelloRequest
		err := Decode(strings.NewReader(body), &h)
		var pe *Error
		if !errors.As(err, &pe) || pe.Code != ErrBadRequest {
			t.Errorf("%s: got %v, want bad_request", body, err)
		}
	}
	// An event's payload is the counter's own JSON: its keys are not ours
	// to judge, in any case.
	body := `{"protocol":1,"device_id":"d","incarnation":"i","events":[{"event_id":"e1","client_seq":1,"kind":"parcel.accepted",` +
		`"entity":"parcel:x:1","occurred_at":"2026-12-07T10:00:00Z","payload":{"Track":"X","track":"y"}}]}`
	var p PushRequest
	if err := Decode(strings.NewReader(body), &p); err != nil {
		t.Fatalf("a payload with its own keys was refused: %v", err)
	}
	if code, _ := CheckEvent(Event{ID: "e", Kind: "k", Entity: "x", OccurredAt: p.Events[0].OccurredAt, Payload: []byte("null")}); code != RejectMalformed {
		t.Fatalf("a null payload was taken (code %q)", code)
	}
}
