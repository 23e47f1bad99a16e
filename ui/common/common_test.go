package common

import (
	"context"
	"errors"
	"testing"
	"time"
)

// TestDoIsJoined: an operation that ignores its context is abandoned at
// the timeout (Do returns) but stays owned: Wait returns only once it has.
func TestDoIsJoined(t *testing.T) {
	c := &Common{Timeout: time.Millisecond}
	ctx, cancel := c.OpContext()
	defer cancel()
	release, returned := make(chan struct{}), make(chan struct{})
	_, err := Do(ctx, func(context.Context) (int, error) {
		<-release // a backend that does not watch ctx
		close(returned)
		return 1, nil
	})
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Do = %v, want the deadline", err)
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
