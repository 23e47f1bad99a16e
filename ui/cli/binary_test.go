package cli

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
)

// The process-level tests share one build of the binary (the module's main
// package, "dynalab", built from this directory), made on first use and
// removed when the tests end.
var (
	binOnce sync.Once
	binDir  string
	binPath string
	binErr  error
)

func TestMain(m *testing.M) {
	code := m.Run()
	if binDir != "" {
		os.RemoveAll(binDir)
	}
	os.Exit(code)
}

// binary returns the path of the built dynalab binary, skipping the test
// where no go command can build it.
func binary(t testing.TB) string {
	t.Helper()
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("no go command to build the binary")
	}
	binOnce.Do(func() {
		if binDir, binErr = os.MkdirTemp("", "dynalab-bin-"); binErr != nil {
			return
		}
		binPath = filepath.Join(binDir, "dynalab")
		if out, err := exec.Command("go", "build", "-o", binPath, "dynalab").CombinedOutput(); err != nil {
			binErr = fmt.Errorf("build: %v\n%s", err, out)
		}
	})
	if binErr != nil {
		t.Fatal(binErr)
	}
	return binPath
}
