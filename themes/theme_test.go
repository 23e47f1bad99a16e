package themes

import (
	"flag"
	"io"
	"strings"
	"testing"

	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"
)

// update accepts the workbench's -update flag, so that
// go test ./ui/... ./themes/... -update works; themes has no golden files.
var _ = flag.Bool("update", false, "update golden files (none here)")

func renderer(p termenv.Profile) *lipgloss.Renderer {
	r := lipgloss.NewRenderer(io.Discard)
	r.SetColorProfile(p)
	return r
}

func TestNamed(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"", NameDark}, {"dark", NameDark}, {"Light", NameLight}, {"hc", NameHighContrast},
		{"high-contrast", NameHighContrast}, {" highcontrast ", NameHighContrast},
	} {
		t.Run(tc.in, func(t *testing.T) {
			th, err := NamedFor(tc.in, renderer(termenv.TrueColor))
			if err != nil {
				t.Fatal(err)
			}
			if th.Name != tc.want {
				t.Errorf("name %q, want %q", th.Name, tc.want)
			}
		})
	}
	_, err := NamedFor("solarized", renderer(termenv.TrueColor))
	if err == nil || !strings.Contains(err.Error(), "dark, high-contrast, light") {
		t.Errorf("unknown theme error = %v", err)
	}
}

func TestTypeStylesDiffer(t *testing.T) {
	// Every type must be told apart from its neighbors in every built-in
	// theme where the types are shown side by side: S, N, B, BOOL, NULL, M, L.
	for _, name := range Names() {
		th, _ := NamedFor(name, renderer(termenv.TrueColor))
		seen := map[string]string{}
		for _, ty := range []string{"S", "N", "B", "BOOL", "NULL", "M"} {
			out := th.Type(ty).Render("x")
			if prev, ok := seen[out]; ok && name != NameHighContrast {
				t.Errorf("%s: %s and %s render alike", name, prev, ty)
			}
			seen[out] = ty
		}
		if th.Type("?").Render("x") != th.Text.Render("x") {
			t.Errorf("%s: unknown type is not plain text", name)
		}
	}
}

func TestNoColor(t *testing.T) {
	th, _ := NamedFor("dark", renderer(termenv.Ascii))
	if !th.NoColor {
		t.Fatal("Ascii renderer: NoColor not set")
	}
	out := th.Type("N").Render("5") + th.Error.Render("bad") + th.Selection.Render("row")
	if strings.Contains(out, "38;") || strings.Contains(out, "48;") {
		t.Errorf("colors under NO_COLOR: %q", out)
	}
}

func TestNoColorEnv(t *testing.T) {
	t.Setenv("NO_COLOR", "1")
	r := lipgloss.NewRenderer(io.Discard, termenv.WithTTY(true), termenv.WithProfile(termenv.TrueColor))
	th := New("dark", Dark, r)
	if !th.NoColor {
		t.Error("NO_COLOR set: NoColor not set")
	}
	if out := th.Accent.Render("x") + th.Selection.Render("x") + th.StatusBar.Render("x"); strings.Contains(out, "38;") || strings.Contains(out, "48;") {
		t.Errorf("NO_COLOR set: color in %q", out)
	}
	if out := th.Selection.Render("row"); !strings.Contains(out, "7m") {
		t.Errorf("NO_COLOR: selection is not reverse video: %q", out)
	}
}
