// Package capacity is the workbench's capacity pane: per table and index,
// sparklines of consumed read and write capacity against what is
// provisioned over the last minutes, throttle counts, the hottest
// partition keys, and a monthly cost estimate.
//
// The pane reads one Sample per table (or index) per second from a
// channel, with a re-armed channel-read command, and redraws only when
// samples arrive: it never polls and costs nothing while idle. The engine's
// per-second capacity samples adapt to Sample; until they exist the pane
// is given no channel and says so on screen.
package capacity
