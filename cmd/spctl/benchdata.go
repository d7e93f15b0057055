package main

import (
	"fmt"
	"io"
	"time"

	"smartpoint/app/benchdata"
)

// benchDataResult is `spctl bench-data --json`'s result.
type benchDataResult struct {
	Path     string `json:"path"`
	Parcels  int    `json:"parcels"`
	Events   int    `json:"events"`
	OnHand   int    `json:"on_hand"`
	Duration string `json:"duration"`
}

// cmdBenchData builds the large synthetic database the benchmarks use
// (`make bench-data`): a year of a busy point's history.
func (c *cli) cmdBenchData(args []string) error {
	fs := c.flags("bench-data")
	parcels := fs.Int("parcels", 1_000_000, "")
	out := fs.String("out", "", "")
	pos, err := c.parse(fs, args)
	if err != nil {
		return err
	}
	if err := noArgs(pos); err != nil {
		return err
	}
	if *out == "" || *parcels < 1000 {
		return usage("cli.benchdata.usage")
	}
	progress, done := c.progressFn("cli.benchdata.progress")
	st, err := benchdata.Generate(c.ctx, *out, benchdata.Options{Parcels: *parcels, Progress: progress})
	done()
	if err != nil {
		return err
	}
	res := benchDataResult{Path: *out, Parcels: st.Parcels, Events: st.Events, OnHand: st.OnHand, Duration: st.Duration.Round(time.Second).String()}
	c.result(res, func(w io.Writer) {
		fmt.Fprintln(w, c.p.T("cli.benchdata.done", "Path", res.Path, "Parcels", res.Parcels, "Events", res.Events, "Duration", res.Duration))
	})
	return nil
}
