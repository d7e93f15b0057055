package sqlitestore

import (
	"context"
	"database/sql"
	"embed"
	"fmt"

	"smartpoint/sync/server/store/internal/core"
)

//go:embed migrations/sqlite/*.sql
var migrationFS embed.FS

const migrationDir = "migrations/sqlite"

func loadMigrations() ([]core.Migration, error) {
	return core.LoadMigrations(migrationFS, migrationDir)
}

// migrate refuses a file that is not a server database (or is newer than
// this build), then applies each pending migration in its own
// transaction together with the version bump.
func migrate(ctx context.Context, db *sql.DB) error {
	ms, err := loadMigrations()
	if err != nil {
		return err
	}
	var appID, current, tables int
	if err := db.QueryRowContext(ctx, `PRAGMA application_id`).Scan(&appID); err != nil {
		return fmt.Errorf("read application id: %w", err)
	}
	if err := db.QueryRowContext(ctx, `PRAGMA user_version`).Scan(&current); err != nil {
		return fmt.Errorf("read schema version: %w", err)
	}
	if err := db.QueryRowContext(ctx, `SELECT count(*) FROM sqlite_schema`).Scan(&tables); err != nil {
		return fmt.Errorf("read schema: %w", err)
	}
	if appID != ApplicationID && !(appID == 0 && current == 0 && tables == 0) {
		return fmt.Errorf("not a SmartPoint sync server database (application_id %#x)", appID)
	}
	if current > len(ms) {
		return fmt.Errorf("schema version %d is newer than this server (%d)", current, len(ms))
	}
	for _, m := range ms[current:] {
		tx, err := db.BeginTx(ctx, nil)
		if err != nil {
			return fmt.Errorf("migration %s: %w", m.Name, err)
		}
		if _, err := tx.ExecContext(ctx, m.SQL); err != nil {
			_ = tx.Rollback()
			return fmt.Errorf("migration %s: %w", m.Name, err)
		}
		if _, err := tx.ExecContext(ctx, fmt.Sprintf("PRAGMA user_version = %d; PRAGMA application_id = %d", m.Version, ApplicationID)); err != nil {
			_ = tx.Rollback()
			return fmt.Errorf("migration %s: set version: %w", m.Name, err)
		}
		if err := tx.Commit(); err != nil {
			return fmt.Errorf("migration %s: commit: %w", m.Name, err)
		}
	}
	return nil
}
