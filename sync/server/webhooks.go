package server

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"smartpoint/sync/protocol"
	"smartpoint/sync/server/store"
)

// Webhooks: the push that applies a parcel or loyalty event queues it in
// its own transaction (the store's outbox); the worker here turns queued
// events into one delivery per subscription of the owner, POSTs each as
// a protocol.WebhookEvent signed with the subscription's secret, and
// retries a failed one with exponential backoff up to a cap, then marks
// it failed. Delivery is at least once: a receiver drops an event id it
// has seen. The log (attempts, next_at, last status) is the owner's at
// GET /v1/owner/webhooks/deliveries.

// Defaults of WebhookOptions.
const (
	DefaultWebhookInterval    = 2 * time.Second
	DefaultWebhookBackoff     = 10 * time.Second
	DefaultWebhookMaxBackoff  = time.Hour
	DefaultWebhookMaxAttempts = 20 // about 12 hours with the backoff above
	DefaultWebhookBatch       = 100
	DefaultWebhookConcurrency = 4
	DefaultWebhookTimeout     = 10 * time.Second
)

// WebhookOptions tune a Webhooks worker; the zero value is production's.
type WebhookOptions struct {
	Logger *slog.Logger
	// Now is the clock (tests move it); nil is time.Now.
	Now func() time.Time
	// After waits between rounds; nil is time.After (tests hold it).
	After func(time.Duration) <-chan time.Time
	// Client sends the deliveries; nil is one with DefaultWebhookTimeout
	// that follows no redirect (a 3xx is a failed attempt).
	Client *http.Client
	// Interval is how long an idle worker waits before looking again.
	Interval time.Duration
	// Backoff is the wait after the first failed attempt; each further
	// failure doubles it, up to MaxBackoff. After MaxAttempts attempts
	// the delivery is failed for good.
	Backoff, MaxBackoff time.Duration
	MaxAttempts         int
	// Batch is how many deliveries a round takes; Concurrency how many
	// are sent at once.
	Batch, Concurrency int
	// Lease is how long a taken delivery is kept from other rounds (and
	// servers): longer than the client's timeout.
	Lease time.Duration
}

func (o WebhookOptions) withDefaults() WebhookOptions {
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.After == nil {
		o.After = time.After
	}
	if o.Client == nil {
		o.Client = &http.Client{
			Timeout:       DefaultWebhookTimeout,
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		}
	}
	if o.Interval <= 0 {
		o.Interval = DefaultWebhookInterval
	}
	if o.Backoff <= 0 {
		o.Backoff = DefaultWebhookBackoff
	}
	if o.MaxBackoff <= 0 {
		o.MaxBackoff = DefaultWebhookMaxBackoff
	}
	if o.MaxAttempts <= 0 {
		o.MaxAttempts = DefaultWebhookMaxAttempts
	}
	if o.Batch <= 0 {
		o.Batch = DefaultWebhookBatch
	}
	if o.Concurrency <= 0 {
		o.Concurrency = DefaultWebhookConcurrency
	}
	if o.Lease <= 0 {
		o.Lease = 2 * time.Minute
	}
	return o
}

// Webhooks is the delivery worker of one store.
type Webhooks struct {
	st  store.Integrations
	opt WebhookOptions
	log *slog.Logger
}

// NewWebhooks makes the delivery worker of st.
func NewWebhooks(st store.Integrations, opt WebhookOptions) *Webhooks {
	opt = opt.withDefaults()
	return &Webhooks{st: st, opt: opt, log: opt.Logger}
}

// Round is what one round of the worker did.
type Round struct {
	Queued    int // events turned into deliveries
	Sent      int // attempts made
	Delivered int
	Retrying  int  // failed, to be tried again
	Failed    int  // failed for good
	More      bool // the batch was full: more may be due now
}

const queueBatch = 500

// Step runs one round: queue the events pushes left, then send one batch
// of due deliveries and record each attempt. Tests drive the worker with
// it (and a clock of their own).
func (wh *Webhooks) Step(ctx context.Context) (Round, error) {
	var r Round
	for {
		n, err := wh.st.QueueWebhooks(ctx, wh.opt.Now(), queueBatch)
		if err != nil {
			return r, fmt.Errorf("queue webhooks: %w", err)
		}
		r.Queued += n
		if n < queueBatch {
			break
		}
	}
	ds, err := wh.st.ClaimDeliveries(ctx, wh.opt.Now(), wh.opt.Lease, wh.opt.Batch)
	if err != nil {
		return r, fmt.Errorf("claim deliveries: %w", err)
	}
	var mu sync.Mutex
	var errs []error
	sem := make(chan struct{}, wh.opt.Concurrency)
	var wg sync.WaitGroup
	for _, d := range ds {
		sem <- struct{}{}
		wg.Go(func() {
			defer func() { <-sem }()
			a := wh.send(ctx, d)
			if ctx.Err() != nil {
				return // shutting down: the lease brings it back, uncounted
			}
			err := wh.st.RecordDelivery(ctx, d.ID, a)
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				errs = append(errs, fmt.Errorf("record delivery %s: %w", d.ID, err))
				return
			}
			r.Sent++
			switch {
			case a.Delivered:
				r.Delivered++
			case a.NextAt.IsZero():
				r.Failed++
			default:
				r.Retrying++
			}
		})
	}
	wg.Wait()
	r.More = len(ds) == wh.opt.Batch
	return r, errors.Join(errs...)
}

