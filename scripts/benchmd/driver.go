package main

import (
	"fmt"
	"strings"
)

// driverBenches are the window benchmarks run with Fyne's test driver
// (./ui): they report time per operation, not latency percentiles, so they
// get their own table.
var driverBenches = []string{"ScanToRendered", "RenderBaseline", "StockScroll/"}

func isDriverBench(name string) bool {
	for _, d := range driverBenches {
		if name == d || strings.HasSuffix(d, "/") && strings.HasPrefix(name, d) {
			return true
		}
	}
	return false
}

func (r report) writeDriver(p func(string, ...any)) {
	var rows []string
	for _, name := range r.names() {
		if !isDriverBench(name) {
			continue
		}
		if why, failed := r.failure(name); failed {
			rows = append(rows, fmt.Sprintf("| %s | | | | FAILED: %s |", name, strings.ReplaceAll(why, "|", "\\|")))
			continue
		}
		res := r.run.results[name]
		extra := ""
		if f, ok := res.metrics["fetches/op"]; ok {
			extra = fmt.Sprintf("%s pages read, %s ms reading them", num(f), num(res.metrics["fetch-ms/op"]))
		}
		rows = append(rows, fmt.Sprintf("| %s | %d | %s | %s |", name, res.ops, num(res.metrics["ns/op"]/1e6), extra))
	}
	if len(rows) == 0 {
		return
	}
	p("## Window benchmarks (Fyne test driver)")
	p("")
	p("`go test -tags ci -bench 'ScanToRendered|RenderBaseline|StockScroll' ./ui/`: the window in")
	p("memory, painted by Fyne's software renderer at 1366×768 (no OpenGL, no X server).")
	p("ScanToRendered is a wedge scan of a shelved parcel through the scan field, the lookup, the")
	p("banner and a full render; RenderBaseline, its baseline, is the same render with no scan.")
	p("StockScroll scrolls the Stock table over 100,000 parcels on hand: \"jump\" strides through")
	p("the whole range (nearly every step reads a page: dragging the scroll bar), \"wheel\" moves 3")
	p("rows a step; both render every 4th step; \"jump-bind-only\" does not render.")
	p("")
	p("| benchmark | ops | ms/op | per step |")
	p("|---|---:|---:|---|")
	for _, row := range rows {
		p("%s", row)
	}
	p("")
}
