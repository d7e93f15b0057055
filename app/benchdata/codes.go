package benchdata

import (
	"encoding/binary"
	"math/rand/v2"
	"smartpoint/app/clock"
	"smartpoint/app/scan"
)

// Partner codes the generator uses: the defaults enabled for a point in
// KG, with their share of the parcels.
var partnerMix = [...]struct {
	code  string
	share float64
}{
	{"wb", 0.45}, {"ozon", 0.35}, {"cdek", 0.08}, {"kgpost", 0.07}, {"cainiao", 0.05},
}

const (
	pWB = iota
	pOzon
	pCDEK
	pKGPost
	pCainiao
)

var couriers = []string{"Бакыт (WB)", "Эрлан (Ozon)", "Тимур (CDEK)", "Почта", "Руслан (Cainiao)"}

// permute maps serial numbers 0..10^digits-1 onto themselves in a
// scrambled order (an affine map with a multiplier coprime to 10), so
// tracks and phones look random but never collide.
func permute(serial uint64, digits int) uint64 {
	mod := uint64(1)
	for range digits {
		mod *= 10
	}
	return (serial%mod*982_451_653 + 7_368_787) % mod
}

func appendDigits(b []byte, v uint64, digits int) []byte {
	var tmp [20]byte
	for i := digits - 1; i >= 0; i-- {
		tmp[i] = byte('0' + v%10)
		v /= 10
	}
	return append(b, tmp[:digits]...)
}

// track makes the serial-th track of a partner, matching that partner's
// default scan rule (with a valid check digit where the rule has one).
func track(partner int, serial int) string {
	s := uint64(serial)
	b := make([]byte, 0, 16)
	switch partner {
	case pWB: // EAN-13 in the in-store range 2…
		b = append(b, '2')
		b = appendDigits(b, permute(s, 11), 11)
		b = append(b, ean13Check(b))
	case pOzon: // "ii" on the label; manifests and scans store it upper-cased
		b = append(b, "II"...)
		b = appendDigits(b, permute(s, 10), 10)
	case pCDEK:
		b = append(b, '1')
		b = appendDigits(b, permute(s, 10), 10)
	case pKGPost: // UPU S10
		prefixes := [...]string{"RA", "RB", "RC", "CP", "EE", "LA"}
		b = append(b, prefixes[s%6]...)
		b = appendDigits(b, permute(s/6, 8), 8)
		b = append(b, s10Check(b[2:10]))
		b = append(b, "KG"...)
	case pCainiao:
		b = append(b, "LP"...)
		b = appendDigits(b, permute(s, 14), 14)
	}
	return string(b)
}

// ean13Check is the GS1 check digit of 12 data digits.
func ean13Check(d []byte) byte {
	sum := 0
	for i, w := len(d)-1, 3; i >= 0; i, w = i-1, 4-w {
		sum += int(d[i]-'0') * w
	}
	return byte('0' + (10-sum%10)%10)
}

func s10Check(d []byte) byte {
	c, _ := scan.S10CheckDigit(string(d))
	return c
}

// pickupCode is an Ozon pickup code "########*####", unique per order.
func pickupCode(order int) string {
	b := make([]byte, 0, 13)
	v := permute(uint64(order), 12)
	b = appendDigits(b, v/10_000, 8)
	b = append(b, '*')
	return string(appendDigits(b, v%10_000, 4))
}

// orderNo is the partner's order number of one parcel of an order, or "".
func orderNo(partner, order, item int) string {
	switch partner {
	case pOzon: // posting number 12345678-0001
		b := appendDigits(nil, 10_000_000+permute(uint64(order), 7), 8)
		b = append(b, '-')
		return string(appendDigits(b, uint64(item+1), 4))
	case pCainiao: // AliExpress order: 16 digits
		return string(appendDigits([]byte{'8'}, permute(uint64(order), 15), 15))
	}
	return ""
}

// Kyrgyz mobile operator prefixes (after +996).
var phonePrefixes = []string{
	"550", "551", "552", "553", "554", "555", "556", "557", "558", "559",
	"700", "701", "702", "703", "704", "705", "706", "707", "708", "709",
	"770", "771", "772", "773", "774", "775", "776", "777", "778", "779",
	"220", "221", "222", "500", "501", "502", "505", "507", "508", "509",
	"990", "995", "996", "997", "998", "999",
}

// phone is customer c's number in E.164, unique per customer.
func phone(c int) string {
	b := append(make([]byte, 0, 13), "+996"...)
	b = append(b, phonePrefixes[c%len(phonePrefixes)]...)
	return string(appendDigits(b, permute(uint64(c/len(phonePrefixes)), 6), 6))
}

var (
	womenNames = []string{"Айгуль", "Динара", "Асель", "Жыпар", "Бермет", "Гульнара", "Мээрим", "Алина", "Чолпон",
		"Эльмира", "Анна", "Ольга", "Екатерина", "Наталья", "Мария"}
	menNames = []string{"Бакыт", "Нурлан", "Эрмек", "Тимур", "Азамат", "Улан", "Руслан", "Айбек", "Санжар",
		"Данияр", "Иван", "Сергей", "Максим", "Дмитрий", "Артём"}
	lastNames = []string{"Асанов", "Токтогулов", "Мамбетов", "Абдыкадыров", "Жумабаев", "Исаков", "Омуралиев",
		"Садыков", "Кадыров", "Бекмуратов", "Иванов", "Петров", "Смирнов", "Кузнецов", "Попов", "Соколов",
		"Алиев", "Ибраимов", "Турдуев", "Эсенбаев", "Осмонов", "Сыдыков", "Шаршеев", "Куттубаев"}
)

// name is customer c's name as a manifest carries it.
func name(c int) string {
	last := lastNames[(c/2)%len(lastNames)]
	if c%2 == 0 {
		return womenNames[(c/48)%len(womenNames)] + " " + last + "а"
	}
	return menNames[(c/48)%len(menNames)] + " " + last
}

// uuidGen makes UUIDv7 event ids for fabricated times, in order, from the
// seeded random source, so a seed always gives the same file.
type uuidGen struct {
	rnd *rand.Rand
	v7  clock.V7
}

func (g *uuidGen) next(ms int64) string {
	var r [8]byte
	binary.BigEndian.PutUint64(r[:], g.rnd.Uint64())
	return g.v7.Next(ms, r)
}
