// Package cli is dynalab's command line: one command table on
// spf13/cobra, one file per command, each a constructor (newServeCmd,
// newRunCmd, …) that defines the command's flags and wires them to
// sessions, the engine, the server and the workbench.
//
// Main is the whole interface: the root main.go hands it the process's
// arguments and standard streams and exits with the code it returns —
// 0 for success and asked-for help, 2 for a mistake on the command line
// (reported on stderr with the command's usage), 1 for a failure.
//
// Flags are GNU-style (--data FILE, --data=FILE); the single-dash long
// forms the standard flag package accepted (-data FILE, -listen=ADDR)
// still work: Main rewrites them before cobra parses the line.
package cli
