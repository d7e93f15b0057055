package demo

import (
	"fmt"
	"math/rand/v2"
	"strconv"

	"smartpoint/app/scan"
)

// digits is n decimal digits of v (v < 10^n).
func digits(v uint64, n int) string { return fmt.Sprintf("%0*d", n, v) }

// scramble maps serials 0, 1, 2 … (below 10^6) onto distinct n-digit
// numbers that look random: an affine map modulo 10^n with a multiplier
// coprime to 10, offset by base.
func scramble(base, serial uint64, n int) uint64 {
	mod := uint64(1)
	for range n {
		mod *= 10
	}
	return (base%mod + serial%mod*982_451_653%mod) % mod
}

// ean13 completes 12 digits with their GS1 check digit.
func ean13(d string) string {
	sum := 0
	for i := len(d) - 1; i >= 0; i-- {
		w := 3
		if (len(d)-1-i)%2 == 1 {
			w = 1
		}
		sum += int(d[i]-'0') * w
	}
	return d + strconv.Itoa((10-sum%10)%10)
}

// trackers make the serial-th track of a default partner, in the shape its
// default scan rule recognises (assets/partners/defaults.json), with a
// valid check digit where the rule has one. Partners an owner added
// themselves have no tracker and get no demo parcels.
var trackers = map[string]func(base, serial uint64) string{
	"wb":          func(b, s uint64) string { return ean13("2" + digits(scramble(b, s, 11), 11)) },
	"ozon":        func(b, s uint64) string { return "II" + digits(scramble(b, s, 10), 10) },
	"yandex":      func(b, s uint64) string { return "LO-" + digits(scramble(b, s, 9), 9) },
	"cdek":        func(b, s uint64) string { return "1" + digits(scramble(b, s, 10), 10) },
	"boxberry":    func(b, s uint64) string { return "BB" + digits(scramble(b, s, 10), 10) },
	"russianpost": func(b, s uint64) string { return s10("RB", b, s, "RU") },
	"kazpost":     func(b, s uint64) string { return s10("RC", b, s, "KZ") },
	"kgpost":      func(b, s uint64) string { return s10("RA", b, s, "KG") },
	"cainiao":     func(b, s uint64) string { return "LP" + digits(scramble(b, s, 14), 14) },
	"postars":     func(b, s uint64) string { return s10("RE", b, s, "RS") },
	"dexpress":    func(b, s uint64) string { return "DE" + digits(scramble(b, s, 10), 10) },
	"aks":         func(b, s uint64) string { return "AKS" + digits(scramble(b, s, 9), 9) },
	"bex":         func(b, s uint64) string { return "BEX" + digits(scramble(b, s, 9), 9) },
	"cityexpress": func(b, s uint64) string { return "CE" + digits(scramble(b, s, 10), 10) },
	"dhl":         func(b, s uint64) string { return "JJD" + digits(scramble(b, s, 10), 10) },
}

func s10(prefix string, base, serial uint64, country string) string {
	return scan.S10(prefix, int(scramble(base, serial, 8)), country)
}

// pickupCoder and orderers make the codes customers show at the counter,
// for the partners whose rules know them: an Ozon pickup code, and order
// numbers of Ozon (posting), Yandex Market and AliExpress.
func pickupCode(base, serial uint64) string {
	v := scramble(base, serial, 12)
	return digits(v/10_000, 8) + "*" + digits(v%10_000, 4)
}

var orderers = map[string]func(base, order uint64, item int) string{
	"ozon": func(b, o uint64, item int) string {
		return digits(10_000_000+scramble(b, o, 7), 8) + "-" + digits(uint64(item+1), 4)
	},
	"yandex":  func(b, o uint64, _ int) string { return digits(100_000_000+scramble(b, o, 8), 9) },
	"cainiao": func(b, o uint64, _ int) string { return "8" + digits(scramble(b, o, 15), 15) },
}

// pickupPartners hand out pickup codes.
var pickupPartners = map[string]bool{"ozon": true}

// partnerWeight is a partner's share of the demo parcels (marketplaces
// bring most of a point's traffic); unknown ones weigh 1.
var partnerWeight = map[string]float64{"wb": 6, "ozon": 5, "yandex": 3, "cdek": 2, "cainiao": 2}

