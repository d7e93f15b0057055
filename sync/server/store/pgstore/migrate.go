package pgstore

import (
	"context"
	"embed"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"smartpoint/sync/server/store/internal/core"
)

//go:embed migrations/postgres/*.sql
var migrationFS embed.FS

const migrationDir = "migrations/postgres"

// migrationLock is the advisory lock key that keeps two servers starting
// at once from migrating together ("SPSV" as a number).
const migrationLock = 0x53505356

func loadMigrations() ([]core.Migration, error) {
	return core.LoadMigrations(migrationFS, migrationDir)
}

// migrate applies the pending migrations in one transaction (PostgreSQL's
// DDL is transactional: all or nothing), under an advisory lock.
func migrate(ctx context.Context, pool *pgxpool.Pool) error {
	ms, err := loadMigrations()
	if err != nil {
		return err
	}
	return pgx.BeginTxFunc(ctx, pool, pgx.TxOptions{}, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1)`, int64(migrationLock)); err != nil {
			return fmt.Errorf("migration lock: %w", err)
		}
		if _, err := tx.Exec(ctx, `CREATE TABLE IF NOT EXISTS sp_schema_migrations (
			version    integer     PRIMARY KEY,
			name       text        NOT NULL,
			applied_at timestamptz NOT NULL DEFAULT now())`); err != nil {
			return fmt.Errorf("migrations table: %w", err)
		}
		var current int
		if err := tx.QueryRow(ctx, `SELECT coalesce(max(version), 0) FROM sp_schema_migrations`).Scan(&current); err != nil {
			return fmt.Errorf("read schema version: %w", err)
		}
		if current > len(ms) {
			return fmt.Errorf("schema version %d is newer than this server (%d)", current, len(ms))
		}
		for _, m := range ms[current:] {
			// No arguments: the simple protocol, which runs a whole script.
			if _, err := tx.Exec(ctx, m.SQL); err != nil {
				return fmt.Errorf("migration %s: %w", m.Name, err)
			}
			if _, err := tx.Exec(ctx, `INSERT INTO sp_schema_migrations(version, name) VALUES($1, $2)`, m.Version, m.Name); err != nil {
				return fmt.Errorf("migration %s: %w", m.Name, err)
			}
		}
		return nil
	})
}
