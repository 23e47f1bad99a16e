// Command dynalab is a DynamoDB lab in the terminal: a local, disk-persisted
// DynamoDB that speaks the real wire protocol, and a workbench to drive it.
// The commands live in ui/cli.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"dynalab/ui/cli"
)

func main() {
	// Ctrl+C or SIGTERM cancels ctx: commands stop cleanly (flush, unlock).
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := cli.Main(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
