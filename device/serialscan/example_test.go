package serialscan_test

import (
	"context"
	"fmt"
	"log/slog"

	"smartpoint/device/serialscan"
)

// How the app runs its scanners: one Manager for the configured scanners,
// statuses to the status bar, scans into the same path as wedge scans.
func Example() {
	ctx := context.Background()
	m, err := serialscan.StartManager(ctx, []serialscan.Config{{
		Name:  "Сканер у кассы",
		Match: serialscan.Match{VID: "0c2e", PID: "0b61"}, // from Ports() on the settings screen
	}}, serialscan.Options{
		Log: slog.Default(),
		OnStatus: func(st serialscan.Status) {
			// Called on the scanner's goroutine: hand it to the UI thread
			// (fyne.Do) to update the status bar.
			fmt.Println(st.Scanner, st.State)
		},
	})
	if err != nil {
		fmt.Println(err) // a *ConfigError names the field
		return
	}
	defer m.Stop()
	for sc := range m.Scans() {
		res := sc.Result() // a wedge.Result of kind Scan
		_ = res            // UI thread: router.dispatch(res.Text, false)
	}
}
