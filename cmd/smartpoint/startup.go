package main

import (
	"bufio"
	"encoding/json"
	"image"
	"io"
	"os"
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2"
)

// reportStartup waits until the window shows painted content, then
// prints the time since the process started its main and since SP_T0_NS
// (set by the benchmark script just before exec), with the memory used,
// and quits. make bench runs it on a 1,000,000-parcel database.
func reportStartup(w fyne.Window, start time.Time, out io.Writer, a fyne.App) {
	for {
		var painted bool
		fyne.DoAndWait(func() { painted = hasContent(w.Canvas().Capture()) })
		if painted {
			break
		}
		time.Sleep(2 * time.Millisecond) // polling a frame, not synchronising a test
	}
	now := time.Now()
	res := map[string]any{"main_to_painted_ms": float64(now.Sub(start).Microseconds()) / 1000}
	if t0, err := strconv.ParseInt(os.Getenv("SP_T0_NS"), 10, 64); err == nil {
		res["exec_to_painted_ms"] = float64(now.UnixNano()-t0) / 1e6
	}
	rss, hwm := memory()
	res["rss_kb"], res["peak_rss_kb"] = rss, hwm
	_ = json.NewEncoder(out).Encode(res)
	fyne.Do(a.Quit)
}

// hasContent reports whether a capture shows more than one colour: the
// front buffer is uniform until the first frame is drawn.
func hasContent(img image.Image) bool {
	if img == nil {
		return false
	}
	b := img.Bounds()
	if b.Empty() {
		return false
	}
	first := img.At(b.Min.X, b.Min.Y)
	r0, g0, b0, _ := first.RGBA()
	for y := b.Min.Y; y < b.Max.Y; y += 7 {
		for x := b.Min.X; x < b.Max.X; x += 7 {
			r, g, bb, _ := img.At(x, y).RGBA()
			if r != r0 || g != g0 || bb != b0 {
				return true
			}
		}
	}
	return false
}

// memory reads VmRSS and VmHWM (peak) in kB from /proc (Linux only; zero
// elsewhere).
func memory() (rss, hwm int64) {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return 0, 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), ":")
		if !ok {
			continue
		}
		n, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
		switch k {
		case "VmRSS":
			rss = n
		case "VmHWM":
			hwm = n
		}
	}
	return rss, hwm
}
