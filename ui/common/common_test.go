package common

import (
	"context"
	"errors"
	"testing"
	"time"
)

// TestDoIsJoined: an operation that ignores its context is abandoned when
// the context ends (Do returns) but stays owned: Wait returns only once it
// has, and no operation starts after Wait began.
func TestDoIsJoined(t *testing.T) {
	c := &Common{Timeout: time.Hour}
	ctx, cancel := c.OpContext()
	defer cancel()
	started, release, returned := make(chan struct{}), make(chan struct{}), make(chan struct{})
	done := make(chan error, 1)
	go func() {
		_, err := Do(ctx, func(context.Context) (int, error) {
			close(started)
			<-release // a backend that does not watch ctx
			close(returned)
			return 1, nil
		})
		done <- err
	}()
	<-started
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Fatalf("Do = %v, want Canceled", err)
	}
	waited := make(chan struct{})
	go func() { c.Wait(); close(waited) }()
	select {
	case <-waited:
		t.Fatal("Wait returned while the operation still runs")
	case <-returned:
		t.Fatal("the operation returned before it was released")
	default:
	}
	close(release)
	<-waited
	select {
	case <-returned:
	default:
		t.Fatal("Wait returned before the operation did")
	}
	fresh, stop := c.OpContext()
	defer stop()
	if _, err := Do(fresh, func(context.Context) (int, error) { t.Error("started after Wait"); return 0, nil }); !errors.Is(err, context.Canceled) {
		t.Errorf("Do after Wait = %v, want Canceled", err)
	}
}

// TestDoOnADoneContextStartsNothing: once the workbench has stopped, Do
// returns the context's error without calling fn.
func TestDoOnADoneContextStartsNothing(t *testing.T) {
	c := &Common{}
	ctx, cancel := c.OpContext()
	cancel()
	called := false
	if _, err := Do(ctx, func(context.Context) (int, error) { called = true; return 1, nil }); !errors.Is(err, context.Canceled) || called {
		t.Fatalf("Do = %v, called %v; want Canceled without a call", err, called)
	}
}
