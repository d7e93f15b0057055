package server

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/jackc/pgx/v5"

	"smartpoint/sync/server/store"
	"smartpoint/sync/server/store/pgstore"
)

// With SP_PG_DSN set (scripts/pgtest.sh sets it; make test runs under
// it), every HTTP test of server_test.go also runs on PostgreSQL, a fresh
// database per test.
func init() {
	if admin := os.Getenv("SP_PG_DSN"); admin != "" {
		storeKinds = append(storeKinds, storeKind{"postgres", func(t *testing.T) store.Store {
			st, err := pgstore.Open(context.Background(), freshPG(t, admin))
			if err != nil {
				t.Fatal(err)
			}
			return st
		}})
	}
}

var pgDatabases atomic.Int64

// freshPG creates an empty database, dropped after the test, and returns
// the DSN naming it.
func freshPG(t *testing.T, admin string) string {
	t.Helper()
	ctx := context.Background()
	name := fmt.Sprintf("sp_server_test_%d_%d", os.Getpid(), pgDatabases.Add(1))
	exec := func(sql string) error {
		c, err := pgx.Connect(ctx, admin)
		if err != nil {
			return err
		}
		defer c.Close(ctx)
		_, err = c.Exec(ctx, sql)
		return err
	}
	if err := exec("CREATE DATABASE " + name); err != nil {
		t.Fatalf("create database: %v", err)
	}
	t.Cleanup(func() {
		if err := exec("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)"); err != nil {
			t.Errorf("drop database %s: %v", name, err)
		}
	})
	if strings.HasPrefix(admin, "postgres://") || strings.HasPrefix(admin, "postgresql://") {
		u, err := url.Parse(admin)
		if err != nil {
			t.Fatalf("SP_PG_DSN: %v", err)
		}
		u.Path = "/" + name
		q := u.Query()
		q.Del("dbname")
		u.RawQuery = q.Encode()
		return u.String()
	}
	return admin + " dbname=" + name
}
