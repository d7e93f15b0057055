// Package server is SmartPoint's reference cloud API: the counter ↔
// cloud sync protocol (sync/protocol) over HTTP, on a store.Store.
//
// Every request body is decoded strictly (protocol.Decode, at most
// protocol.MaxBodyBytes); every error is a JSON protocol.Error with a
// stable code. A point is known by its bearer token only: the tenant of a
// push or pull is the token's point, never anything in the body.
//
// Tokens are "<id>.<secret>": the id is looked up in the store, the
// secret is checked against its argon2id hash (app/auth) once per token
// and process; a small cache keeps a SHA-256 of the secret after that so
// a busy client does not pay argon2 on every request. The clear secret is
// never kept nor logged, neither are activation codes nor bodies.
package server

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"smartpoint/app/auth"
	"smartpoint/sync/protocol"
	"smartpoint/sync/server/store"
)

// Defaults of Options.
const (
	DefaultAccessTTL       = time.Hour
	DefaultRefreshTTL      = 90 * 24 * time.Hour
	DefaultActivationTTL   = 7 * 24 * time.Hour
	DefaultRate            = 20 // requests a second, per token
	DefaultBurst           = 40
	DefaultMaxConcurrent   = 128
	DefaultShutdownTimeout = 30 * time.Second
	DefaultTokenCache      = 10000
	// tokenRecheck is how long a cached token is trusted before its
	// record is read again (revocation, point moved to another device).
	// Reading it again costs a store lookup, not argon2.
	tokenRecheck = time.Minute
)

// Options tune a Server; the zero value is the production set-up.
type Options struct {
	// Logger receives one line per request (and start/stop); nil is
	// slog.Default().
	Logger *slog.Logger
	// Now is the clock (tests move it); nil is time.Now.
	Now func() time.Time
	// AccessTTL and RefreshTTL are the lives of new tokens.
	AccessTTL, RefreshTTL time.Duration
	// Hash are the argon2id costs of new token hashes; zero is
	// auth.Default. Tests use auth.Fast.
	Hash auth.Params
	// Rate and Burst are each token's bucket (requests a second); the
	// unauthenticated endpoints (register, refresh) have one bucket per
	// client address with the same numbers. Negative Rate disables it.
	Rate  float64
	Burst int
	// MaxConcurrent is how many API requests run at once; more get 503
	// with Retry-After.
	MaxConcurrent int
	// DrainDelay is how long /readyz answers 503 before the listener
	// closes on shutdown, so a load balancer stops sending new requests
	// first. Zero for a single server without one.
	DrainDelay time.Duration
	// ShutdownTimeout bounds how long in-flight requests may finish
	// after the listener closed; then their connections are cut.
	ShutdownTimeout time.Duration
	// TokenCache is how many verified tokens are remembered.
	TokenCache int
	// After waits out DrainDelay; nil is time.After (tests hold it).
	After func(time.Duration) <-chan time.Time
}

func (o Options) withDefaults() Options {
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.AccessTTL <= 0 {
		o.AccessTTL = DefaultAccessTTL
	}
	if o.RefreshTTL <= 0 {
		o.RefreshTTL = DefaultRefreshTTL
	}
	if o.Hash == (auth.Params{}) {
		o.Hash = auth.Default
	}
	if o.Rate == 0 {
		o.Rate = DefaultRate
	}
	if o.Burst <= 0 {
		o.Burst = DefaultBurst
	}
	if o.MaxConcurrent <= 0 {
		o.MaxConcurrent = DefaultMaxConcurrent
	}
	if o.ShutdownTimeout <= 0 {
		o.ShutdownTimeout = DefaultShutdownTimeout
	}
	if o.TokenCache <= 0 {
		o.TokenCache = DefaultTokenCache
	}
	if o.After == nil {
		o.After = time.After
	}
	return o
}

// Server is the cloud API on one store.
type Server struct {
	st  store.Store
	opt Options
	log *slog.Logger

	handler  http.Handler
	limiter  *limiter // per token id / client address
	inflight chan struct{}
	hashSem  chan struct{} // argon2 at once: its memory is per call
	tokens   *tokenCache
	refresh  sync.Mutex // one refresh at a time: a refresh token works once
	draining atomic.Bool

	onShutdown func() // tests: http.Server.Shutdown began (listener closed)
}