// Run delivers until ctx ends: a round, then (when it found nothing more
// to do) a pause of Interval.
func (wh *Webhooks) Run(ctx context.Context) {
	for ctx.Err() == nil {
		r, err := wh.Step(ctx)
		if err != nil && ctx.Err() == nil {
			wh.log.Error("webhooks", "err", err)
		}
		if err == nil && r.More {
			continue
		}
		select {
		case <-ctx.Done():
		case <-wh.opt.After(wh.opt.Interval):
		}
	}
}

// backoff is the wait after the n-th failed attempt.
func (wh *Webhooks) backoff(n int) time.Duration {
	d := wh.opt.Backoff
	for i := 1; i < n && d < wh.opt.MaxBackoff; i++ {
		d *= 2
	}
	return min(d, wh.opt.MaxBackoff)
}

// send makes one attempt of a delivery.
func (wh *Webhooks) send(ctx context.Context, d store.Delivery) store.DeliveryAttempt {
	now := wh.opt.Now()
	a := store.DeliveryAttempt{At: now}
	attempt := d.Attempts + 1
	fail := func(status int, why string) store.DeliveryAttempt {
		a.Status, a.Error = status, why
		if attempt < wh.opt.MaxAttempts {
			a.NextAt = now.Add(wh.backoff(attempt))
		}
		wh.log.Warn("webhook not delivered", "delivery", d.ID, "owner", d.OwnerID, "type", d.Type, "attempt", attempt,
			"status", status, "err", why, "next_at", a.NextAt)
		return a
	}
	body, err := json.Marshal(protocol.WebhookEvent{ID: d.EventID, Type: d.Type, CreatedAt: d.EventAt, Data: d.Data})
	if err != nil {
		return fail(0, "encode: "+err.Error())
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, d.URL, strings.NewReader(string(body)))
	if err != nil {
		return fail(0, "request: "+err.Error())
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "SmartPoint-Webhooks/1")
	req.Header.Set(protocol.SignatureHeader, SignWebhook(d.Secret, now, body))
	req.Header.Set("X-SmartPoint-Delivery", d.ID)
	resp, err := wh.opt.Client.Do(req)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err // the URL is in the log already
		}
		return fail(0, err.Error())
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	resp.Body.Close()
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return fail(resp.StatusCode, "HTTP "+strconv.Itoa(resp.StatusCode))
	}
	a.Status, a.Delivered = resp.StatusCode, true
	wh.log.Info("webhook delivered", "delivery", d.ID, "owner", d.OwnerID, "type", d.Type, "attempt", attempt, "status", resp.StatusCode)
	return a
}

// SignWebhook is the signature header of a delivery body sent at t:
// "t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>".
func SignWebhook(secret string, t time.Time, body []byte) string {
	ts := strconv.FormatInt(t.Unix(), 10)
	return "t=" + ts + ",v1=" + hex.EncodeToString(webhookMAC(secret, ts, body))
}

func webhookMAC(secret, ts string, body []byte) []byte {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte(ts))
	m.Write([]byte("."))
	m.Write(body)
	return m.Sum(nil)
}

// VerifyWebhook checks a delivery's signature header as a receiver does:
// the MAC over the body with the secret, and t within tolerance of now
// (an old signature is a replay).
func VerifyWebhook(secret, header string, body []byte, now time.Time, tolerance time.Duration) error {
	var ts string
	var sigs [][]byte
	for part := range strings.SplitSeq(header, ",") {
		k, v, _ := strings.Cut(strings.TrimSpace(part), "=")
		switch k {
		case "t":
			ts = v
		case "v1":
			if b, err := hex.DecodeString(v); err == nil {
				sigs = append(sigs, b)
			}
		}
	}
	sec, err := strconv.ParseInt(ts, 10, 64)
	if err != nil || len(sigs) == 0 {
		return errors.New("webhook signature: malformed header")
	}
	if d := now.Sub(time.Unix(sec, 0)); d > tolerance || d < -tolerance {
		return errors.New("webhook signature: timestamp outside the tolerance")
	}
	want := webhookMAC(secret, ts, body)
	for _, s := range sigs {
		if hmac.Equal(s, want) {
			return nil
		}
	}
	return errors.New("webhook signature: no match")
}

// CheckWebhookURL accepts an absolute http(s) URL without credentials.
func CheckWebhookURL(raw string) error {
	if len(raw) > 2000 {
		return errors.New("the URL is too long (at most 2000 bytes)")
	}
	u, err := url.Parse(raw)
	if err != nil {
		return fmt.Errorf("not a URL: %w", err)
	}
	if u.Scheme != "https" && u.Scheme != "http" || u.Host == "" {
		return errors.New("the URL must be http:// or https:// with a host")
	}
	if u.User != nil {
		return errors.New("the URL must not carry a user or password (the deliveries are signed instead)")
	}
	return nil
}

// AddWebhook subscribes url to an owner's events with a new secret; the
// secret is returned for the receiver, which checks each delivery's
// signature with it (VerifyWebhook).
func AddWebhook(ctx context.Context, st store.Integrations, ownerID, rawURL string, now time.Time) (store.Webhook, error) {
	if err := CheckWebhookURL(rawURL); err != nil {
		return store.Webhook{}, err
	}
	secret := "whsec_" + base64.RawURLEncoding.EncodeToString(randomBytes(32))
	return st.CreateWebhook(ctx, ownerID, rawURL, secret, now)
}
