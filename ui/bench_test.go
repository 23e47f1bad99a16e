package ui

import (
	"context"
	"fmt"
	"testing"

	tea "github.com/charmbracelet/bubbletea"

	"dynalab/engine/attr"
	"dynalab/sessions"
	"dynalab/ui/internal/uitest"
)

// benchApp is the workbench at 120×40 whose REPL shows a result of n rows.
func benchApp(b *testing.B, n int) *App {
	be := uitest.NewBackend(b)
	items := make([]attr.Item, n)
	for i := range items {
		items[i] = attr.Item{"PK": attr.S(fmt.Sprintf("USER#%06d", i)), "SK": attr.S("PROFILE"), "age": attr.Int(int64(i % 90)), "name": attr.S("someone")}
	}
	be.RunFunc = func(context.Context, string, []attr.Value, string) (*sessions.Result, error) {
		return &sessions.Result{Items: items, Count: n, ScannedCount: n, Operation: "Scan", Capacity: 12.5}, nil
	}
	a, err := New(context.Background(), Options{Backend: be, Theme: uitest.Theme(b, "dark"), Clock: uitest.Clock})
	if err != nil {
		b.Fatal(err)
	}
	d := appDriver{a}
	uitest.Drive(b, d, tea.WindowSizeMsg{Width: 120, Height: 40})
	uitest.Drive(b, d, uitest.Paste(`SELECT * FROM "AppTable";`), uitest.Key("enter"), uitest.Key("esc"))
	return a
}

func benchScroll(b *testing.B, n int) {
	a := benchApp(b, n)
	up, down := uitest.Key("k"), uitest.Key("j")
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		k := up
		if i%200 >= 100 {
			k = down
		}
		i++
		a.Update(k)
		_ = a.View()
	}
}

// BenchmarkAppScrollFrame1k is a key scrolling the REPL's result and the
// whole screen after it (REPL, streams pane, status bar), 1,000 rows.
func BenchmarkAppScrollFrame1k(b *testing.B) { benchScroll(b, 1_000) }

// BenchmarkAppScrollFrame100k is the same with a 100,000-row result.
func BenchmarkAppScrollFrame100k(b *testing.B) { benchScroll(b, 100_000) }

// BenchmarkFirstFrame is the workbench from New to its first drawn frame
// at 120×40 (the backend's own start is not counted).
func BenchmarkFirstFrame(b *testing.B) {
	be := uitest.NewBackend(b)
	th := uitest.Theme(b, "dark")
	b.ReportAllocs()
	for b.Loop() {
		a, err := New(context.Background(), Options{Backend: be, Theme: th, Clock: uitest.Clock})
		if err != nil {
			b.Fatal(err)
		}
		_ = a.Init()
		a.Update(tea.WindowSizeMsg{Width: 120, Height: 40})
		_ = a.View()
	}
}

// benchBurst is 30 letters that arrive in one message (j, then k: down and
// back up the REPL's result) and the frame after them, n rows loaded.
func benchBurst(b *testing.B, n int) {
	a := benchApp(b, n)
	down := tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("jjjjjjjjjjjjjjjjjjjjjjjjjjjjjj")}
	up := tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("kkkkkkkkkkkkkkkkkkkkkkkkkkkkkk")}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		k := down
		if i%2 == 1 {
			k = up
		}
		i++
		a.Update(k)
		_ = a.View()
	}
}

// BenchmarkAppLetterBurst30x10k: a 30-letter burst and its frame, 10,000 rows.
func BenchmarkAppLetterBurst30x10k(b *testing.B) { benchBurst(b, 10_000) }

// BenchmarkAppLetterBurst30x100k: the same with 100,000 rows.
func BenchmarkAppLetterBurst30x100k(b *testing.B) { benchBurst(b, 100_000) }
