package main

import (
	"context"
	"io"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"

	"smartpoint/app/auth"
	"smartpoint/app/counter"
	"smartpoint/app/loyalty"
	"smartpoint/app/scan"
	"smartpoint/app/store"
)

// A pickup committed while the accrual did not happen (the app died in
// between) is stamped by the start-up sweep, once: a second sweep changes
// nothing.
func TestStartupSweepStampsMissedPickup(t *testing.T) {
	ctx := context.Background()
	db, err := store.Open(ctx, filepath.Join(t.TempDir(), "counter.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	svc, err := counter.New(ctx, db, counter.Options{PINParams: auth.Fast})
	if err != nil {
		t.Fatal(err)
	}
	owner, err := svc.Setup(ctx, counter.SetupRequest{Point: counter.Point{Name: "ПВЗ", Country: "KG"}, OwnerName: "Айгуль", OwnerPIN: "4821",
		Layout: &counter.Layout{Racks: "A", Shelves: 1, Cells: 2, Size: "M", Capacity: 5}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.OpenShift(ctx, owner); err != nil {
		t.Fatal(err)
	}
	l := loyalty.New(svc, loyalty.Options{})
	if _, err := l.SaveProgramme(ctx, owner, loyalty.Programme{Name: "Штампы", Kind: loyalty.KindStamp, PerReward: 5,
		Accrual: loyalty.PerVisit, PerUnit: 1, RewardText: "Подарок"}); err != nil {
		t.Fatal(err)
	}
	card, err := l.Enrol(ctx, owner, "0555 000 111", "", true)
	if err != nil {
		t.Fatal(err)
	}
	tr := scan.S10("RA", 7, "KG")
	csv := "Трек;Получатель;Телефон;Размер;К оплате;Код выдачи\n" + tr + ";Жылдыз;0555 000 111;S;0;\n"
	if _, err := svc.ImportManifest(ctx, owner, strings.NewReader(csv), counter.ImportOptions{Partner: "kgpost", Filename: "m.csv"}); err != nil {
		t.Fatal(err)
	}
	acc, err := svc.Accept(ctx, owner, 0, tr, counter.AcceptOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Issue(ctx, owner, counter.IssueRequest{Items: []counter.IssueItem{{ParcelID: acc.Parcel.ID, Scanned: tr}}}); err != nil {
		t.Fatal(err)
	}

	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	for i := range 2 {
		loyaltySweep(ctx, l, log)
		got, err := l.FindCard(ctx, card.Code)
		if err != nil {
			t.Fatal(err)
		}
		if got.Balance != 1 {
			t.Fatalf("after sweep %d the card has %d stamps, want exactly 1", i+1, got.Balance)
		}
	}
	// The background service stops when asked, whatever it was doing.
	_, stop := startLoyalty(ctx, svc, log)
	stop()
}
