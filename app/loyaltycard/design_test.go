package loyaltycard

import (
	"bytes"
	"encoding/json"
	"image/color"
	"reflect"
	"strings"
	"testing"
)

// The app stores the design as JSON; what comes back draws the same card.
func TestDesignJSONRoundTrip(t *testing.T) {
	d := testDesign()
	d.Logo = pngOf(t, 30, 20, color.RGBA{G: 200, A: 255})
	d.StampIcon = IconCustom
	d.StampImage = pngOf(t, 16, 16, color.RGBA{R: 200, A: 255})
	d.Terms = "Условия: «один штамп» — за одно получение.\nŠabac, Čačak; ң ө ү"
	b, err := json.Marshal(d)
	if err != nil {
		t.Fatal(err)
	}
	for _, key := range []string{`"title"`, `"subtitle"`, `"background"`, `"foreground"`, `"accent"`, `"logo"`,
		`"stamp_icon":"custom"`, `"stamp_image"`, `"stamps":8`, `"reward"`, `"terms"`} {
		if !bytes.Contains(b, []byte(key)) {
			t.Errorf("JSON lacks %s: %s", key, b)
		}
	}
	var back Design
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(back, d) {
		t.Fatalf("round trip changed the design:\n%+v\n%+v", back, d)
	}
	st := CardState{Stamps: 4, QRText: "SPC1:L:TEST", Scale: 0.5}
	if a, b := mustRender(t, d, st), mustRender(t, back, st); differs(a, b, a.Bounds()) != 0 {
		t.Error("the stored design draws a different card")
	}

	// Optional parts are left out of the stored JSON.
	plain, err := json.Marshal(DefaultDesign("", "ru"))
	if err != nil {
		t.Fatal(err)
	}
	for _, key := range []string{`"logo"`, `"stamp_image"`, `"subtitle"`} {
		if strings.Contains(string(plain), key) {
			t.Errorf("empty %s stored: %s", key, plain)
		}
	}
}
