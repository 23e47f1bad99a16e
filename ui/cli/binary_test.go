package cli

import (
	"bufio"
	"bytes"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sync"
	"testing"
)

// The process-level tests share one build of the binary (the module's main
// package, "dynalab", built from this directory), made on first use and
// removed when the tests end. They run in parallel with each other (after
// the in-process tests, which set the environment), four at once: most of
// their time is spent waiting on a server, a kill or a terminal.
var (
	binOnce sync.Once
	binDir  string
	binPath string
	binErr  error
)

func TestMain(m *testing.M) {
	// The process-level tests mostly wait on their processes; run four at
	// once even on two cores, unless -parallel says otherwise.
	flag.Parse()
	parallel := false
	flag.Visit(func(f *flag.Flag) { parallel = parallel || f.Name == "test.parallel" })
	if !parallel && runtime.GOMAXPROCS(0) < 4 {
		_ = flag.Set("test.parallel", "4")
	}
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

// isolatedEnv is the environment (added to the test's) in which the
// binary keeps its data under dir/home and sees an empty AWS config
// chain, as sessionHome arranges for in-process commands.
func isolatedEnv(dir string) []string {
	return []string{
		"DYNALAB_HOME=" + filepath.Join(dir, "home"),
		"AWS_ACCESS_KEY_ID=", "AWS_SECRET_ACCESS_KEY=", "AWS_SESSION_TOKEN=", "AWS_PROFILE=", "AWS_REGION=", "AWS_DEFAULT_REGION=",
		"AWS_CONFIG_FILE=" + filepath.Join(dir, "aws-config"),
		"AWS_SHARED_CREDENTIALS_FILE=" + filepath.Join(dir, "aws-credentials"),
		"AWS_EC2_METADATA_DISABLED=true",
	}
}

// runBinary runs the binary and returns its exit code and output.
func runBinary(t *testing.T, bin string, env []string, args ...string) (int, string, string) {
	t.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Env = append(os.Environ(), env...)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err := cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return code, out.String(), errOut.String()
}

// startBinary starts the binary and returns it with the first line of its
// output (a server's endpoint); the rest of its output is discarded.
func startBinary(t *testing.T, bin string, env []string, args ...string) (*exec.Cmd, string) {
	t.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Env = append(os.Environ(), env...)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	lines := bufio.NewScanner(stdout)
	if !lines.Scan() {
		_ = cmd.Wait()
		t.Fatalf("dynalab %v printed nothing; stderr: %s", args, stderr.String())
	}
	go func() { _, _ = io.Copy(io.Discard, stdout) }()
	return cmd, lines.Text()
}

// startServer runs "dynalab serve --sync always" on path and returns it
// with its endpoint.
func startServer(t *testing.T, bin, path string) (*exec.Cmd, string) {
	t.Helper()
	return startBinary(t, bin, nil, "serve", "--data", path, "--listen", "127.0.0.1:0", "--sync", "always")
}
