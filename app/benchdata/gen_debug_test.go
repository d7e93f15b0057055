package benchdata

import (
	"context"
	"database/sql"
	"os"
	"strconv"
	"strings"
	"testing"
)

func TestDebugGenerate(t *testing.T) {
	n, _ := strconv.Atoi(os.Getenv("BD_N"))
	if n == 0 {
		t.Skip()
	}
	debugf = t.Logf
	path := "/tmp/bd/debug.db"
	removeDB(path)
	st, err := Generate(context.Background(), path, Options{Parcels: n, Progress: func(d, tot int) {
		if d%2500000 == 0 {
			t.Logf("%d/%d", d, tot)
		}
	}})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%+v", st)
}

func TestDebugExplain(t *testing.T) {
	path := os.Getenv("BD_DB")
	if path == "" {
		t.Skip()
	}
	db, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, q := range strings.Split(os.Getenv("BD_Q"), ";;") {
		rows, err := db.Query("EXPLAIN QUERY PLAN " + q)
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("== %s", q)
		for rows.Next() {
			var id, parent, notused int
			var detail string
			rows.Scan(&id, &parent, &notused, &detail)
			t.Logf("   %d %d %s", id, parent, detail)
		}
		rows.Close()
	}
}
