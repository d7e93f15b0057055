package protocol

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"testing"
)

// slowKeys is checkKeys through json.Decoder's tokens only.
func slowKeys(body []byte, t reflect.Type) error {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	return walk(dec, t, "")
}

func sameKeyErrors(t *testing.T, body string, typ reflect.Type) {
	t.Helper()
	if !json.Valid([]byte(body)) {
		return
	}
	fast, slow := checkKeys([]byte(body), typ), slowKeys([]byte(body), typ)
	if fmt.Sprint(fast) != fmt.Sprint(slow) {
		t.Fatalf("%s:\nscan: %v\nwalk: %v", body, fast, slow)
	}
}

// The byte scan finds what the token walk finds, with the same words.
func TestKeyScanSameAsWalk(t *testing.T) {
	push := reflect.TypeFor[*PushRequest]()
	for _, body := range []string{
		goodPush,
		strings.Replace(goodPush, `"batch_id"`, `"owner_id":"x","batch_id"`, 1),
		strings.Replace(goodPush, `"batch_id":"b1"`, `"batch_id":"b1","batch_id":"b2"`, 1),
		strings.Replace(goodPush, `"clerk_id":3`, `"clerk_id":3,"Clerk_ID":4`, 1),
		strings.Replace(goodPush, `"clerk_id":3`, `"clerk_id":3,"clerk_id":4`, 1),
		strings.Replace(goodPush, `"clerk_id":3`, `"cl\u0065rk_id":3`, 1),
		strings.Replace(goodPush, `"clerk_id":3`, `"cl\u0065rk_id":3, "clerk_id": 3`, 1),
		strings.Replace(goodPush, `"payload":{}`, `"payload":{"a":[1,{"b":"}"}],"a":"\"{["}`, 1),
		` { "protocol" : 1 , "events" : [ [ ] , { } , 3, "x", null, true ] } `,
		`{"events":{"event_id":"e"}}`, `[]`, `"x"`, `null`, `{"protocol":1.5e3}`,
	} {
		sameKeyErrors(t, body, push)
	}
}

func FuzzKeyScan(f *testing.F) {
	f.Add(goodPush)
	f.Add(`{"events":[{"payload":{"x":[]},"kind":"a","kind":"b"}]}`)
	f.Fuzz(func(t *testing.T, body string) {
		sameKeyErrors(t, body, reflect.TypeFor[*PushRequest]())
	})
}
