package main

import (
	"io"
	"strings"

	"smartpoint/app/demo"
)

// cmdDemo fills a new point with three weeks of made-up work (app/demo),
// for someone trying SmartPoint out: the owner runs it once, right after
// `spctl init`. A point that has parcels is refused.
func (c *cli) cmdDemo(args []string) error {
	fs := c.flags("demo")
	parcels := fs.Int("parcels", demo.DefaultParcels, "")
	seed := fs.Int64("seed", 1, "")
	pos, err := c.parse(fs, args)
	if err != nil {
		return err
	}
	if err := noArgs(pos); err != nil {
		return err
	}
	if *parcels < demo.MinParcels || *parcels > demo.MaxParcels {
		return usage("cli.demo.usage", "Min", demo.MinParcels, "Max", demo.MaxParcels)
	}
	svc, sess, err := c.login()
	if err != nil {
		return err
	}
	progress, done := c.progressFn("cli.demo.progress")
	sum, err := demo.Load(c.ctx, svc, sess, demo.Options{Parcels: *parcels, Seed: *seed, Progress: progress})
	done()
	if err != nil {
		return err
	}
	c.result(sum, func(w io.Writer) {
		c.line(w, "cli.demo.done", "Parcels", sum.Parcels, "From", sum.From.Format("02.01.2006"), "To", sum.To.Format("02.01.2006"))
		c.line(w, "cli.demo.states", "OnShelf", sum.OnShelf, "Overdue", sum.Overdue, "ToReturn", sum.ToReturn,
			"Boxed", sum.Boxed, "Issued", sum.Issued, "Returned", sum.Returned, "Expected", sum.Expected)
		c.line(w, "cli.demo.people", "Customers", sum.Customers, "Handovers", sum.Handovers, "Shifts", sum.Shifts,
			"Partners", strings.Join(sum.Partners, ", "))
	})
	return nil
}
