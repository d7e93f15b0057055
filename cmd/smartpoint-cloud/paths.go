package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
)

// defaultDB is the SQLite file when neither --db nor $SMARTPOINT_CLOUD_DB
// says: under systemd the unit's StateDirectory, else the user's data
// directory, as the counter app picks its own (app/store.DefaultPath):
//
//	systemd:    $STATE_DIRECTORY/cloud.db (/var/lib/smartpoint-cloud/cloud.db)
//	Linux, BSD: $XDG_DATA_HOME/smartpoint-cloud/cloud.db, else ~/.local/share/smartpoint-cloud/cloud.db
//	Windows:    %LOCALAPPDATA%\SmartPoint\cloud.db
//	macOS:      ~/Library/Application Support/SmartPoint/cloud.db
func defaultDB(env func(string) string) (string, error) {
	return defaultPath(runtime.GOOS, env, os.UserHomeDir)
}

func defaultPath(goos string, env func(string) string, home func() (string, error)) (string, error) {
	// systemd may list several directories, separated by colons.
	if dir := env("STATE_DIRECTORY"); dir != "" {
		first, _, _ := strings.Cut(dir, ":")
		if filepath.IsAbs(first) {
			return filepath.Join(first, "cloud.db"), nil
		}
	}
	homeDir := func(rest ...string) (string, error) {
		h, err := home()
		if err == nil && h == "" {
			err = errors.New("empty home directory")
		}
		if err != nil {
			return "", fmt.Errorf("no place for the database (give --db or set %s): %w", envDB, err)
		}
		return filepath.Join(append([]string{h}, rest...)...), nil
	}
	switch goos {
	case "windows":
		if dir := env("LOCALAPPDATA"); dir != "" {
			return filepath.Join(dir, "SmartPoint", "cloud.db"), nil
		}
		return homeDir("AppData", "Local", "SmartPoint", "cloud.db")
	case "darwin", "ios":
		return homeDir("Library", "Application Support", "SmartPoint", "cloud.db")
	}
	// The XDG spec says a relative $XDG_DATA_HOME is invalid and must be ignored.
	if dir := env("XDG_DATA_HOME"); dir != "" && filepath.IsAbs(dir) {
		return filepath.Join(dir, "smartpoint-cloud", "cloud.db"), nil
	}
	return homeDir(".local", "share", "smartpoint-cloud", "cloud.db")
}
