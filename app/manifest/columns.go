package manifest

import (
	"strings"
	"unicode"
)

// field is one Row value a column or JSON key can feed.
type field int

const (
	fTrack field = iota
	fOrder
	fPickup
	fName
	fPhone
	fSize
	fCOD
	fCurrency
	fWeight
	fNote
	numFields
)

// fieldNames are the names RowError.Field uses.
var fieldNames = [numFields]string{"track", "order", "pickup_code", "name", "phone", "size", "cod", "currency", "weight", "note"}

// fieldRow names problems that belong to the whole row.
const fieldRow = "row"

// columnNames are the header spellings we recognise, in Russian, English,
// Serbian (Latin with and without diacritics, Cyrillic), Kyrgyz and Kazakh.
// They go through normName, so case, punctuation, "ё" and "№" do not matter.
var columnNames = [numFields][]string{
	fTrack: {"track", "tracking", "track number", "tracking number", "track no", "tracking no", "barcode", "bar code",
		"шк", "штрихкод", "штрих-код", "трек", "трек-номер", "трек номер", "номер отправления", "трек номер отправления",
		"штрихкод отправления", "шк отправления", "номер посылки",
		"barkod", "bar kod", "бар код", "баркод", "broj pošiljke", "broj posiljke", "број пошиљке",
		"жөнөтмө номери", "жөнелтілім нөмірі"},
	fOrder: {"order", "order no", "order number", "order id", "заказ", "номер заказа",
		"porudžbina", "porudzbina", "narudžba", "narudzba", "broj porudžbine", "broj porudzbine", "поруџбина", "наруџба",
		"буйрутма", "буйрутма номери", "тапсырыс", "тапсырыс нөмірі"},
	fPickup: {"pickup code", "код выдачи", "код получения", "код", "kod", "kod za preuzimanje", "код за преузимање",
		"алуу коду", "беру коды"},
	fName: {"name", "recipient", "recipient name", "получатель", "фио", "фио получателя", "клиент", "имя",
		"primalac", "ime", "ime i prezime", "прималац", "име", "име и презиме",
		"алуучу", "алуучунун аты", "алушы", "аты жөнү"},
	fPhone: {"phone", "recipient phone", "phone number", "телефон", "тел", "телефон получателя", "номер телефона",
		"telefon", "broj telefona", "број телефона", "тел номери"},
	fSize: {"size", "размер", "габарит", "габариты", "dimensions", "veličina", "velicina", "величина", "dimenzije",
		"өлчөм", "өлчөмү", "өлшем", "өлшемі"},
	fCOD: {"cod", "наложенный платеж", "наложенный платёж", "к оплате", "сумма", "сумма к оплате", "amount",
		"cod amount", "cash on delivery", "сумма наложенного платежа", "нп",
		"otkupnina", "iznos", "iznos otkupnine", "откупнина", "износ", "төлөм", "төлөнүүчү сумма", "төлем"},
	fCurrency: {"currency", "валюта", "valuta", "валута"},
	fWeight:   {"weight", "вес", "težina", "tezina", "тежина", "масса", "салмак", "салмагы", "салмақ", "салмағы"},
	fNote: {"note", "notes", "comment", "comments", "примечание", "комментарий", "napomena", "komentar",
		"напомена", "коментар", "эскертүү", "ескертпе", "пикир"},
}

var fieldByName = func() map[string]field {
	m := map[string]field{}
	for f, names := range columnNames {
		for _, n := range names {
			k := normName(n)
			if prev, dup := m[k]; dup && prev != field(f) {
				panic("manifest: column name " + n + " maps to two fields")
			}
			m[k] = field(f)
		}
	}
	return m
}()

// normName folds a header or a word for lookup: lower case, ё→е, "№"→
// "номер", anything but letters and digits becomes a single space.
func normName(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for _, r := range strings.ToLower(s) {
		switch {
		case r == 'ё':
			r = 'е'
		case r == '№':
			if b.Len() > 0 {
				b.WriteByte(' ')
			}
			b.WriteString("номер")
			space = true
			continue
		}
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			if space && b.Len() > 0 {
				b.WriteByte(' ')
			}
			space = false
			b.WriteRune(r)
		} else {
			space = true
		}
	}
	return b.String()
}

// fillerWords may sit between a column name and its unit: "вес в кг".
var fillerWords = map[string]bool{"в": true, "in": true, "u": true, "у": true}

// column is what a header cell tells us.
type column struct {
	field    field
	weight   weightUnit // unit named in a weight header, "Вес, кг"
	currency string     // currency named in an amount header, "Сумма, руб"
}

// parseColumn recognises a header cell. Unit and currency words after the
// name ("Вес, кг", "Сумма (руб.)", "Iznos RSD") are hints, not part of it.
func parseColumn(name string) (column, bool) {
	var col column
	words := strings.Fields(normName(name))
	f, ok := fieldByName[strings.Join(words, " ")]
	for !ok && len(words) > 1 {
		last := words[len(words)-1]
		if u, isUnit := weightUnits[last]; isUnit {
			col.weight = u
		} else if c, isCur := currencyWords[last]; isCur {
			col.currency = c
		} else if !fillerWords[last] {
			break
		}
		words = words[:len(words)-1]
		f, ok = fieldByName[strings.Join(words, " ")]
	}
	if !ok {
		return column{}, false
	}
	col.field = f
	// Symbols are not letters, so normName dropped them; look for them here.
	switch {
	case strings.Contains(name, "₽"):
		col.currency = "RUB"
	case strings.Contains(name, "₸"):
		col.currency = "KZT"
	}
	if f != fWeight {
		col.weight = unitGuess
	}
	if f != fCOD {
		col.currency = ""
	}
	return col, true
}

// columnMap maps CSV column indexes to fields.
type columnMap struct {
	byIndex  []field // -1 for columns we ignore
	has      [numFields]bool
	weight   weightUnit
	currency string
}

// mapColumns reads the header record. When two columns mean the same
// field, the first one wins.
func mapColumns(header []string) columnMap {
	m := columnMap{byIndex: make([]field, len(header))}
	for i, name := range header {
		m.byIndex[i] = -1
		col, ok := parseColumn(clean1(name))
		if !ok || m.has[col.field] {
			continue
		}
		m.byIndex[i] = col.field
		m.has[col.field] = true
		switch col.field {
		case fWeight:
			m.weight = col.weight
		case fCOD:
			m.currency = col.currency
		}
	}
	return m
}

// clean1 is clean without the flags.
func clean1(s string) string {
	s, _ = clean(s)
	return unexcel(s)
}
