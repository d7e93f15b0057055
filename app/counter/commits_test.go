package counter

import (
	"errors"
	"testing"
)

// pending reports whether ch holds a signal, taking it.
func pending(ch <-chan struct{}) bool {
	select {
	case <-ch:
		return true
	default:
		return false
	}
}

func TestCommitsSignalAfterCommit(t *testing.T) {
	e := newEnv(t)
	ch, unsubscribe := e.s.Commits()
	defer unsubscribe()
	if pending(ch) {
		t.Fatal("a signal before any commit")
	}
	if _, err := e.s.CloseShift(e.ctx, e.owner); err != nil {
		t.Fatal(err)
	}
	if !pending(ch) {
		t.Fatal("no signal after a committed action")
	}
	if pending(ch) {
		t.Fatal("one read took more than one signal")
	}
}

func TestCommitsCoalesce(t *testing.T) {
	e := newEnv(t)
	ch, unsubscribe := e.s.Commits()
	defer unsubscribe()
	other, unsubscribeOther := e.s.Commits()
	defer unsubscribeOther()
	for i := range 20 {
		if err := e.s.Extend(e.ctx, e.owner, func(x Tx) error {
			return x.Emit("test.commit", "test:1", map[string]int{"i": i})
		}); err != nil {
			t.Fatal(err)
		}
	}
	if !pending(ch) || pending(ch) {
		t.Fatal("20 commits did not coalesce into exactly one pending signal")
	}
	if !pending(other) {
		t.Fatal("the second subscriber got no signal")
	}
}

func TestCommitsUnsubscribed(t *testing.T) {
	e := newEnv(t)
	ch, unsubscribe := e.s.Commits()
	unsubscribe()
	unsubscribe() // twice is harmless
	if err := e.s.Extend(e.ctx, e.owner, func(x Tx) error {
		return x.Emit("test.commit", "test:1", map[string]int{})
	}); err != nil {
		t.Fatal(err)
	}
	if pending(ch) {
		t.Fatal("an unsubscribed channel got a signal")
	}
}

func TestCommitsNotForRollback(t *testing.T) {
	e := newEnv(t)
	clerk := e.clerk("Бекзат", RoleClerk)
	ch, unsubscribe := e.s.Commits()
	defer unsubscribe()
	boom := errors.New("boom")
	err := e.s.Extend(e.ctx, e.owner, func(x Tx) error {
		if err := x.Emit("test.commit", "test:1", map[string]int{}); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatal(err)
	}
	if pending(ch) {
		t.Fatal("a rolled-back write signalled")
	}
	// A refused action (domain error) rolls back too: the owner's shift is open.
	if _, err := e.s.OpenShift(e.ctx, clerk); err == nil {
		t.Fatal("a second shift was opened")
	}
	if pending(ch) {
		t.Fatal("a refused action signalled")
	}
}
