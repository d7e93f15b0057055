package counter

import (
	"context"
	"encoding/json"
	"fmt"
	"time"
)

// Event kinds. The names are part of the sync protocol: never rename.
const (
	EvPointSetup        = "point.setup"
	EvPartnerSaved      = "partner.saved"
	EvCellsCreated      = "cells.created"
	EvCellSaved         = "cell.saved"
	EvClerkCreated      = "clerk.created"
	EvClerkUpdated      = "clerk.updated"
	EvClerkLoginFailed  = "clerk.login_failed"
	EvClerkLocked       = "clerk.locked"
	EvClerkLogin        = "clerk.login"
	EvShiftOpened       = "shift.opened"
	EvShiftClosed       = "shift.closed"
	EvManifestImported  = "manifest.imported"
	EvManifestWithdrawn = "manifest.withdrawn"
	EvDeliveryOpened    = "delivery.opened"
	EvDeliveryClosed    = "delivery.closed"
	EvParcelAccepted    = "parcel.accepted"
	EvParcelDuplicate   = "parcel.duplicate_scan"
	EvParcelIssued      = "parcel.issued"
	EvParcelRefused     = "parcel.refused"
	EvParcelExpired     = "parcel.expired"
	EvParcelMoved       = "parcel.moved"
	EvParcelBoxed       = "parcel.boxed"
	EvParcelUnboxed     = "parcel.unboxed"
	EvParcelReturned    = "parcel.returned"
	EvHandover          = "handover.completed"
	EvReturnBoxOpened   = "return_box.opened"
	EvReturnHanded      = "return.handed"
	EvInventoryStarted  = "inventory.started"
	EvInventoryDone     = "inventory.finished"
	EvBackupMade        = "db.backup"
	EvRestored          = "db.restored"
	EvSettingsSaved     = "settings.saved"
)

// Event is one entry of the append-only log.
type Event struct {
	Seq     int64           `json:"seq"`
	ID      string          `json:"id"`
	Kind    string          `json:"kind"`
	Entity  string          `json:"entity"`
	ClerkID int64           `json:"clerk_id,omitempty"`
	ShiftID int64           `json:"shift_id,omitempty"`
	At      time.Time       `json:"at"`
	Payload json.RawMessage `json:"payload"`
}

// emit appends one event in the current transaction.
func (t *txn) emit(kind, entity string, payload any) error {
	body, err := json.Marshal(payload)
	if err != nil {
		return fmt.Errorf("event %s: %w", kind, err)
	}
	var clerk, shift any
	if t.sess != nil {
		clerk = t.sess.clerkID
		if t.sess.shiftID != 0 {
			shift = t.sess.shiftID
		}
	}
	_, err = t.Exec(`INSERT INTO events(id,kind,entity,clerk_id,shift_id,at,payload) VALUES(?,?,?,?,?,?,?)`,
		t.s.ids.New(), kind, entity, clerk, shift, t.nowMs(), body)
	if err != nil {
		return fmt.Errorf("event %s %s: %w", kind, entity, err)
	}
	return nil
}

func parcelEntity(partner, track string) string { return "parcel:" + partner + ":" + track }

// Events returns the log after seq (exclusive), oldest first, at most limit.
func (s *Service) Events(ctx context.Context, afterSeq int64, limit int) ([]Event, error) {
	rows, err := s.db.R.QueryContext(ctx, `SELECT seq,id,kind,entity,coalesce(clerk_id,0),coalesce(shift_id,0),at,payload
		FROM events WHERE seq > ? ORDER BY seq LIMIT ?`, afterSeq, limit)
	if err != nil {
		return nil, fmt.Errorf("events: %w", err)
	}
	defer rows.Close()
	return scanEvents(rows)
}

// EntityEvents returns the history of one entity, oldest first.
func (s *Service) EntityEvents(ctx context.Context, entity string) ([]Event, error) {
	rows, err := s.db.R.QueryContext(ctx, `SELECT seq,id,kind,entity,coalesce(clerk_id,0),coalesce(shift_id,0),at,payload
		FROM events WHERE entity = ? ORDER BY seq`, entity)
	if err != nil {
		return nil, fmt.Errorf("entity events: %w", err)
	}
	defer rows.Close()
	return scanEvents(rows)
}

type rowScanner interface {
	Next() bool
	Scan(...any) error
	Err() error
}

func scanEvents(rows rowScanner) ([]Event, error) {
	var out []Event
	for rows.Next() {
		var e Event
		var at int64
		var payload string
		if err := rows.Scan(&e.Seq, &e.ID, &e.Kind, &e.Entity, &e.ClerkID, &e.ShiftID, &at, &payload); err != nil {
			return nil, err
		}
		e.At = time.UnixMilli(at)
		e.Payload = json.RawMessage(payload)
		out = append(out, e)
	}
	return out, rows.Err()
}
