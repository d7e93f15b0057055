package slips

import (
	"time"

	"smartpoint/app/counter"
	"smartpoint/app/i18n"
	"smartpoint/app/money"
	"smartpoint/device/receipt"
)

// Context is what every slip prints besides its own content: the point,
// who prints it, when, and in which language.
type Context struct {
	P     i18n.Printer
	Point counter.Point
	Loc   *time.Location // the point's time zone; nil is UTC
	Clerk string
	At    time.Time
}

func (c Context) when(t time.Time) string {
	loc := c.Loc
	if loc == nil {
		loc = time.UTC
	}
	return t.In(loc).Format("02.01.2006 15:04")
}

func (c Context) money(minor int64) string { return money.Format(minor, c.Point.Currency) }

// head is the point's name and details, the document's title and number.
func (c Context) head(d *receipt.Doc, title string) {
	if c.Point.Name != "" {
		d.Styled(receipt.Text{Text: c.Point.Name, Align: centre, Bold: true})
	}
	for _, s := range []string{c.Point.Address, c.Point.Phone, c.Point.Hours} {
		if s != "" {
			d.Center(s)
		}
	}
	d.Rule()
	// Bold at normal size: in double width a title like "Отчёт за смену
	// № 7" would break on 58 mm paper.
	d.Styled(receipt.Text{Text: title, Align: centre, Bold: true})
	d.Center(c.when(c.At))
	d.Rule()
}

// foot is who printed it, a thank-you line and the cut.
func (c Context) foot(d *receipt.Doc) {
	d.Rule()
	if c.Clerk != "" {
		d.Pair(c.P.T("slip.clerk"), c.Clerk)
	}
	d.Feed(1)
	d.Cut()
}
