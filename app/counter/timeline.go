package counter

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"smartpoint/app/errs"
	"smartpoint/app/scan"
)

// Timeline is a parcel's whole history at the point: the manifest that
// announced it, then every scan and change, who did it and when. It is the
// owner's proof in a dispute with a marketplace.
type Timeline struct {
	Parcel  Parcel          `json:"parcel"`
	Entries []TimelineEntry `json:"entries"`
}

// TimelineEntry is one event of a parcel's history.
type TimelineEntry struct {
	At      time.Time      `json:"at"`
	Kind    string         `json:"kind"` // event kind; the UI translates "event."+Kind
	Clerk   string         `json:"clerk,omitempty"`
	ShiftID int64          `json:"shift_id,omitempty"`
	Details map[string]any `json:"details,omitempty"` // the event's payload
}

// Timeline resolves a scanned or typed track to one parcel and returns its
// history. A track two partners share needs the partner recognised from
// the code, else it is ErrAmbiguous (open it by id from a search result).
func (s *Service) Timeline(ctx context.Context, sess *Session, raw string) (Timeline, error) {
	if err := sess.require(RoleClerk); err != nil {
		return Timeline{}, err
	}
	res := s.Classify(raw)
	switch res.Kind {
	case scan.KindParcel, scan.KindOrder, scan.KindMarking, scan.KindUnknown:
	default:
		return Timeline{}, errs.New(ErrWrongKind, "Code", res.Code, "Kind", string(res.Kind))
	}
	if res.Code == "" {
		return Timeline{}, errs.New(ErrUnknownCode, "Code", res.Raw)
	}
	found, err := queryParcels(ctx, s.db.R, `WHERE p.track = ?`, res.Code)
	if err != nil {
		return Timeline{}, fmt.Errorf("timeline %s: %w", res.Code, err)
	}
	p, err := pickOne(found, res, "")
	if err != nil {
		return Timeline{}, err
	}
	return s.timeline(ctx, p)
}

// ParcelTimeline returns the history of a parcel picked from a list.
func (s *Service) ParcelTimeline(ctx context.Context, sess *Session, parcelID int64) (Timeline, error) {
	if err := sess.require(RoleClerk); err != nil {
		return Timeline{}, err
	}
	p, err := s.Parcel(ctx, parcelID)
	if err != nil {
		return Timeline{}, err
	}
	return s.timeline(ctx, p)
}

func (s *Service) timeline(ctx context.Context, p Parcel) (Timeline, error) {
	events, err := s.EntityEvents(ctx, p.Entity())
	if err != nil {
		return Timeline{}, fmt.Errorf("timeline %s: %w", p.Track, err)
	}
	names, err := s.clerkNames(ctx)
	if err != nil {
		return Timeline{}, err
	}
	tl := Timeline{Parcel: p}
	if p.ManifestID != 0 {
		imports, err := s.manifestEntries(ctx, p.ManifestID, events, names)
		if err != nil {
			return Timeline{}, fmt.Errorf("timeline %s: %w", p.Track, err)
		}
		tl.Entries = append(tl.Entries, imports...)
	}
	for _, e := range events {
		tl.Entries = append(tl.Entries, entryOf(e, names))
	}
	return tl, nil
}

func entryOf(e Event, names map[int64]string) TimelineEntry {
	return TimelineEntry{At: e.At, Kind: e.Kind, Clerk: names[e.ClerkID], ShiftID: e.ShiftID, Details: payloadMap(e.Payload)}
}

// manifestEntries are the imports of the manifest that announced the
// parcel, before it arrived: the first file and any corrected re-import
// that could have changed its data. They come from the append-only log,
// since a re-import rewrites the manifests row; a log without them (an
// older database) falls back to that row.
func (s *Service) manifestEntries(ctx context.Context, id int64, parcelEvents []Event, names map[int64]string) ([]TimelineEntry, error) {
	var (
		imported, rows   int64
		clerk            sql.NullInt64
		partner, number  string
		filename, sha256 string
	)
	err := s.db.R.QueryRowContext(ctx, `SELECT m.imported_at, m.clerk_id, pa.code, m.number, m.filename, m.sha256, m.rows
		FROM manifests m JOIN partners pa ON pa.id = m.partner_id WHERE m.id = ?`, id).
		Scan(&imported, &clerk, &partner, &number, &filename, &sha256, &rows)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil // the manifest was replaced: the parcel's own events still tell the story
	}
	if err != nil {
		return nil, fmt.Errorf("manifest %d: %w", id, err)
	}
	logged, err := s.EntityEvents(ctx, fmt.Sprintf("manifest:%s:%s", partner, number))
	if err != nil {
		return nil, err
	}
	var out []TimelineEntry
	for _, e := range logged {
		if e.Kind != EvManifestImported || (len(parcelEvents) > 0 && e.Seq > parcelEvents[0].Seq) {
			continue
		}
		entry := entryOf(e, names)
		entry.Details["manifest_id"] = id
		out = append(out, entry)
	}
	if len(out) > 0 {
		return out, nil
	}
	return []TimelineEntry{{
		At: time.UnixMilli(imported), Kind: EvManifestImported, Clerk: names[clerk.Int64],
		Details: map[string]any{"manifest_id": id, "partner": partner, "number": number, "filename": filename, "sha256": sha256, "rows": rows},
	}}, nil
}

// payloadMap decodes an event payload; numbers stay json.Number so ids
// and amounts print exactly.
func payloadMap(raw json.RawMessage) map[string]any {
	m := map[string]any{}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	if err := dec.Decode(&m); err != nil {
		return map[string]any{"raw": string(raw)}
	}
	return m
}
