package counter

import "sync"

// commitHub fans a "something was committed" signal out to subscribers
// (the sync client pushes right after a commit). Its zero value is ready.
type commitHub struct {
	mu   sync.Mutex
	subs map[chan struct{}]struct{}
}

// Commits subscribes to the service's committed write transactions. The
// channel has room for one signal and never blocks the committer: many
// commits before the subscriber reads coalesce into one signal, which only
// says "look again", not how many. Nothing is sent for a transaction that
// rolled back. The returned func unsubscribes (the channel then stays
// open and gets nothing more); calling it twice is harmless.
func (s *Service) Commits() (<-chan struct{}, func()) {
	ch := make(chan struct{}, 1)
	h := &s.commits
	h.mu.Lock()
	if h.subs == nil {
		h.subs = map[chan struct{}]struct{}{}
	}
	h.subs[ch] = struct{}{}
	h.mu.Unlock()
	return ch, func() {
		h.mu.Lock()
		delete(h.subs, ch)
		h.mu.Unlock()
	}
}

// committed signals every subscriber without waiting for any.
func (h *commitHub) committed() {
	h.mu.Lock()
	defer h.mu.Unlock()
	for ch := range h.subs {
		select {
		case ch <- struct{}{}:
		default: // a signal is already pending
		}
	}
}
