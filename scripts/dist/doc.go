// Package dist holds the packaging's helpers (lib.sh, sign-file.sh,
// test-sign.sh for scripts/dist.sh and scripts/dist-check.sh; the Go
// tools icons/ and nsislang/) and, in its tests, the checks of the
// packaging sources that need no build: FyneApp.toml against VERSION, the
// desktop entry, the udev rule, the Debian control files, the Windows
// resources and installers. They run in `make test`; `make dist-check`
// checks the built artifacts.
package dist
