package store

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
)

// EnvDB names the environment variable that overrides the database path
// for the app and spctl alike.
const EnvDB = "SMARTPOINT_DB"

// DefaultPath is where the counter database lives when nothing else is
// said: the per-user data directory of the OS, so it survives app updates
// and is backed up with the user's profile.
//
//	Linux, BSD: $XDG_DATA_HOME/smartpoint/counter.db, else ~/.local/share/smartpoint/counter.db
//	Windows:    %LOCALAPPDATA%\SmartPoint\counter.db
//	macOS:      ~/Library/Application Support/SmartPoint/counter.db
func DefaultPath() (string, error) {
	return defaultPath(runtime.GOOS, os.Getenv, os.UserHomeDir)
}

func defaultPath(goos string, getenv func(string) string, home func() (string, error)) (string, error) {
	homeDir := func(rest ...string) (string, error) {
		h, err := home()
		if err == nil && h == "" {
			err = errors.New("empty home directory")
		}
		if err != nil {
			return "", fmt.Errorf("database path (set %s): %w", EnvDB, err)
		}
		return filepath.Join(append([]string{h}, rest...)...), nil
	}
	switch goos {
	case "windows":
		if dir := getenv("LOCALAPPDATA"); dir != "" {
			return filepath.Join(dir, "SmartPoint", "counter.db"), nil
		}
		return homeDir("AppData", "Local", "SmartPoint", "counter.db")
	case "darwin", "ios":
		return homeDir("Library", "Application Support", "SmartPoint", "counter.db")
	}
	// The XDG spec says a relative $XDG_DATA_HOME is invalid and must be ignored.
	if dir := getenv("XDG_DATA_HOME"); dir != "" && filepath.IsAbs(dir) {
		return filepath.Join(dir, "smartpoint", "counter.db"), nil
	}
	return homeDir(".local", "share", "smartpoint", "counter.db")
}

// ResolvePath picks the database: an explicit flag, else $SMARTPOINT_DB,
// else DefaultPath. The result is absolute so messages say exactly which
// file was used.
func ResolvePath(flag string) (string, error) {
	p := flag
	if p == "" {
		p = os.Getenv(EnvDB)
	}
	if p == "" {
		return DefaultPath()
	}
	abs, err := filepath.Abs(p)
	if err != nil {
		return "", fmt.Errorf("database path %s: %w", p, err)
	}
	return abs, nil
}

// BackupDir is where backups of the database at dbPath go by default.
func BackupDir(dbPath string) string {
	return filepath.Join(filepath.Dir(dbPath), "backups")
}

// ExportDir is where the app writes files for people to take away (card
// images, CSV and customer data exports): next to the database, so an
// installer or owner finds them with the backups.
func ExportDir(dbPath string) string {
	return filepath.Join(filepath.Dir(dbPath), "exports")
}
