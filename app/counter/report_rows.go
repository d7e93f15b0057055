package counter

import (
	"strconv"

	"smartpoint/app/money"
)

// ReportRow is one indicator of a report as every output shows it: the
// translation key of its label and its formatted value. Part marks a share
// of the row above it (unexpected and damaged are parts of accepted).
type ReportRow struct {
	Key   string
	Value string
	Part  bool
}

// Rows lists a report's indicators in the order the screen, the CLI and
// the shift slip all print them, money formatted in currency.
func (r Report) Rows(currency string) []ReportRow {
	n := strconv.Itoa
	return []ReportRow{
		{Key: "cli.report.accepted", Value: n(r.Accepted)},
		{Key: "cli.report.unexpected", Value: n(r.Unexpected), Part: true},
		{Key: "cli.report.damaged", Value: n(r.Damaged), Part: true},
		{Key: "cli.report.issued", Value: n(r.Issued)},
		{Key: "cli.report.handovers", Value: n(r.Handovers)},
		{Key: "cli.report.refused", Value: n(r.Refused)},
		{Key: "cli.report.expired", Value: n(r.Expired)},
		{Key: "cli.report.returned", Value: n(r.Returned)},
		{Key: "cli.report.cash", Value: money.Format(r.CashCollected, currency)},
		{Key: "cli.report.card", Value: money.Format(r.CardCollected, currency)},
		{Key: "cli.report.on_hand", Value: n(r.OnHand)},
		{Key: "cli.report.overdue", Value: n(r.Overdue)},
	}
}
