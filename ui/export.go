package ui

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"smartpoint/app/store"
)

// saveExport writes a file for the owner to take away (card image, CSV,
// data export) into the exports folder next to the database and returns
// its path. The name gets the time, so an export never overwrites an
// earlier one; the file appears whole or not at all.
func (u *UI) saveExport(name, ext string, data []byte) (string, error) {
	return u.saveExportWith(name, ext, func(w io.Writer) error {
		_, err := w.Write(data)
		return err
	})
}

// saveExportWith is saveExport for content written as a stream (a CSV of
// every customer).
func (u *UI) saveExportWith(name, ext string, write func(io.Writer) error) (string, error) {
	dir := store.ExportDir(u.dbPath())
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return "", fmt.Errorf("export %s: %w", name, err)
	}
	base := safeFileName(name) + "-" + u.now().Format("20060102-150405") + "." + ext
	path := filepath.Join(dir, base)
	tmp, err := os.CreateTemp(dir, ".export-*")
	if err != nil {
		return "", fmt.Errorf("export %s: %w", name, err)
	}
	defer os.Remove(tmp.Name())
	if err := write(tmp); err != nil {
		tmp.Close()
		return "", fmt.Errorf("export %s: %w", name, err)
	}
	if err := tmp.Close(); err != nil {
		return "", fmt.Errorf("export %s: %w", name, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return "", fmt.Errorf("export %s: %w", name, err)
	}
	return path, nil
}

// safeFileName keeps letters, digits and dashes: a card code or a
// customer's masked phone becomes a name every OS accepts.
func safeFileName(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '-', r == '_':
			b.WriteRune(r)
		case r > 127 && !strings.ContainsRune("\\/:*?\"<>|", r):
			b.WriteRune(r)
		default:
			b.WriteRune('_')
		}
	}
	if b.Len() == 0 {
		return "export"
	}
	return b.String()
}
