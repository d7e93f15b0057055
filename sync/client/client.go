// Package client is the counter's cloud sync: a supervised background
// service that pushes the counter's event log (the outbox: events.seq is
// the client_seq, events.id the event id) to the cloud and pulls what
// other parties changed, following sync/protocol (research/sync.md §2).
//
// A round (Round) is hello → push the outbox in batches → pull each
// stream page by page. Start runs rounds after every local commit, every
// pull interval, and after failures with exponential backoff; nothing of
// it runs on the caller's goroutine, so the counter never waits for the
// network. Status is what the status bar shows.
//
// The client's state lives in the counter database (sync_state,
// sync_rejected, sync_inbox; migration 0005), so it travels with the
// file: a database restored from a backup or copied to another PC is
// noticed (the server holds more of this incarnation than the file, or
// another event under a known client_seq) and starts a new incarnation
// that pushes everything again; event ids make the overlap harmless.
//
// Pulled changes are stored in sync_inbox; applying them to the counter's
// tables is a later step.
package client

import (
	"context"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/go-resty/resty/v2"

	"smartpoint/app/clock"
	"smartpoint/app/counter"
	"smartpoint/app/store"
)

// Options configure a Client. Zero values take the defaults.
type Options struct {
	// BaseURL is the cloud server ("https://cloud.example"); empty: the
	// one stored at registration.
	BaseURL string
	// Timeout bounds one HTTP request; 0: 30 s.
	Timeout time.Duration
	// Clock tells the time for the status and the stored records; nil:
	// the counter service's clock. Nothing of the protocol depends on it.
	Clock clock.Clock
	// Logger gets the client's log lines (never a token); nil: slog.Default.
	Logger *slog.Logger
	// BackoffMin and BackoffMax bound the wait after a failed round
	// (exponential with full jitter); 0: 1 s and 5 min.
	BackoffMin, BackoffMax time.Duration
	// PullInterval is how often a round runs when nothing is committed;
	// 0: 2 min.
	PullInterval time.Duration
	// AppVersion is sent with hello and registration.
	AppVersion string

	// Retries is how often one request is retried at once, inside the
	// round, on a transport error, a 5xx or a 429 whose Retry-After is
	// short (resty's retry); 0: 2, negative: none. Registration and
	// token refresh are never retried (they are not idempotent).
	Retries int
	// RetryWait and RetryMaxWait bound the wait between those retries;
	// 0: 200 ms and 2 s. A longer Retry-After ends the round instead and
	// the supervisor waits it out.
	RetryWait, RetryMaxWait time.Duration
	// PushBatch is the most events in one push (≤ protocol.MaxBatchEvents);
	// PullLimit the most changes asked per page (≤ protocol.MaxPullLimit).
	PushBatch, PullLimit int
	// StopWait bounds how long Stop waits for a round to end; 0: 5 s.
	StopWait time.Duration

	// Apply enters what the round pulled into the counter's tables
	// (app/inbox); nil: pulled changes stay in sync_inbox. It runs at the
	// end of every round of a registered point, on the round's goroutine,
	// whether or not the round went through (it applies what was pulled
	// before a failure); its error is logged and does not fail the round.
	Apply func(ctx context.Context) error

	// After makes the supervisor's timers; nil: time.After. Tests inject
	// one to see and fire the backoff without sleeping.
	After func(time.Duration) <-chan time.Time
	// Transport is the HTTP transport; nil: a default one.
	Transport http.RoundTripper
}

