package common

import (
	"github.com/charmbracelet/bubbles/help"
	tea "github.com/charmbracelet/bubbletea"
)

// Component is one pane. The root owns layout, focus and routing: it calls
// SetSize on every pane when the window changes, gives key messages to the
// focused pane only, and every other message to all panes (so that data
// reaches its owner even when that pane is not focused). Panes are
// pointers and change in place.
type Component interface {
	help.KeyMap // the bindings live in the pane's current mode, for the footer and help

	// Init returns the pane's first commands.
	Init() tea.Cmd
	// Update handles a message and returns follow-up commands.
	Update(msg tea.Msg) tea.Cmd
	// View renders the pane in exactly the size last given to SetSize.
	View() string
	// SetSize gives the pane its width and height in cells.
	SetSize(width, height int)
	// SetFocused tells the pane whether it has the keys.
	SetFocused(focused bool)

	// Title is the pane's name in tabs and frames.
	Title() string
	// Capturing reports whether a text input of the pane has the keys, so
	// that Tab completes and ? is typed instead of navigating.
	Capturing() bool
	// Status is what the status bar shows while the pane is focused.
	Status() Status
	// LastFailure is the pane's latest error still on screen, or nil; its
	// full text is one key (F2) away.
	LastFailure() *Failure
	// Unsaved says what quitting now would lose ("" when nothing).
	Unsaved() string
}

// PaneID names a pane. The root shows them in this order; Alt+1…5 jump to
// them.
type PaneID int

// The panes, in tab order.
const (
	PaneREPL PaneID = iota
	PaneBrowser
	PaneStreams
	PaneCapacity
	PaneActivity
	PaneCount // the number of panes
)
