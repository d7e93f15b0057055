package main

import (
	"bufio"
	"encoding/json"
	"io"
	"os"
	"runtime"
	"runtime/debug"
	"runtime/pprof"
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2"
)

// reportStartup waits until the window's first frame has been drawn,
// then prints the time since main started and since SP_T0_NS (set by the
// benchmark script just before exec), with the memory used, and quits.
// make bench runs it on a 1,000,000-parcel database.
//
// Fyne draws on a 60 Hz tick and runs queued functions between ticks, so a
// function queued once the loop runs, and another one tick later, runs
// after the first frame: the result is an upper bound by at most a tick.
func reportStartup(start time.Time, out io.Writer, a fyne.App) {
	fyne.DoAndWait(func() {})
	time.Sleep(time.Second / 60) // one frame tick: measuring, not synchronising a test
	fyne.DoAndWait(func() {})
	now := time.Now()
	releaseStartupGarbage()
	res := map[string]any{"main_to_painted_ms": float64(now.Sub(start).Microseconds()) / 1000}
	if t0, err := strconv.ParseInt(os.Getenv("SP_T0_NS"), 10, 64); err == nil {
		res["exec_to_painted_ms"] = float64(now.UnixNano()-t0) / 1e6
	}
	rss, hwm := memory()
	res["rss_kb"], res["peak_rss_kb"] = rss, hwm
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	res["go_heap_kb"], res["go_sys_kb"] = ms.HeapInuse/1024, ms.Sys/1024
	if p := os.Getenv("SP_HEAP_PROFILE"); p != "" {
		if f, err := os.Create(p); err == nil {
			_ = pprof.WriteHeapProfile(f)
			f.Close()
		}
	}
	_ = json.NewEncoder(out).Encode(res)
	fyne.Do(a.Quit)
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

// releaseStartupGarbage returns the memory that building the window
// needed only once (font parsing, layout) to the operating system, so the
// counter's resident size is what it uses, not what it once touched.
func releaseStartupGarbage() { debug.FreeOSMemory() }
