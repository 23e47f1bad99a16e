package widgets

import (
	"slices"

	"dynalab/engine/attr"
	"dynalab/themes"
)

// DiffKind says how an attribute differs between two versions of an item.
type DiffKind uint8

// The kinds of difference.
const (
	DiffSame    DiffKind = iota // present in both, equal
	DiffAdded                   // only in the new version
	DiffRemoved                 // only in the old version
	DiffChanged                 // in both, different (in value or type)
)

// DiffEntry is one attribute of a diff.
type DiffEntry struct {
	Name     string
	Kind     DiffKind
	Old, New attr.Value // zero when absent
}

// Diff compares two versions of an item attribute by attribute, key
// attributes first, then the rest in byte order. Equal means equal bytes in
// the service's encoding, so "5" → "5.0" (which the service stores as 5)
// is not a change but S "5" → N 5 is.
func Diff(old, new attr.Item, keyNames []string) []DiffEntry {
	names := presentKeys(old, new, keyNames)
	var rest []string
	for _, it := range []attr.Item{old, new} {
		for n := range it {
			if !slices.Contains(keyNames, n) && !slices.Contains(rest, n) {
				rest = append(rest, n)
			}
		}
	}
	slices.Sort(rest)
	names = append(names, rest...)
	out := make([]DiffEntry, 0, len(names))
	for _, n := range names {
		o, inOld := old[n]
		nv, inNew := new[n]
		e := DiffEntry{Name: n, Old: o, New: nv}
		switch {
		case inOld && !inNew:
			e.Kind = DiffRemoved
		case !inOld && inNew:
			e.Kind = DiffAdded
		case string(attr.AppendValue(nil, o)) != string(attr.AppendValue(nil, nv)):
			e.Kind = DiffChanged
		}
		out = append(out, e)
	}
	return out
}

func presentKeys(a, b attr.Item, keyNames []string) []string {
	var out []string
	for _, k := range keyNames {
		_, inA := a[k]
		_, inB := b[k]
		if inA || inB {
			out = append(out, k)
		}
	}
	return out
}

// Changes counts the entries that differ.
func Changes(d []DiffEntry) int {
	n := 0
	for _, e := range d {
		if e.Kind != DiffSame {
			n++
		}
	}
	return n
}

// DiffLines renders a diff with types: "~ price  N 10 → N 12",
// "+ tags  SS {a, b}", "- note  S x". Unchanged attributes are shown only
// when they are key attributes, as context.
func DiffLines(th *themes.Theme, d []DiffEntry, keyNames []string) []string {
	nameW := 0
	for _, e := range d {
		nameW = max(nameW, Width(e.Name))
	}
	nameW = min(nameW, 24)
	typed := func(v attr.Value) string {
		t := v.Type().String()
		return th.Type(t).Bold(true).Render(t) + " " + th.Type(t).Render(ValueText(v, 60))
	}
	var lines []string
	for _, e := range d {
		name := Pad(Truncate(e.Name, nameW), nameW)
		switch e.Kind {
		case DiffSame:
			if slices.Contains(keyNames, e.Name) {
				lines = append(lines, th.Muted.Render("  "+name+"  ")+typed(e.New)+th.Muted.Render("  (key)"))
			}
		case DiffAdded:
			lines = append(lines, th.Added.Render("+ "+name)+"  "+typed(e.New))
		case DiffRemoved:
			lines = append(lines, th.Removed.Render("- "+name)+"  "+typed(e.Old))
		case DiffChanged:
			lines = append(lines, th.Changed.Render("~ "+name)+"  "+typed(e.Old)+th.Muted.Render(" → ")+typed(e.New))
		}
	}
	return lines
}