// New makes a server on st.
func New(st store.Store, opt Options) *Server {
	opt = opt.withDefaults()
	s := &Server{
		st:       st,
		opt:      opt,
		log:      opt.Logger,
		inflight: make(chan struct{}, opt.MaxConcurrent),
		hashSem:  make(chan struct{}, max(1, runtime.GOMAXPROCS(0))),
		tokens:   newTokenCache(opt.TokenCache),
	}
	if opt.Rate > 0 {
		s.limiter = newLimiter(opt.Rate, opt.Burst, opt.Now)
	}
	s.handler = s.routes()
	return s
}

// Handler is the whole API, for http.Server or httptest.
func (s *Server) Handler() http.Handler { return s.handler }

func (s *Server) routes() http.Handler {
	mux := http.NewServeMux()
	api := func(method, path string, h func(http.ResponseWriter, *http.Request) error) {
		mux.Handle(path, s.limitConcurrency(method, s.handle(h)))
	}
	api(http.MethodPost, protocol.PathRegister, s.register)
	api(http.MethodPost, protocol.PathRefresh, s.refreshTokens)
	api(http.MethodPost, protocol.PathHello, s.hello)
	api(http.MethodPost, protocol.PathPush, s.push)
	api(http.MethodGet, protocol.PathPull, s.pull)
	s.integrationRoutes(api) // integrations.go: partners, CRM, owner
	mux.Handle(protocol.PathSpec, s.only(http.MethodGet, s.handle(s.spec)))
	mux.Handle(protocol.PathHealth, s.only(http.MethodGet, s.handle(s.health)))
	mux.Handle(protocol.PathReady, s.only(http.MethodGet, s.handle(s.ready)))
	mux.Handle("/", s.handle(func(http.ResponseWriter, *http.Request) error {
		return &protocol.Error{Code: protocol.ErrNotFound, Message: "no such endpoint; see " + protocol.PathSpec}
	}))
	return s.observe(mux)
}

// Run listens on addr and serves until ctx ends, then shuts down
// gracefully (see Serve).
func (s *Server) Run(ctx context.Context, addr string) error {
	var lc net.ListenConfig
	ln, err := lc.Listen(ctx, "tcp", addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", addr, err)
	}
	return s.Serve(ctx, ln)
}

// Serve serves on ln until ctx ends. Then /readyz answers 503 for
// DrainDelay, the listener closes, in-flight requests get up to
// ShutdownTimeout to finish, and what is left is cut. It returns nil
// after a clean shutdown.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	hs := &http.Server{
		Handler:           s.handler,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       time.Minute,
		WriteTimeout:      time.Minute,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(s.log.Handler(), slog.LevelWarn),
		BaseContext:       func(net.Listener) context.Context { return context.WithoutCancel(ctx) },
	}
	if s.onShutdown != nil {
		hs.RegisterOnShutdown(s.onShutdown)
	}
	served := make(chan error, 1)
	go func() { served <- hs.Serve(ln) }()
	s.log.Info("serving", "addr", ln.Addr().String())

	select {
	case err := <-served:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	s.draining.Store(true)
	s.log.Info("shutting down", "drain", s.opt.DrainDelay, "timeout", s.opt.ShutdownTimeout)
	if s.opt.DrainDelay > 0 {
		<-s.opt.After(s.opt.DrainDelay)
	}
	sctx, cancel := context.WithTimeout(context.Background(), s.opt.ShutdownTimeout)
	defer cancel()
	err := hs.Shutdown(sctx)
	if err != nil {
		s.log.Warn("shutdown deadline passed; cutting the requests left", "err", err)
		_ = hs.Close()
	}
	if serr := <-served; serr != nil && !errors.Is(serr, http.ErrServerClosed) {
		return fmt.Errorf("serve: %w", serr)
	}
	if err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	s.log.Info("stopped")
	return nil
}
