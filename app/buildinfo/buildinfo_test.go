package buildinfo

import (
	"runtime/debug"
	"testing"
)

func TestComplete(t *testing.T) {
	bi := &debug.BuildInfo{Main: debug.Module{Version: "(devel)"}, Settings: []debug.BuildSetting{
		{Key: "vcs.revision", Value: "abc123"}, {Key: "vcs.time", Value: "2026-11-22T10:00:00Z"}, {Key: "vcs.modified", Value: "true"}}}
	read := func() (*debug.BuildInfo, bool) { return bi, true }

	got := complete(Info{"dev", "unknown", "unknown"}, read)
	if want := (Info{"dev", "abc123-dirty", "2026-11-22T10:00:00Z"}); got != want {
		t.Errorf("unstamped build from a dirty checkout: %+v, want %+v", got, want)
	}
	got = complete(Info{"1.2.0", "def456", "2026-11-01"}, read)
	if want := (Info{"1.2.0", "def456", "2026-11-01"}); got != want {
		t.Errorf("stamped values must win: %+v, want %+v", got, want)
	}
	got = complete(Info{}, func() (*debug.BuildInfo, bool) { return nil, false })
	if want := (Info{"dev", "unknown", "unknown"}); got != want {
		t.Errorf("no build info: %+v, want %+v", got, want)
	}
}
