package counter

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"smartpoint/app/errs"
)

// What the cloud brings to the counter (package app/inbox applies it):
// partners' manifests and the owner's settings, each entered in the
// inbox's transaction as the system (no clerk).

// nullClerk is who acts for the log's clerk column: nobody for the system.
func nullClerk(sess *Session) any {
	if sess == nil {
		return nil
	}
	return sess.clerkID
}

// ImportManifest enters a manifest a partner sent through the cloud (JSON,
// see app/manifest) in the transaction, as the system. Importing the same
// manifest again changes nothing (AlreadyImported: the caller rolls its
// savepoint back); a new version of it updates the parcels that have not
// arrived yet. Row errors refuse the whole manifest.
func (x Tx) ImportManifest(ctx context.Context, r io.Reader, opt ImportOptions) (ImportResult, error) {
	var out ImportResult
	if err := x.t.importManifest(ctx, r, opt, &out); err != nil {
		return out, fmt.Errorf("import manifest %s: %w", opt.Filename, err)
	}
	return out, nil
}

// WithdrawManifest takes back a manifest the partner moved to another
// point through the cloud: its parcels still expected here are removed
// (those that arrived stay: the cloud raises manifest_changed for them).
// A manifest this point never had is nothing to do (0).
func (x Tx) WithdrawManifest(partner, number string) (int, error) {
	p, ok := x.t.s.partnerByCode(strings.ToLower(strings.TrimSpace(partner)))
	if !ok {
		return 0, errs.New(ErrPartner, "Partner", partner)
	}
	var id int64
	err := x.t.QueryRow(`SELECT id FROM manifests WHERE partner_id = ? AND number = ?`, p.ID, number).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("withdraw manifest %s: %w", number, err)
	}
	res, err := x.t.Exec(`DELETE FROM parcels WHERE manifest_id = ? AND status = 'expected'`, id)
	if err != nil {
		return 0, fmt.Errorf("withdraw manifest %s: %w", number, err)
	}
	n, _ := res.RowsAffected()
	return int(n), x.t.emit(EvManifestWithdrawn, fmt.Sprintf("manifest:%s:%s", p.Code, number),
		map[string]any{"partner": p.Code, "number": number, "removed": n})
}

// cloudSettingsVersionKey is the meta row of the last settings version the
// owner pushed that the counter applied.
const cloudSettingsVersionKey = "cloud.settings_version"

// ApplyPushedSettings applies settings the owner pushed through the cloud:
// patch holds some of the Settings fields by their JSON names; the others
// keep the point's own value. A version at or below the last one applied
// changes nothing (false). Values out of range are refused as a whole,
// like a manager's save. Logged as settings.saved with the source.
func (x Tx) ApplyPushedSettings(version int64, patch json.RawMessage) (bool, error) {
	var raw, seen string
	if err := x.t.QueryRow(`SELECT coalesce((SELECT value FROM meta WHERE key = ?), ''),
		coalesce((SELECT value FROM meta WHERE key = ?), '0')`, settingsKey, cloudSettingsVersionKey).Scan(&raw, &seen); err != nil {
		return false, fmt.Errorf("pushed settings: %w", err)
	}
	if last, _ := strconv.ParseInt(seen, 10, 64); version <= last {
		return false, nil
	}
	before := DefaultSettings()
	if raw != "" {
		before, _ = decodeSettings(raw) // a damaged row is replaced
	}
	after := before
	if err := json.Unmarshal(patch, &after); err != nil {
		return false, fmt.Errorf("pushed settings: %w", err)
	}
	if err := after.validate(); err != nil {
		return false, err
	}
	body, err := json.Marshal(after)
	if err != nil {
		return false, fmt.Errorf("pushed settings: %w", err)
	}
	if err := x.t.setSetting(settingsKey, string(body)); err != nil {
		return false, err
	}
	if err := x.t.setSetting(cloudSettingsVersionKey, strconv.FormatInt(version, 10)); err != nil {
		return false, err
	}
	return true, x.t.emit(EvSettingsSaved, "settings", map[string]any{"from": before, "to": after, "source": "cloud", "version": version})
}
