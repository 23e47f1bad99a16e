package keys

import "github.com/charmbracelet/bubbles/key"

// REPL are the REPL's keys. In the editor (a text input) letters are typed;
// after Esc the results have the keys.
type REPL struct {
	// editor
	Run      key.Binding
	Newline  key.Binding
	Complete key.Binding
	HistPrev key.Binding
	HistNext key.Binding
	Search   key.Binding
	Cancel   key.Binding
	Leave    key.Binding
	Discard  key.Binding
	// both modes
	NextPage   key.Binding
	ToggleJSON key.Binding
	ScrollUp   key.Binding
	ScrollDown key.Binding
	Clear      key.Binding
	// results
	List List
	Edit key.Binding
}

// NewREPL returns the REPL keymap.
func NewREPL() REPL {
	return REPL{
		Run:        bind(k("enter"), "enter", "run (when it ends in ;)"),
		Newline:    bind(k("alt+enter", "ctrl+j"), "alt+enter", "new line"),
		Complete:   bind(k("tab"), "tab", "complete"),
		HistPrev:   bind(k("up"), "↑", "older statement"),
		HistNext:   bind(k("down"), "↓", "newer statement"),
		Search:     bind(k("ctrl+r"), "ctrl+r", "search history"),
		Cancel:     bind(k("esc"), "esc", "cancel the running statement"),
		Leave:      bind(k("esc"), "esc", "leave the editor"),
		Discard:    bind(k("ctrl+g"), "ctrl+g", "discard the input"),
		NextPage:   bind(k("ctrl+n"), "ctrl+n", "next page"),
		ToggleJSON: bind(k("ctrl+t"), "ctrl+t", "table/JSON"),
		ScrollUp:   bind(k("pgup"), "pgup", "scroll up"),
		ScrollDown: bind(k("pgdown"), "pgdn", "scroll down"),
		Clear:      bind(k("ctrl+l"), "ctrl+l", "clear output"),
		List:       NewList(),
		Edit:       bind(k("i", "enter"), "i/enter", "edit statement"),
	}
}

// Browser are the item browser's keys.
type Browser struct {
	List      List
	Open      key.Binding
	Back      key.Binding
	Reload    key.Binding
	KeyCond   key.Binding
	Filter    key.Binding
	Search    key.Binding
	Index     key.Binding
	NextPage  key.Binding
	LoadAll   key.Binding
	Edit      key.Binding
	EditExt   key.Binding
	New       key.Binding
	Duplicate key.Binding
	Delete    key.Binding
	Mark      key.Binding
	Export    key.Binding
	Import    key.Binding
	Cancel    key.Binding // a running import or export
	Split     key.Binding // the item under the grid, following the cursor
	// with a model (sessions/model)
	Facet     key.Binding // the next entity type's grid
	FacetPrev key.Binding // the previous one's
	Patterns  key.Binding // the model's access patterns
	KeySpace  key.Binding // the key space: partitions, their entity types and sizes
	NewTable  key.Binding // in the tables list
	DropTable key.Binding // in the tables list
	// in a bar (a text input)
	Submit    key.Binding
	NextField key.Binding
	PrevField key.Binding
	Complete  key.Binding
	Leave     key.Binding
	Confirm   Confirm
}

// NewBrowser returns the browser keymap.
func NewBrowser() Browser {
	return Browser{
		List:      NewList(),
		Open:      bind(k("enter"), "enter", "open"),
		Back:      bind(k("esc"), "esc", "back"),
		Reload:    bind(k("r"), "r", "reload"),
		KeyCond:   bind(k("c"), "c", "key condition (Query)"),
		Filter:    bind(k("f"), "f", "filter expression"),
		Search:    bind(k("/"), "/", "search loaded rows"),
		Index:     bind(k("i"), "i", "switch index"),
		NextPage:  bind(k("n"), "n", "next page"),
		LoadAll:   bind(k("L"), "L", "load all pages"),
		Edit:      bind(k("e"), "e", "edit value inline"),
		EditExt:   bind(k("o"), "o", "edit in $EDITOR"),
		New:       bind(k("a"), "a", "new item"),
		Duplicate: bind(k("y"), "y", "duplicate"),
		Delete:    bind(k("d"), "d", "delete"),
		Mark:      bind(k(" "), "space", "mark, move down"),
		Export:    bind(k("x"), "x", "export to a file"),
		Import:    bind(k("I"), "I", "import a file"),
		Cancel:    bind(k("esc"), "esc", "cancel a running import/export"),
		Split:     bind(k("v"), "v", "split: the item under the grid"),
		Facet:     bind(k("t"), "t", "next entity type (facet)"),
		FacetPrev: bind(k("T"), "T", "previous entity type"),
		Patterns:  bind(k("p"), "p", "access patterns"),
		KeySpace:  bind(k("K"), "K", "key space (partitions)"),
		NewTable:  bind(k("n"), "n", "new table"),
		DropTable: bind(k("D"), "D", "delete table"),
		Submit:    bind(k("enter"), "enter", "run"),
		NextField: bind(k("down"), "↓", "next field"),
		PrevField: bind(k("up"), "↑", "previous field"),
		Complete:  bind(k("tab"), "tab", "complete"),
		Leave:     bind(k("esc"), "esc", "leave the bar"),
		Confirm:   NewConfirm(),
	}
}

// Streams are the change feed's keys.
type Streams struct {
	List   List
	Detail key.Binding
	Pause  key.Binding
	Table  key.Binding
	Filter key.Binding
	Clear  key.Binding
	Follow key.Binding
	Leave  key.Binding
}

// NewStreams returns the streams keymap.
func NewStreams() Streams {
	return Streams{
		List:   NewList(),
		Detail: bind(k("enter"), "enter", "old → new"),
		Pause:  bind(k("p", " "), "p/space", "pause/resume"),
		Table:  bind(k("t"), "t", "one table / all"),
		Filter: bind(k("/"), "/", "filter"),
		Clear:  bind(k("c"), "c", "clear"),
		Follow: bind(k("F"), "F", "follow newest"),
		Leave:  bind(k("esc"), "esc", "leave filter / close"),
	}
}

// Capacity are the capacity pane's keys.
type Capacity struct {
	List   List
	Window key.Binding
}

// NewCapacity returns the capacity keymap.
func NewCapacity() Capacity {
	return Capacity{
		List:   NewList(),
		Window: bind(k("w"), "w", "1 / 5 / 15 minutes"),
	}
}

// Activity are the activity pane's keys.
type Activity struct {
	List   List
	Detail key.Binding
	Errors key.Binding
	Back   key.Binding
}

// NewActivity returns the activity keymap.
func NewActivity() Activity {
	return Activity{
		List:   NewList(),
		Detail: bind(k("enter"), "enter", "full text"),
		Errors: bind(k("e"), "e", "errors only"),
		Back:   bind(k("esc"), "esc", "close"),
	}
}
