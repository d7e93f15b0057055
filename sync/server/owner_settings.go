package server

import (
	"net/http"
	"strings"

	"smartpoint/sync/protocol"
	"smartpoint/sync/server/store"
)

// The owner's settings pushes and subscription (protocol/owner.go), with
// the owner's token, on a store that keeps them (store.OwnerSettings).
// A point of another owner is 404, as an unknown one: an owner's token
// learns nothing of other owners' points.

// ownerRoutes adds the endpoints to the integrations' routes.
func (in *integrations) ownerRoutes(api func(method, path string, h func(http.ResponseWriter, *http.Request) error)) {
	api(http.MethodGet+", "+http.MethodPut, protocol.PathOwnerPointSettings, in.pointSettings)
	api(http.MethodGet, protocol.PathOwnerSubscription, in.subscription)
}

// ownerSettings is the store's OwnerSettings, or a 503 without one.
func (in *integrations) ownerSettings() (store.OwnerSettings, error) {
	os, ok := in.s.st.(store.OwnerSettings)
	if !ok {
		return nil, perr(protocol.ErrUnavailable, "this server's store keeps no settings nor subscriptions")
	}
	return os, nil
}

// pathPointID is the {point_id} of a path, checked like an identifier.
func pathPointID(r *http.Request) (string, error) {
	id := r.PathValue("point_id")
	if id == "" || len(id) > protocol.MaxIDLength || strings.ContainsFunc(id, func(c rune) bool { return c <= ' ' || c > '~' }) {
		return "", perr(protocol.ErrBadRequest, "point_id: 1 to 64 printable characters (the id 'point add' printed)")
	}
	return id, nil
}

// pointSettings is GET (the last push) and PUT (a new push) of a point's
// settings.
func (in *integrations) pointSettings(w http.ResponseWriter, r *http.Request) error {
	pointID, err := pathPointID(r)
	if err != nil {
		return err
	}
	who, err := in.authenticateKey(r, store.KeyOwner)
	if err != nil {
		return err
	}
	if err := strictQuery(r.URL.Query()); err != nil {
		return err
	}
	os, err := in.ownerSettings()
	if err != nil {
		return err
	}
	ctx := r.Context()
	notFound := "no point " + pointID + " of this owner"
	if r.Method != http.MethodPut {
		res, err := os.PointSettings(ctx, who.ownerID, pointID)
		if err != nil {
			return integrationError("point settings", err, notFound)
		}
		writeJSON(w, http.StatusOK, res)
		return nil
	}
	var req protocol.SettingsRequest
	if err := decode(w, r, &req); err != nil {
		return err
	}
	res, err := os.PushSettings(ctx, who.ownerID, pointID, req.Settings, in.s.opt.Now())
	if err != nil {
		return integrationError("push settings", err, notFound)
	}
	in.s.log.Info("settings pushed", "request_id", info(ctx).id, "owner", who.ownerID, "owner_key", who.keyID,
		"point", pointID, "version", res.Version)
	writeJSON(w, http.StatusOK, res)
	return nil
}

// subscription is the owner's plan as the operator set it.
func (in *integrations) subscription(w http.ResponseWriter, r *http.Request) error {
	who, err := in.authenticateKey(r, store.KeyOwner)
	if err != nil {
		return err
	}
	if err := strictQuery(r.URL.Query()); err != nil {
		return err
	}
	os, err := in.ownerSettings()
	if err != nil {
		return err
	}
	sub, err := os.Subscription(r.Context(), who.ownerID)
	if err != nil {
		return integrationError("subscription", err, "no plan was set for this owner")
	}
	writeJSON(w, http.StatusOK, sub)
	return nil
}
