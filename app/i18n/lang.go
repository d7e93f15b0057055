// Package i18n renders every user-facing string of SmartPoint in the
// clerk's language. Translations live in assets/i18n/<lang>.json in the
// go-i18n JSON format that Fyne's lang package also loads, so the UI and
// spctl share one set of files.
package i18n

import (
	"os"
	"strings"
)

// Lang is a supported UI language (ISO 639-1 code, also the file name).
type Lang string

const (
	RU Lang = "ru"
	KY Lang = "ky"
	SR Lang = "sr"
	EN Lang = "en"
)

// All lists the supported languages; RU first because it is the default
// and the fallback for missing keys.
var All = []Lang{RU, KY, SR, EN}

// Valid reports whether l is one of All.
func (l Lang) Valid() bool {
	switch l {
	case RU, KY, SR, EN:
		return true
	}
	return false
}

// aliases maps the language part of a locale name to a Lang. Besides
// ISO 639-1 it accepts ISO 639-2 codes, English names (Windows locale
// names look like "Russian_Russia.1251") and "kg", the country code
// people often type for Kyrgyz.
var aliases = map[string]Lang{
	"ru": RU, "rus": RU, "russian": RU,
	"ky": KY, "kir": KY, "kg": KY, "kyrgyz": KY, "kirghiz": KY,
	"sr": SR, "srp": SR, "serbian": SR,
	"en": EN, "eng": EN, "english": EN,
}

// Parse extracts a supported language from a language tag or locale name:
// "ru", "RU", "ru_RU.UTF-8", "sr-Latn-RS", "sr_RS@latin", "ky-KG", "kg".
// On failure it returns RU (the default) and false.
func Parse(s string) (Lang, bool) {
	s = strings.ToLower(strings.TrimSpace(s))
	// Drop the codeset (".UTF-8") and modifier ("@latin") of POSIX locales.
	if i := strings.IndexAny(s, ".@"); i >= 0 {
		s = s[:i]
	}
	if i := strings.IndexAny(s, "_-"); i >= 0 {
		s = s[:i]
	}
	if l, ok := aliases[s]; ok {
		return l, true
	}
	return RU, false
}

// envVars are consulted in order; the first non-empty one decides, as in
// POSIX locale resolution, so LC_ALL=kk_KZ does not fall through to an
// unrelated LANG=en_US and yields the default RU instead.
// SMARTPOINT_LANG comes first so a pickup point can override the OS.
var envVars = []string{"SMARTPOINT_LANG", "LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"}

// FromEnv picks the UI language from the environment. Unknown languages,
// "C" and "POSIX" give RU.
func FromEnv() Lang {
	for _, name := range envVars {
		v := os.Getenv(name)
		if name == "LANGUAGE" {
			v = firstEntry(v)
		}
		if strings.TrimSpace(v) == "" {
			continue
		}
		l, _ := Parse(v)
		return l
	}
	return RU
}

// firstEntry returns the first non-empty element of a GNU LANGUAGE list
// such as "ky:ru:en".
func firstEntry(v string) string {
	for e := range strings.SplitSeq(v, ":") {
		if strings.TrimSpace(e) != "" {
			return e
		}
	}
	return ""
}
