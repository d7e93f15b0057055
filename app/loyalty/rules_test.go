package loyalty

import (
	"testing"
	"time"
)

func TestQuoteAppliesTierPromotionAndRounding(t *testing.T) {
	p := Programme{Kind: KindPoints, PerReward: 100, Accrual: PerParcel, PerUnit: 3,
		Tiers: []Tier{{Name: "Silver", Threshold: 10, MultiplierPct: 150}, {Name: "Gold", Threshold: 50, MultiplierPct: 200}},
		Promotions: []Promotion{
			{Name: "Bonus Friday", Weekdays: []time.Weekday{time.Friday}, Bonus: 2},
			{Name: "Double December", From: "2026-12-01", To: "2026-12-31", MultiplierPct: 200},
			{Name: "Lunch", Start: "12:00", End: "14:00", MultiplierPct: 110},
		}}
	tue := time.Date(2026, 11, 17, 10, 0, 0, 0, bishkek)
	fri := time.Date(2026, 11, 20, 10, 0, 0, 0, bishkek)
	dec := time.Date(2026, 12, 4, 10, 0, 0, 0, bishkek) // also a Friday
	lunch := time.Date(2026, 11, 17, 12, 30, 0, 0, bishkek)
	for _, tc := range []struct {
		name              string
		parcels, lifetime int
		at                time.Time
		want              int
		tier, promo       string
	}{
		{"base per parcel", 2, 0, tue, 6, "", ""},
		{"silver ×1.5", 2, 10, tue, 9, "Silver", ""},
		{"gold ×2 (highest reached)", 1, 80, tue, 6, "Gold", ""},
		{"bonus", 1, 0, fri, 5, "", "Bonus Friday"},
		{"best promotion wins, not both", 1, 0, dec, 6, "", "Double December"},
		{"tier and promotion multiply", 1, 10, dec, 9, "Silver", "Double December"},
		{"×1.1 of 3 rounds to 3, never below base", 1, 0, lunch, 3, "", ""},
		{"×1.1 of 9 rounds to 10", 3, 0, lunch, 10, "", "Lunch"},
	} {
		d := p.quote(tc.parcels, tc.lifetime, tc.at)
		if d.Requested != tc.want || d.Tier != tc.tier || d.Promotion != tc.promo {
			t.Errorf("%s: got %d tier %q promo %q, want %d %q %q", tc.name, d.Requested, d.Tier, d.Promotion, tc.want, tc.tier, tc.promo)
		}
	}
}

func TestCapAndRedeemAmounts(t *testing.T) {
	for _, tc := range []struct{ req, today, cap, want int }{{3, 0, 0, 3}, {3, 0, 5, 3}, {3, 3, 5, 2}, {3, 5, 5, 0}, {3, 7, 5, 0}} {
		if got, hit := capped(tc.req, tc.today, tc.cap); got != tc.want || hit != (got < tc.req) {
			t.Errorf("capped(%d, %d, %d) = %d, %v", tc.req, tc.today, tc.cap, got, hit)
		}
	}
	reset := Programme{Kind: KindStamp, PerReward: 5}
	carry := Programme{Kind: KindStamp, PerReward: 5, CarryOver: true}
	points := Programme{Kind: KindPoints, PerReward: 5}
	for _, tc := range []struct {
		p             Programme
		balance, want int
	}{{reset, 5, 5}, {reset, 7, 7}, {reset, 12, 7}, {carry, 7, 5}, {points, 7, 5}} {
		if got := tc.p.redeemAmount(tc.balance); got != tc.want {
			t.Errorf("%+v redeemAmount(%d) = %d, want %d", tc.p, tc.balance, got, tc.want)
		}
	}
}