// country is what the demo's people look like in the point's country.
type country struct {
	phone      func(customer int) string
	women, men []string // first names
	last       []string // surnames (the male form; feminine adds suffix)
	fem        string   // feminine surname suffix
	couriers   []string
	// cod is the range of cash-on-delivery amounts, major units.
	codMin, codMax int64
}

var countries = map[string]country{
	"KG": {
		phone:    mobile("+996", []string{"555", "700", "770", "505", "990", "220", "557", "708"}, 6),
		women:    []string{"Айгуль", "Бермет", "Жыпар", "Мээрим", "Чолпон", "Асель", "Нургуль", "Айпери"},
		men:      []string{"Бакыт", "Азамат", "Нурлан", "Эрмек", "Улан", "Таалай", "Адилет", "Санжар"},
		last:     []string{"Асанов", "Токтогулов", "Мамбетов", "Жумабаев", "Исаков", "Осмонов", "Сыдыков", "Турдуев"},
		fem:      "а",
		couriers: []string{"Бакыт", "Эрлан", "Тимур", "Руслан"},
		codMin:   300, codMax: 6000,
	},
	"KZ": {
		phone:    mobile("+7", []string{"701", "702", "705", "707", "747", "777", "771", "778"}, 7),
		women:    []string{"Айгерим", "Динара", "Жанар", "Гульнар", "Меруерт", "Асем", "Салтанат", "Камила"},
		men:      []string{"Ерлан", "Нурсултан", "Асхат", "Даурен", "Бауыржан", "Руслан", "Арман", "Тимур"},
		last:     []string{"Ахметов", "Жумабеков", "Сейткалиев", "Нурланов", "Абдрахманов", "Касымов", "Оспанов", "Тулегенов"},
		fem:      "а",
		couriers: []string{"Ерлан", "Даурен", "Асхат", "Серик"},
		codMin:   1500, codMax: 30000,
	},
	"RU": {
		phone:    mobile("+7", []string{"903", "916", "925", "962", "985", "999", "926", "915"}, 7),
		women:    []string{"Анна", "Ольга", "Екатерина", "Наталья", "Мария", "Ирина", "Татьяна", "Елена"},
		men:      []string{"Иван", "Сергей", "Максим", "Дмитрий", "Артём", "Алексей", "Павел", "Николай"},
		last:     []string{"Иванов", "Петров", "Смирнов", "Кузнецов", "Попов", "Соколов", "Волков", "Морозов"},
		fem:      "а",
		couriers: []string{"Алексей", "Денис", "Олег", "Роман"},
		codMin:   300, codMax: 8000,
	},
	"RS": {
		phone:    mobile("+381", []string{"60", "61", "62", "63", "64", "65", "66", "69"}, 7),
		women:    []string{"Ana", "Milica", "Jelena", "Marija", "Jovana", "Ivana", "Teodora", "Nevena"},
		men:      []string{"Marko", "Nikola", "Stefan", "Luka", "Miloš", "Aleksandar", "Nemanja", "Vuk"},
		last:     []string{"Jovanović", "Petrović", "Nikolić", "Marković", "Đorđević", "Stojanović", "Ilić", "Pavlović"},
		couriers: []string{"Dragan", "Zoran", "Milan", "Goran"},
		codMin:   500, codMax: 9000,
	},
}

// mobile numbers customer c in E.164: a mobile prefix and n more digits,
// distinct per customer, down to the last four that a masked phone shows
// (the loyalty screens list members as +996•••••1234).
func mobile(cc string, prefixes []string, n int) func(int) string {
	return func(c int) string {
		p := prefixes[c%len(prefixes)]
		return cc + p + digits(scramble(7_368_787_390_214, uint64(c), n), n)
	}
}

// name is customer c's full name.
func (k country) name(rnd *rand.Rand) string {
	last := k.last[rnd.IntN(len(k.last))]
	if rnd.IntN(2) == 0 {
		return k.women[rnd.IntN(len(k.women))] + " " + last + k.fem
	}
	return k.men[rnd.IntN(len(k.men))] + " " + last
}
