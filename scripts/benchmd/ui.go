package main

import (
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// uiRun is what scripts/bench-ui.sh measured in the real window.
type uiRun struct {
	header  []string
	startup map[string][]startupSample // cold, warm, bare
	paint   map[string][]float64       // phase → scan-to-painted ms
}

type startupSample struct {
	ExecMs float64 `json:"exec_to_painted_ms"`
	MainMs float64 `json:"main_to_painted_ms"`
	RSS    float64 `json:"rss_kb"`
	Peak   float64 `json:"peak_rss_kb"`
}

// parseUI reads bench-ui.out: "# …" header lines, "startup cold|warm {json}",
// "bare warm {json}", "phase <name> <index>" marks and "paint <ms>" lines.
func parseUI(raw string) uiRun {
	r := uiRun{startup: map[string][]startupSample{}, paint: map[string][]float64{}}
	type mark struct {
		name string
		at   int
	}
	var marks []mark
	var paints []float64
	for _, line := range strings.Split(raw, "\n") {
		f := strings.Fields(line)
		switch {
		case len(f) == 0:
		case f[0] == "#":
			r.header = append(r.header, strings.TrimSpace(strings.TrimPrefix(line, "#")))
		case (f[0] == "startup" || f[0] == "bare") && len(f) >= 3:
			var s startupSample
			if json.Unmarshal([]byte(strings.Join(f[2:], " ")), &s) == nil && s.MainMs > 0 {
				key := f[1]
				if f[0] == "bare" {
					key = "bare"
				}
				r.startup[key] = append(r.startup[key], s)
			}
		case f[0] == "phase" && len(f) == 3:
			n, _ := strconv.Atoi(f[2])
			marks = append(marks, mark{f[1], n})
		case f[0] == "paint" && len(f) == 2:
			if v, err := strconv.ParseFloat(f[1], 64); err == nil {
				paints = append(paints, v)
			}
		}
	}
	for i, m := range marks {
		end := len(paints)
		if i+1 < len(marks) {
			end = min(marks[i+1].at, len(paints))
		}
		if m.at < end {
			r.paint[m.name] = append(r.paint[m.name], paints[m.at:end]...)
		}
	}
	return r
}

// rank is the nearest-rank percentile of sorted values.
func rank(sorted []float64, p float64) float64 {
	if len(sorted) == 0 {
		return 0
	}
	i := int(float64(len(sorted))*p+0.999999) - 1
	return sorted[max(0, min(i, len(sorted)-1))]
}

func (u uiRun) write(p func(string, ...any)) {
	p("## Counter window (scripts/bench-ui.sh)")
	p("")
	p("Measured in the real window under Xvfb, which renders with Mesa's software OpenGL")
	p("(no GPU): a pessimistic stand-in for a counter PC. %s.", strings.Join(u.header, "; "))
	p("")
	p("**Cold start to a usable window** — from `exec` (timestamp taken by the script) to the")
	p("end of the first frame of the login screen (`smartpoint --bench-startup`: a function")
	p("queued on Fyne's loop one 60 Hz tick after it started, so an upper bound by ≤17 ms), and")
	p("the resident memory then. \"cold\" drops the OS page cache first when allowed. The")
	p("baseline is an empty Fyne window in the same run (`--bench-bare`): what the toolkit and")
	p("the OpenGL driver cost before any of our code.")
	p("")
	p("| run | n | exec → painted (median / max) | RSS (max) | peak RSS (max) | budget | verdict |")
	p("|---|---|---|---|---|---|---|")
	for _, k := range []string{"cold", "warm", "bare"} {
		ss := u.startup[k]
		if len(ss) == 0 {
			continue
		}
		var exec, rss, peak []float64
		for _, s := range ss {
			exec = append(exec, s.ExecMs)
			rss = append(rss, s.RSS/1024)
			peak = append(peak, s.Peak/1024)
		}
		slices.Sort(exec)
		budget, verdict := "≤ 1500 ms, RSS ≤ 150 MB", "met"
		if k == "bare" {
			budget, verdict = "baseline", "—"
		} else if slices.Max(exec) > 1500 || slices.Max(rss) > 150 {
			verdict = "**missed**"
		}
		p("| %s | %d | %.0f / %.0f ms | %.1f MB | %.1f MB | %s | %s |", k, len(ss), rank(exec, 0.5), slices.Max(exec),
			slices.Max(rss), slices.Max(peak), budget, verdict)
	}
	p("")
	p("**Scan → result painted** — xdotool types each code as a wedge scanner does (3 ms per")
	p("key, Enter); the app (`--trace-paint`) logs the time from the scanner's Enter reaching")
	p("the window to a function queued right after the result was set, which Fyne runs after")
	p("drawing that frame. The baseline is codes no partner recognises (classification only,")
	p("no database); \"parcel\" looks a track up among 1,000,000 parcels and shows its cell;")
	p("\"pickup\" finds a customer's parcels and builds the Issue screen.")
	p("")
	p("| scans | n | p50 | p95 | p99 | max | budget | verdict |")
	p("|---|---|---|---|---|---|---|---|")
	for _, k := range []string{"unknown", "parcel", "pickup"} {
		v := slices.Clone(u.paint[k])
		if len(v) == 0 {
			continue
		}
		slices.Sort(v)
		budget, verdict := "≤ 100 ms", "met"
		if k == "unknown" {
			budget, verdict = "baseline", "—"
		} else if rank(v, 0.99) > 100 {
			verdict = "**missed**"
		}
		p("| %s | %d | %s | %s | %s | %s | %s | %s |", k, len(v), ms(rank(v, 0.5)), ms(rank(v, 0.95)), ms(rank(v, 0.99)), ms(v[len(v)-1]), budget, verdict)
	}
	p("")
}

func ms(v float64) string { return fmt.Sprintf("%.1f ms", v) }
