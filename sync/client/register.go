package client

import (
	"context"
	"database/sql"
	"net/http"
	"net/url"
	"os"
	"smartpoint/app/counter"
	"strings"

	"smartpoint/app/errs"
	"smartpoint/sync/protocol"
)

// Register makes this counter database a point of an owner with the
// activation code the owner got for the point, and stores the point's ids
// and tokens (secrets: never logged) in the database. baseURL empty takes
// Options.BaseURL; deviceName empty, the computer's name. Registering
// again (another code) replaces the point: every stream is pulled anew
// and the events go to the new point from the start.
func (c *Client) Register(ctx context.Context, baseURL, activationCode, deviceName string) error {
	c.round.Lock()
	defer c.round.Unlock()
	if baseURL == "" {
		baseURL = c.opt.BaseURL
	}
	base, err := checkURL(baseURL)
	if err != nil {
		return err
	}
	if deviceName == "" {
		deviceName, _ = os.Hostname()
	}
	st, err := loadState(ctx, c.db)
	if err != nil {
		return err
	}
	var t protocol.Tokens
	err = c.send(ctx, base, request{method: http.MethodPost, path: protocol.PathRegister, noRetry: true,
		body: protocol.RegisterRequest{
			Protocol:       protocol.Version,
			ActivationCode: strings.TrimSpace(activationCode),
			DeviceID:       st.deviceID,
			DeviceName:     deviceName,
			AppVersion:     c.appVersion(),
		}}, &t)
	if err != nil {
		return typed(err)
	}
	if t.PointID == "" || t.AccessToken == "" || t.RefreshToken == "" {
		return protocolErr("register: the answer has no point or tokens")
	}
	err = c.db.Tx(ctx, func(tx *sql.Tx) error {
		if st.pointID != t.PointID {
			if err := dropStreams(tx); err != nil {
				return err
			}
		}
		if err := put(tx, keyBaseURL, base, keyOwner, t.OwnerID, keyPointName, t.PointName, keyLastError, ""); err != nil {
			return err
		}
		return putTokens(tx, t)
	})
	if err != nil {
		return local(err)
	}
	c.log.Info("sync: registered", "point", t.PointID, "owner", t.OwnerID, "server", base)
	if err := c.refreshStatus(ctx); err != nil {
		return err
	}
	c.update(func(s *Status) { s.LastError = nil })
	c.Kick()
	return nil
}

// checkURL accepts an http(s) URL with a host, without query or fragment.
func checkURL(raw string) (string, error) {
	raw = strings.TrimSpace(raw)
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" || u.User != nil {
		return "", errs.New(ErrBadURL, "URL", raw)
	}
	return strings.TrimRight(u.String(), "/"), nil
}

// RegisterAs is Register on behalf of a person at the counter: making the
// point part of an owner's cloud is a manager's or the owner's decision,
// checked here whatever the screen allowed.
func (c *Client) RegisterAs(ctx context.Context, sess *counter.Session, baseURL, activationCode, deviceName string) error {
	if err := sess.Require(counter.RoleManager); err != nil {
		return err
	}
	return c.Register(ctx, baseURL, activationCode, deviceName)
}
