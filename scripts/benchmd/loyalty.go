package main

import (
	"fmt"
	"strconv"
	"strings"
)

// The loyalty benchmarks (./app/loyalty, their own fixture: 200,000
// members, about 2,000,000 movements) get their own section: their
// budgets come from the loyalty issue, not DESIGN §8.
var loyaltyBenches = []string{"CardLookup/", "LoyaltyBaselineLookup", "Segments", "Dashboard", "LoyaltyBaselineScan"}

func isLoyaltyBench(name string) bool {
	for _, l := range loyaltyBenches {
		if name == l || strings.HasSuffix(l, "/") && strings.HasPrefix(name, l) {
			return true
		}
	}
	return false
}

var loyaltyBudgets = []budget{
	{what: "card look-up by QR or code, 200,000 members", bench: "CardLookup/code", metric: "p99-ms", limit: 5,
		note: "FindCard by the card's code: the card with balance, rewards, tier and next expiry"},
	{what: "card look-up by phone, 200,000 members", bench: "CardLookup/phone", metric: "p99-ms", limit: 5,
		note: "FindCard by the member's phone"},
	{what: "segments, 200,000 members and 2,000,000 movements", bench: "Segments", metric: "p99-ms", limit: 1000,
		note: "every member's recency, frequency, monetary, segment and close-to-reward flag, and the counts"},
}

// loyaltyBaselineOf is the bare-SQLite benchmark a loyalty one reads
// against.
func loyaltyBaselineOf(name string) string {
	switch {
	case strings.HasPrefix(name, "CardLookup/"):
		return "LoyaltyBaselineLookup"
	case name == "Segments", name == "Dashboard":
		return "LoyaltyBaselineScan"
	}
	return ""
}

func (r report) writeLoyalty(p func(string, ...any)) {
	p("## Loyalty")
	p("")
	p("`go test -tags ci -bench '^Benchmark(CardLookup.*|Segments|Dashboard|LoyaltyBaseline.*)$' ./app/loyalty/` on its own")
	p("fixture (cached in $TMPDIR): 200,000 members who joined over 18 months, each with their own rhythm")
	p("of pickups until they drift away, about 2,000,000 movements in time order (stamps, redemptions,")
	p("expiries), members gone a year anonymised; WAL, synchronous=FULL, as in production.")
	p("")
	p("| budget | benchmark | metric | limit | measured | verdict |")
	p("|---|---|---|---|---|---|")
	for _, b := range loyaltyBudgets {
		matched := false
		for _, name := range r.names() {
			if !b.applies(name) {
				continue
			}
			matched = true
			measured, verdict := r.verdict(b, name)
			p("| %s | %s | %s | %s | %s | %s |", b.what, name, b.metric, b.limitText(), measured, verdict)
		}
		if !matched {
			p("| %s | %s | %s | %s | — | NOT RUN |", b.what, b.bench, b.metric, b.limitText())
		}
	}
	p("")
	for _, b := range loyaltyBudgets {
		p("- %s: %s.", b.bench, b.note)
	}
	p("")
	p("| benchmark | ops | p50 ms | p99 ms | baseline | baseline p50 / p99 ms | p50 ÷ baseline | verdict |")
	p("|---|---:|---:|---:|---|---:|---:|---|")
	for _, name := range r.names() {
		if !isLoyaltyBench(name) {
			continue
		}
		if why, failed := r.failure(name); failed {
			p("| %s | | | | | | | FAILED: %s |", name, strings.ReplaceAll(why, "|", "\\|"))
			continue
		}
		res := r.run.results[name]
		row := []string{name, strconv.Itoa(res.ops), metric(res, "p50-ms"), metric(res, "p99-ms")}
		base := loyaltyBaselineOf(name)
		if b, ok := r.run.results[base]; ok {
			ratio := "—"
			if v, ok := res.metrics["p50-ms"]; ok && b.metrics["p50-ms"] > 0 {
				ratio = fmt.Sprintf("%.1f×", v/b.metrics["p50-ms"])
			}
			row = append(row, base, metric(b, "p50-ms")+" / "+metric(b, "p99-ms"), ratio)
		} else {
			row = append(row, "—", "", "")
		}
		row = append(row, r.verdictOf(loyaltyBudgets, name))
		p("| %s |", strings.Join(row, " | "))
	}
	p("")
	p("Dashboard is a year of it: enrolments, visits, redemptions and expiries per month, the retention of")
	p("each month's new members and the members at risk (no budget). Baselines on the same file:")
	p("LoyaltyBaselineLookup is one indexed SELECT of a card by code (the floor under a look-up),")
	p("LoyaltyBaselineScan one pass over every movement in a single SELECT (count, sum, latest time: the")
	p("floor under anything that reads the whole ledger).")
	p("")
}
