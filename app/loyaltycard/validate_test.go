package loyaltycard

import (
	"image/color"
	"reflect"
	"slices"
	"strings"
	"testing"

	"smartpoint/app/errs"
	"smartpoint/app/i18n"
)

func TestValidateAcceptsGoodDesigns(t *testing.T) {
	for _, icon := range Icons {
		d := testDesign()
		d.StampIcon = icon
		if err := d.Validate(); err != nil {
			t.Errorf("%s: %v", icon, err)
		}
	}
	d := testDesign()
	d.Background, d.Foreground, d.Accent = "#ffffff", "#1a1a1a", "#c0392b" // lower-case hex is fine
	d.Subtitle, d.Terms = "", ""
	d.Reward = "Скидка на упаковку\nи подарок"
	d.Stamps = MinStamps
	if err := d.Validate(); err != nil {
		t.Error(err)
	}
	d.Stamps = MaxStamps
	d.StampIcon = IconCustom
	d.StampImage = pngOf(t, 64, 64, color.RGBA{R: 200, A: 255})
	d.Logo = pngOf(t, MaxImagePixels, 1, color.Black)
	if err := d.Validate(); err != nil {
		t.Error(err)
	}
}

func TestDefaultDesignIsValid(t *testing.T) {
	for _, lang := range i18n.All {
		for _, name := range []string{"", "ПВЗ «Ош базар»", "Šabac, Karađorđeva 5", "Пункт 🌸 на Ленина\t1",
			strings.Repeat("Очень длинное название пункта ", 5)} {
			d := DefaultDesign(name, lang)
			if err := d.Validate(); err != nil {
				t.Errorf("%s %q: %v", lang, name, err)
			}
			if d.Title == "" || d.Reward == "" || strings.HasPrefix(d.Title, "loyaltycard.") {
				t.Errorf("%s: untranslated default %+v", lang, d)
			}
		}
	}
	if en, ru := DefaultDesign("X", i18n.EN), DefaultDesign("X", i18n.RU); en.Title == ru.Title {
		t.Error("default texts are not in the owner's language")
	}
	if d := DefaultDesign("ПВЗ «Ош базар»", i18n.KY); d.Subtitle != "ПВЗ «Ош базар»" {
		t.Errorf("point name became %q", d.Subtitle)
	}
}

func TestValidateErrors(t *testing.T) {
	notPNG := []byte("GIF89a not a png")
	huge := pngOf(t, MaxImagePixels+1, 1, color.Black)
	cases := []struct {
		name  string
		edit  func(d *Design)
		code  string
		field string
	}{
		{"no title", func(d *Design) { d.Title = "  " }, "loyaltycard.text_required", "title"},
		{"long title", func(d *Design) { d.Title = strings.Repeat("я", MaxTitle+1) }, "loyaltycard.text_too_long", "title"},
		{"newline in title", func(d *Design) { d.Title = "a\nb" }, "loyaltycard.bad_text", "title"},
		{"emoji in title", func(d *Design) { d.Title = "Карта ⭐" }, "loyaltycard.bad_text", "title"},
		{"broken utf-8", func(d *Design) { d.Subtitle = "a\xffb" }, "loyaltycard.bad_text", "subtitle"},
		{"zero-width space", func(d *Design) { d.Subtitle = "a\u200bb" }, "loyaltycard.bad_text", "subtitle"},
		{"long subtitle", func(d *Design) { d.Subtitle = strings.Repeat("s", MaxSubtitle+1) }, "loyaltycard.text_too_long", "subtitle"},
		{"colour name", func(d *Design) { d.Background = "navy" }, "loyaltycard.bad_colour", "background"},
		{"short colour", func(d *Design) { d.Foreground = "#FFF" }, "loyaltycard.bad_colour", "foreground"},
		{"colour no hash", func(d *Design) { d.Accent = "FFC000" }, "loyaltycard.bad_colour", "accent"},
		{"colour bad digit", func(d *Design) { d.Accent = "#FFC00G" }, "loyaltycard.bad_colour", "accent"},
		{"empty colour", func(d *Design) { d.Background = "" }, "loyaltycard.bad_colour", "background"},
		{"text like background", func(d *Design) { d.Foreground = "#283858" }, "loyaltycard.low_contrast", "foreground"},
		{"accent like background", func(d *Design) { d.Accent = "#304070" }, "loyaltycard.low_contrast", "accent"},
		{"logo not png", func(d *Design) { d.Logo = notPNG }, "loyaltycard.bad_image", "logo"},
		{"logo too wide", func(d *Design) { d.Logo = huge }, "loyaltycard.bad_image", "logo"},
		{"logo too heavy", func(d *Design) { d.Logo = make([]byte, MaxImageBytes+1) }, "loyaltycard.bad_image", "logo"},
		{"unknown icon", func(d *Design) { d.StampIcon = "cat" }, "loyaltycard.bad_icon", "stamp_icon"},
		{"no icon", func(d *Design) { d.StampIcon = "" }, "loyaltycard.bad_icon", "stamp_icon"},
		{"custom without image", func(d *Design) { d.StampIcon = IconCustom }, "loyaltycard.bad_icon", "stamp_image"},
		{"custom bad image", func(d *Design) { d.StampIcon, d.StampImage = IconCustom, notPNG }, "loyaltycard.bad_image", "stamp_image"},
		{"one stamp", func(d *Design) { d.Stamps = 1 }, "loyaltycard.bad_stamps", "stamps"},
		{"too many stamps", func(d *Design) { d.Stamps = MaxStamps + 1 }, "loyaltycard.bad_stamps", "stamps"},
		{"no reward", func(d *Design) { d.Reward = "" }, "loyaltycard.text_required", "reward"},
		{"long reward", func(d *Design) { d.Reward = strings.Repeat("r", MaxReward+1) }, "loyaltycard.text_too_long", "reward"},
		{"tab in terms", func(d *Design) { d.Terms = "a\tb" }, "loyaltycard.bad_text", "terms"},
		{"long terms", func(d *Design) { d.Terms = strings.Repeat("t", MaxTerms+1) }, "loyaltycard.text_too_long", "terms"},
	}
	for _, c := range cases {
		d := testDesign()
		c.edit(&d)
		before := cloneDesign(d)
		err := d.Validate()
		wantCode(t, err, errs.Code(c.code), c.field)
		// Bad input changes nothing and draws nothing.
		img, rerr := Render(d, CardState{Stamps: 1})
		if img != nil || rerr == nil || rerr.Error() != err.Error() {
			t.Errorf("%s: Render = %v, %v; want the Validate error %v", c.name, img != nil, rerr, err)
		}
		if !reflect.DeepEqual(d, before) {
			t.Errorf("%s: Validate or Render changed the design", c.name)
		}
	}
	// An image with an unused built-in icon is kept, not an error.
	d := testDesign()
	d.StampImage = notPNG
	if err := d.Validate(); err != nil {
		t.Errorf("unused stamp image: %v", err)
	}
}

func TestValidateNamesTheCharacter(t *testing.T) {
	d := testDesign()
	d.Title = "Карта ⭐"
	err := d.Validate()
	if !strings.Contains(err.Error(), "⭐ (U+2B50)") {
		t.Errorf("error %v does not name the character", err)
	}
	msg := i18n.Printer{L: i18n.RU}.Err(err)
	if !strings.Contains(msg, "U+2B50") || strings.Contains(msg, "err.") {
		t.Errorf("the owner sees %q", msg)
	}
}

func cloneDesign(d Design) Design {
	c := d
	c.Logo = slices.Clone(d.Logo)
	c.StampImage = slices.Clone(d.StampImage)
	return c
}
