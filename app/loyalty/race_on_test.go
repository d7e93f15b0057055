//go:build race

package loyalty

// raceBuild: the race detector slows SQLite work about tenfold, so the
// property test runs fewer sequences under it.
const raceBuild = true
