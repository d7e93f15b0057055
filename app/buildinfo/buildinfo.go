// Package buildinfo tells every SmartPoint binary which version it is: the
// values stamped by -ldflags, completed from the VCS data the Go toolchain
// embeds when built from a checkout.
package buildinfo

import "runtime/debug"

// Info is a binary's version, commit and build date.
type Info struct {
	Version string `json:"version"`
	Commit  string `json:"commit"`
	Date    string `json:"date"`
}

// Get completes the -ldflags values (version "dev", commit and date
// "unknown" or empty when not stamped) from the embedded build info.
func Get(version, commit, date string) Info {
	return complete(Info{version, commit, date}, debug.ReadBuildInfo)
}

func complete(in Info, read func() (*debug.BuildInfo, bool)) Info {
	for _, p := range []*string{&in.Commit, &in.Date} {
		if *p == "" {
			*p = "unknown"
		}
	}
	if in.Version == "" {
		in.Version = "dev"
	}
	bi, ok := read()
	if !ok {
		return in
	}
	stamped := in.Commit != "unknown"
	dirty := false
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			if in.Commit == "unknown" && s.Value != "" {
				in.Commit = s.Value
			}
		case "vcs.time":
			if in.Date == "unknown" && s.Value != "" {
				in.Date = s.Value
			}
		case "vcs.modified":
			dirty = s.Value == "true"
		}
	}
	if dirty && !stamped && in.Commit != "unknown" {
		in.Commit += "-dirty"
	}
	if in.Version == "dev" && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		in.Version = bi.Main.Version
	}
	return in
}