func (o *Options) defaults(svc *counter.Service) {
	if o.Timeout <= 0 {
		o.Timeout = 30 * time.Second
	}
	if o.Clock == nil {
		o.Clock = svc
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	if o.BackoffMin <= 0 {
		o.BackoffMin = time.Second
	}
	if o.BackoffMax <= 0 {
		o.BackoffMax = 5 * time.Minute
	}
	if o.BackoffMax < o.BackoffMin {
		o.BackoffMax = o.BackoffMin
	}
	if o.PullInterval <= 0 {
		o.PullInterval = 2 * time.Minute
	}
	switch {
	case o.Retries == 0:
		o.Retries = 2
	case o.Retries < 0:
		o.Retries = 0
	}
	if o.RetryWait <= 0 {
		o.RetryWait = 200 * time.Millisecond
	}
	if o.RetryMaxWait <= 0 {
		o.RetryMaxWait = 2 * time.Second
	}
	if o.RetryMaxWait < o.RetryWait {
		o.RetryMaxWait = o.RetryWait
	}
	if o.PushBatch <= 0 || o.PushBatch > maxBatch {
		o.PushBatch = maxBatch
	}
	if o.PullLimit <= 0 || o.PullLimit > maxPull {
		o.PullLimit = defaultPull
	}
	if o.StopWait <= 0 {
		o.StopWait = 5 * time.Second
	}
	if o.After == nil {
		o.After = time.After
	}
}

// Client syncs one counter database with the cloud. It is safe for
// concurrent use; rounds never overlap.
type Client struct {
	svc  *counter.Service
	db   *store.DB
	opt  Options
	log  *slog.Logger
	ids  *clock.IDGen
	http *resty.Client // with retries: hello, push, pull
	once *resty.Client // without: register, refresh

	round sync.Mutex // one round (or registration) at a time

	mu     sync.Mutex
	status Status
	subs   map[chan Status]struct{}

	kick chan struct{} // Kick: a round now

	run struct {
		sync.Mutex
		cancel context.CancelFunc
		done   chan struct{}
	}
}

// New makes a client of the counter's database; it does no I/O but a
// read of the stored state for Status. Start runs it in the background;
// Round runs one sync now.
func New(svc *counter.Service, opt Options) *Client {
	opt.defaults(svc)
	c := &Client{svc: svc, db: svc.DB(), opt: opt, log: opt.Logger, ids: clock.NewIDGen(opt.Clock)}
	c.kick = make(chan struct{}, 1)
	c.http = c.newHTTP(opt.Retries)
	c.once = c.newHTTP(0)
	if err := c.loadStatus(context.Background()); err != nil {
		c.log.Warn("sync: read state", "err", err)
	}
	return c
}

// Status is what the status bar shows.
type Status struct {
	Registered bool   `json:"registered"`
	PointID    string `json:"point_id,omitempty"`
	PointName  string `json:"point_name,omitempty"`
	ServerURL  string `json:"server_url,omitempty"`
	// Online: the last round went through.
	Online bool `json:"online"`
	// Syncing: a round is running now.
	Syncing bool `json:"syncing"`
	// Waiting is how many events the cloud has not acknowledged yet.
	Waiting int64 `json:"waiting"`
	// Rejected is how many events the cloud refused for good (Problems).
	Rejected int `json:"rejected"`
	// LastSync is when a round last went through (zero: never).
	LastSync time.Time `json:"last_sync,omitzero"`
	// LastError is why the last round failed: a typed *errs.Error
	// (ErrOffline, ErrUpdateNeeded …) to translate; nil when it went
	// through.
	LastError error `json:"-"`
	// NextTry is when the supervisor tries again after a failure.
	NextTry time.Time `json:"next_try,omitzero"`
	// ClockSkew is the server's clock minus the counter's at the last
	// hello: reports flag a counter whose clock is far off.
	ClockSkew time.Duration `json:"clock_skew"`
}

// Status returns the current status without touching the network or the
// database.
func (c *Client) Status() Status {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.status
}

// Subscribe returns a channel that gets the status after each change: it
// holds one value and a newer one replaces an unread older one, so a slow
// reader sees the latest status and never blocks the client. The func
// unsubscribes.
func (c *Client) Subscribe() (<-chan Status, func()) {
	ch := make(chan Status, 1)
	c.mu.Lock()
	if c.subs == nil {
		c.subs = map[chan Status]struct{}{}
	}
	c.subs[ch] = struct{}{}
	ch <- c.status
	c.mu.Unlock()
	return ch, func() {
		c.mu.Lock()
		delete(c.subs, ch)
		c.mu.Unlock()
	}
}

// update changes the status and tells the subscribers.
func (c *Client) update(fn func(*Status)) {
	c.mu.Lock()
	defer c.mu.Unlock()
	fn(&c.status)
	for ch := range c.subs {
		select {
		case <-ch: // drop the unread older value
		default:
		}
		ch <- c.status // cannot block: the channel is empty and only we send, under mu
	}
}

// loadStatus reads the whole status from the database, the outcome of
// the last round included (kept by whichever client ran it).
func (c *Client) loadStatus(ctx context.Context) error {
	st, err := loadState(ctx, c.db)
	if err != nil {
		return err
	}
	if err := c.refreshCounts(ctx, st); err != nil {
		return err
	}
	c.update(func(s *Status) {
		s.LastError = decodeStoredError(st.lastError)
		s.Online = !st.lastAttempt.IsZero() && st.lastError == "" && !st.lastSync.Before(st.lastAttempt)
	})
	return nil
}

// refreshStatus reloads the counts the status shows from the database.
func (c *Client) refreshStatus(ctx context.Context) error {
	st, err := loadState(ctx, c.db)
	if err != nil {
		return err
	}
	return c.refreshCounts(ctx, st)
}

func (c *Client) refreshCounts(ctx context.Context, st *state) error {
	top, err := maxSeq(ctx, c.db)
	if err != nil {
		return err
	}
	var rejected int
	if err := c.db.R.QueryRowContext(ctx, `SELECT count(*) FROM sync_rejected`).Scan(&rejected); err != nil {
		return local(err)
	}
	c.update(func(s *Status) {
		s.Registered = st.registered()
		s.PointID, s.PointName = st.pointID, st.pointName
		s.ServerURL = c.serverURL(st)
		s.Waiting = max(top-st.lastAcked, 0)
		s.Rejected = rejected
		if !st.lastSync.IsZero() {
			s.LastSync = st.lastSync
		}
	})
	return nil
}

// serverURL is Options.BaseURL, else the registered one.
func (c *Client) serverURL(st *state) string {
	if c.opt.BaseURL != "" {
		return c.opt.BaseURL
	}
	return st.baseURL
}
