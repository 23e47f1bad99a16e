package cli

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"
)

// The README's shell examples are a script, run top to bottom by
// TestREADME the way a new user would copy them: every ```sh block, in
// order, with bash, the built binary on PATH as dynalab, a fresh data
// directory (DYNALAB_HOME) and an empty AWS configuration. Shell state
// (variables, exports, functions) carries from one block to the next, and
// every command must succeed (set -e -o pipefail).
//
// An HTML comment on the line just before a block's fence — invisible
// when the README is rendered — says how to treat it:
//
//	<!-- readme-test: skip (REASON) -->  not run (installs, the test suite, interactive use)
//	<!-- readme-test: needs CMD ... -->  run only when each CMD is on PATH, else skipped with
//	                                     a logged reason; a block that builds on an earlier
//	                                     block needing CMD names it too
//	<!-- readme-test: server -->         each line is a `dynalab serve …` command; the first
//	                                     becomes the walkthrough's server (the one before it is
//	                                     stopped first), the others are started, checked to
//	                                     print their endpoint and stopped
//	<!-- readme-test: start-stop -->     each line is a server command that is started,
//	                                     checked to print its endpoint and stopped
//
// The examples use the default address, 127.0.0.1:8000, which another
// program may hold: the test never binds it. A server command that names
// no --listen gets --listen 127.0.0.1:0 (and 127.0.0.1:0 replaces
// 127.0.0.1:8000 in it). In the other blocks 127.0.0.1:8000 stands for
// the address of a forwarder the test runs, which passes each connection
// on to the walkthrough's server of the moment: a variable set to the
// endpoint (E=http://127.0.0.1:8000) stays right when a later block
// restarts the server, as it does for a user whose servers all take
// 127.0.0.1:8000. A command that forgets --endpoint-url finds
// AWS_ENDPOINT_URL pointing at a closed port, not the cloud (aws CLI
// 1.29 and 2.13 on, per their changelogs; an older one fails there on the
// placeholder credentials).
//
// Servers are stopped with an interrupt (Ctrl+C) and must shut down
// cleanly. The workbench, run without a terminal, checks its flags and
// prints its help, so a block may show how to open it.

// readmeDirective is the comment that annotates a block.
var readmeDirective = regexp.MustCompile(`^<!--\s*readme-test:\s*(.*?)\s*-->$`)

// readmeBlock is one ```sh block of README.md.
type readmeBlock struct {
	line   int      // README.md's line number of the block's opening fence
	code   string   // the block's text
	skip   string   // why it is not run ("" to run it)
	needs  []string // commands it needs on PATH
	server bool     // its first command is the walkthrough's server
	probe  bool     // its commands are servers to start and stop
}

// readmeBlocks extracts the sh blocks of a README and their directives.
func readmeBlocks(text string) ([]readmeBlock, error) {
	var blocks []readmeBlock
	lines := strings.Split(text, "\n")
	directive, directiveLine := "", 0
	for i := 0; i < len(lines); i++ {
		line := strings.TrimSpace(lines[i])
		if m := readmeDirective.FindStringSubmatch(line); m != nil {
			directive, directiveLine = m[1], i+1
			continue
		}
		if !strings.HasPrefix(line, "```") {
			if directive != "" {
				return nil, fmt.Errorf("README.md:%d: a readme-test comment must be on the line just before a ``` fence", directiveLine)
			}
			continue
		}
		// A fenced block: find its end whatever its language, so that a
		// fence inside it is not taken for a new block.
		lang := strings.TrimSpace(strings.TrimPrefix(line, "```"))
		start := i
		var code []string
		for i++; i < len(lines) && strings.TrimSpace(lines[i]) != "```"; i++ {
			code = append(code, lines[i])
		}
		if i == len(lines) {
			return nil, fmt.Errorf("README.md:%d: the block is never closed", start+1)
		}
		d := directive
		directive = ""
		if lang != "sh" && lang != "bash" {
			if d != "" {
				return nil, fmt.Errorf("README.md:%d: a readme-test comment on a %q block, not a shell one", directiveLine, lang)
			}
			continue
		}
		b := readmeBlock{line: start + 1, code: strings.Join(code, "\n") + "\n"}
		switch word, rest, _ := strings.Cut(d, " "); word {
		case "":
		case "skip":
			reason := strings.TrimSpace(rest)
			if len(reason) < 3 || reason[0] != '(' || reason[len(reason)-1] != ')' {
				return nil, fmt.Errorf("README.md:%d: skip needs a reason: <!-- readme-test: skip (why) -->", directiveLine)
			}
			b.skip = reason[1 : len(reason)-1]
		case "needs":
			b.needs = strings.Fields(rest)
			if len(b.needs) == 0 {
				return nil, fmt.Errorf("README.md:%d: needs names no command", directiveLine)
			}
		case "server", "start-stop":
			if rest != "" {
				return nil, fmt.Errorf("README.md:%d: %s takes nothing after it", directiveLine, word)
			}
			b.server, b.probe = word == "server", word == "start-stop"
		default:
			return nil, fmt.Errorf("README.md:%d: unknown readme-test directive %q (skip (why), needs CMD..., server, start-stop)", directiveLine, d)
		}
		blocks = append(blocks, b)
	}
	if directive != "" {
		return nil, fmt.Errorf("README.md:%d: a readme-test comment must be on the line just before a ``` fence", directiveLine)
	}
	return blocks, nil
}

// commandLines returns a block's commands: its lines with continuations
// joined, without blank and comment-only lines.
func commandLines(code string) []string {
	var cmds []string
	cur := ""
	for _, l := range strings.Split(code, "\n") {
		if strings.HasSuffix(l, "\\") {
			cur += strings.TrimSuffix(l, "\\") + " "
			continue
		}
		cur += l
		if s := strings.TrimSpace(cur); s != "" && !strings.HasPrefix(s, "#") {
			cmds = append(cmds, s)
		}
		cur = ""
	}
	return cmds
}

// withListen gives a `dynalab serve` command that names no --listen a
// free port, so that it never binds the README's 127.0.0.1:8000.
func withListen(cmd string) (string, error) {
	const serve = "dynalab serve"
	i := strings.Index(cmd, serve)
	if i < 0 {
		return "", fmt.Errorf("not a %q command: %s", serve, cmd)
	}
	if strings.Contains(cmd, "--listen") {
		return cmd, nil
	}
	i += len(serve)
	return cmd[:i] + " --listen 127.0.0.1:0" + cmd[i:], nil
}

// readmeShell runs a README's blocks: one bash per block, carrying shell
// state from each to the next through a file.
type readmeShell struct {
	dir   string     // the working directory (files the blocks write land here)
	env   []string   // the whole environment of the blocks
	state string     // the file of shell state one block leaves to the next
	fwd   *forwarder // the stand-in for 127.0.0.1:8000
}

// stateVars matches the shell's own variables, which the state file must
// not assign (most are read-only or describe the running shell).
const stateVars = `^(BASH.*|COMP.*|DIRSTACK|EPOCH.*|EUID|FUNCNAME|GROUPS|HIST.*|HOSTNAME|HOSTTYPE|IFS|LINENO|MACHTYPE|OLDPWD|OPT.*|OSTYPE|PIPESTATUS|PPID|PS[0-9]|PWD|RANDOM|SECONDS|SHELL|SHELLOPTS|SHLVL|SRANDOM|UID|_)$`

// script is the bash program that runs code with the state of the blocks
// before it and, if it succeeds, saves the state for the next.
func (s *readmeShell) script(code string) string {
	return `set -e -o pipefail
source "$READMETEST_STATE"
` + code + `
{ declare -p $(compgen -v | grep -Ev '` + stateVars + `') | grep -Ev '^declare -[a-zA-Z]*r'; declare -f; } >"$READMETEST_STATE.next"
mv "$READMETEST_STATE.next" "$READMETEST_STATE"
`
}

func (s *readmeShell) command(ctx context.Context, script string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, "bash", "-c", script)
	cmd.Dir = s.dir
	cmd.Env = append(s.env[:len(s.env):len(s.env)], "READMETEST_STATE="+s.state)
	cmd.WaitDelay = 5 * time.Second
	return cmd
}

// substitute replaces the README's default address with the forwarder's.
func (s *readmeShell) substitute(t *testing.T, b readmeBlock, code string) string {
	t.Helper()
	if !strings.Contains(code, "127.0.0.1:8000") {
		return code
	}
	if s.fwd.target() == "" {
		t.Fatalf("README.md:%d: the block uses 127.0.0.1:8000 before any block started a server (<!-- readme-test: server -->)", b.line)
	}
	return strings.ReplaceAll(code, "127.0.0.1:8000", s.fwd.addr())
}

// forwarder passes the connections it accepts on to the walkthrough's
// server of the moment.
type forwarder struct {
	ln    net.Listener
	mu    sync.Mutex
	to    string            // the server's address; "" refuses connections
	conns map[net.Conn]bool // open connections, both sides
	wg    sync.WaitGroup    // the accept loop and the copies
}

func newForwarder(t *testing.T) *forwarder {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	f := &forwarder{ln: ln, conns: map[net.Conn]bool{}}
	f.wg.Add(1)
	go f.accept()
	t.Cleanup(f.close)
	return f
}

func (f *forwarder) addr() string { return f.ln.Addr().String() }

func (f *forwarder) target() string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.to
}

// point sends new connections to addr; open ones are closed (the server
// they reached is stopping).
func (f *forwarder) point(addr string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.to = addr
	for c := range f.conns {
		c.Close()
	}
}

func (f *forwarder) accept() {
	defer f.wg.Done()
	for {
		c, err := f.ln.Accept()
		if err != nil {
			return // closed
		}
		f.wg.Add(1)
		go f.serve(c)
	}
}

// serve copies between c and a connection to the server until either
// side closes.
func (f *forwarder) serve(c net.Conn) {
	defer f.wg.Done()
	defer c.Close()
	to := f.target()
	if to == "" {
		return
	}
	s, err := net.Dial("tcp", to)
	if err != nil {
		return
	}
	defer s.Close()
	f.mu.Lock()
	f.conns[c], f.conns[s] = true, true
	f.mu.Unlock()
	defer func() {
		f.mu.Lock()
		delete(f.conns, c)
		delete(f.conns, s)
		f.mu.Unlock()
	}()
	done := make(chan struct{})
	go func() {
		_, _ = io.Copy(s, c)
		s.Close() // ends the copy below
		close(done)
	}()
	_, _ = io.Copy(c, s)
	c.Close() // ends the copy above
	<-done
}

func (f *forwarder) close() {
	f.ln.Close()
	f.point("")
	f.wg.Wait()
}

// run runs one block and fails the test if it fails.
func (s *readmeShell) run(t *testing.T, b readmeBlock) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	cmd := s.command(ctx, s.script(s.substitute(t, b, b.code)))
	cmd.Stdin = nil // reads see end of input: nothing waits on a terminal
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	if err != nil {
		status := err.Error()
		if ee, ok := err.(*exec.ExitError); ok {
			status = fmt.Sprintf("exit status %d", ee.ExitCode())
		}
		if ctx.Err() != nil {
			status += " (killed after 3 minutes)"
		}
		t.Fatalf("README.md:%d: the block failed (%s):\n%s\noutput:\n%s", b.line, status, indent(b.code), indent(out.String()))
	}
	t.Logf("README.md:%d: output:\n%s", b.line, indent(out.String()))
}

func indent(s string) string {
	return "    " + strings.ReplaceAll(strings.TrimRight(s, "\n"), "\n", "\n    ")
}

// readmeServer is a server a block started.
type readmeServer struct {
	line     int    // the README line of its block
	command  string // as run
	cmd      *exec.Cmd
	out      *lockedBuffer // stdout and stderr
	endpoint string
	done     chan struct{} // closed when it exits; then err is set
	err      error
}

// firstLine is a writer that reports the first line written to it.
type firstLine struct {
	out  *lockedBuffer
	mu   sync.Mutex
	buf  []byte // what came before the first newline; nil once it came
	line chan string
}

func (w *firstLine) Write(p []byte) (int, error) {
	w.out.Write(p)
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.line == nil {
		return len(p), nil
	}
	w.buf = append(w.buf, p...)
	if i := bytes.IndexByte(w.buf, '\n'); i >= 0 {
		w.line <- string(w.buf[:i]) // buffered: never blocks
		w.line, w.buf = nil, nil
	}
	return len(p), nil
}

// start starts a server command of block b and waits for its endpoint.
func (s *readmeShell) start(t *testing.T, b readmeBlock, command string) *readmeServer {
	t.Helper()
	command, err := withListen(command)
	if err != nil {
		t.Fatalf("README.md:%d: %v", b.line, err)
	}
	// The address a server would take: any free one.
	command = strings.ReplaceAll(command, "127.0.0.1:8000", "127.0.0.1:0")
	srv := &readmeServer{line: b.line, command: command, out: &lockedBuffer{}, done: make(chan struct{})}
	// exec: the interrupt reaches dynalab itself, not a shell around it.
	srv.cmd = s.command(context.Background(), "set -e\nsource \"$READMETEST_STATE\"\nexec "+command)
	lines := make(chan string, 1)
	srv.cmd.Stdout, srv.cmd.Stderr = &firstLine{out: srv.out, line: lines}, srv.out
	if err := srv.cmd.Start(); err != nil {
		t.Fatalf("README.md:%d: %s: %v", b.line, command, err)
	}
	go func() {
		srv.err = srv.cmd.Wait()
		close(srv.done)
	}()
	t.Cleanup(func() {
		select {
		case <-srv.done:
		default:
			_ = srv.cmd.Process.Kill()
			<-srv.done
		}
	})
	select {
	case line := <-lines:
		if !strings.HasPrefix(line, "http://127.0.0.1:") && !strings.HasPrefix(line, "https://127.0.0.1:") {
			t.Fatalf("README.md:%d: %s: the first line of output is %q, not its endpoint", b.line, command, line)
		}
		srv.endpoint = line
	case <-srv.done:
		t.Fatalf("README.md:%d: %s: exited before serving (%v):\n%s", b.line, command, srv.err, indent(srv.out.String()))
	}
	return srv
}

// stop interrupts the server, as Ctrl+C does, and fails the test unless
// it shuts down cleanly.
func (srv *readmeServer) stop(t *testing.T) {
	t.Helper()
	if err := srv.cmd.Process.Signal(os.Interrupt); err != nil {
		t.Fatalf("README.md:%d: interrupt %s: %v", srv.line, srv.command, err)
	}
	select {
	case <-srv.done:
	case <-time.After(time.Minute): // a bound on a hung shutdown, not a timing assertion
		_ = srv.cmd.Process.Kill()
		<-srv.done
		t.Fatalf("README.md:%d: %s did not stop within a minute of an interrupt:\n%s", srv.line, srv.command, indent(srv.out.String()))
	}
	if srv.err != nil || !strings.Contains(srv.out.String(), "shut down cleanly") {
		t.Fatalf("README.md:%d: %s did not shut down cleanly on an interrupt (%v):\n%s", srv.line, srv.command, srv.err, indent(srv.out.String()))
	}
	t.Logf("README.md:%d: %s:\n%s", srv.line, srv.command, indent(srv.out.String()))
}

// TestREADMEBlocks: the directives are read, and mistakes in them are
// reported with their line.
func TestREADMEBlocks(t *testing.T) {
	blocks, err := readmeBlocks("# x\n\n<!-- readme-test: skip (installs) -->\n```sh\ngo install .\n```\n\n```json\n{}\n```\n<!-- readme-test: needs aws jq -->\n```sh\naws a \\\n  b   # c\n# d\n\ne\n```\n<!-- readme-test: server -->\n```bash\ndynalab serve\n```\n")
	if err != nil {
		t.Fatal(err)
	}
	if len(blocks) != 3 || blocks[0].line != 4 || blocks[0].skip != "installs" ||
		blocks[1].line != 12 || strings.Join(blocks[1].needs, ",") != "aws,jq" || blocks[1].skip != "" ||
		!blocks[2].server || blocks[2].probe || blocks[2].line != 20 {
		t.Fatalf("blocks %+v", blocks)
	}
	if got := commandLines(blocks[1].code); len(got) != 2 || got[0] != "aws a    b   # c" || got[1] != "e" {
		t.Errorf("commands %q", got)
	}
	for _, bad := range []string{
		"<!-- readme-test: skip -->\n```sh\nx\n```\n",
		"<!-- readme-test: skip () -->\n```sh\nx\n```\n",
		"<!-- readme-test: needs -->\n```sh\nx\n```\n",
		"<!-- readme-test: serve -->\n```sh\nx\n```\n",
		"<!-- readme-test: server now -->\n```sh\nx\n```\n",
		"<!-- readme-test: skip (x) -->\n\n```sh\nx\n```\n",
		"<!-- readme-test: skip (x) -->\n```json\n{}\n```\n",
		"<!-- readme-test: skip (x) -->\n",
		"```sh\nx\n",
	} {
		if _, err := readmeBlocks(bad); err == nil || !strings.Contains(err.Error(), "README.md:") {
			t.Errorf("%q: error %v", bad, err)
		}
	}
	for cmd, want := range map[string]string{
		"dynalab serve": "dynalab serve --listen 127.0.0.1:0",
		"dynalab serve --s3-dir ./s3   # bucket B":       "dynalab serve --listen 127.0.0.1:0 --s3-dir ./s3   # bucket B",
		"dynalab serve --in-memory --listen 127.0.0.1:0": "dynalab serve --in-memory --listen 127.0.0.1:0",
	} {
		if got, err := withListen(cmd); err != nil || got != want {
			t.Errorf("withListen(%q) = %q, %v; want %q", cmd, got, err, want)
		}
	}
	if _, err := withListen("aws dynamodb list-tables"); err == nil {
		t.Error("withListen took a command that is no server")
	}
}

// TestREADME runs the README's shell blocks in order (see the top of this
// file).
func TestREADME(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the README's examples with the built binary")
	}
	if runtime.GOOS == "windows" {
		t.Skip("the README's examples are bash, and its servers stop on an interrupt")
	}
	if _, err := exec.LookPath("bash"); err != nil {
		t.Skip("no bash to run the README's examples")
	}
	text, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	blocks, err := readmeBlocks(string(text))
	if err != nil {
		t.Fatal(err)
	}
	t.Parallel()
	bin := binary(t)
	dir := t.TempDir()
	work := filepath.Join(dir, "work")
	if err := os.Mkdir(work, 0o755); err != nil {
		t.Fatal(err)
	}
	s := &readmeShell{dir: work, state: filepath.Join(dir, "shell-state"), fwd: newForwarder(t)}
	if err := os.WriteFile(s.state, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	// The test's environment without AWS settings (the aws CLI takes an
	// empty AWS_PROFILE for a profile named ""), in a fresh home.
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "AWS_") && !strings.HasPrefix(kv, "DYNALAB_") && !strings.HasPrefix(kv, "PATH=") {
			s.env = append(s.env, kv)
		}
	}
	s.env = append(s.env,
		"DYNALAB_HOME="+filepath.Join(dir, "home"),
		"AWS_CONFIG_FILE="+filepath.Join(dir, "aws-config"),
		"AWS_SHARED_CREDENTIALS_FILE="+filepath.Join(dir, "aws-credentials"),
		"AWS_EC2_METADATA_DISABLED=true",
		"PATH="+filepath.Dir(bin)+string(os.PathListSeparator)+os.Getenv("PATH"),
		"AWS_ENDPOINT_URL=http://127.0.0.1:1",      // a closed port: never the cloud
		"AWS_PAGER=",                               // aws CLI v2 pages its output through less
		"NO_COLOR=1",                               // plain output in the test's log
		"XDG_DATA_HOME="+filepath.Join(dir, "xdg"), // unused while DYNALAB_HOME is set
	)
	var walkthrough *readmeServer
	defer func() {
		if walkthrough != nil && !t.Failed() {
			walkthrough.stop(t)
		}
	}()
	ran, skipped := 0, 0
	for _, b := range blocks {
		if b.skip != "" {
			t.Logf("README.md:%d: skipped: %s", b.line, b.skip)
			skipped++
			continue
		}
		var missing []string
		for _, c := range b.needs {
			if _, err := exec.LookPath(c); err != nil {
				missing = append(missing, c)
			}
		}
		if len(missing) > 0 {
			t.Logf("README.md:%d: skipped: needs %s, not on PATH", b.line, strings.Join(missing, ", "))
			skipped++
			continue
		}
		begin := time.Now()
		switch {
		case b.server || b.probe:
			cmds := commandLines(b.code)
			if len(cmds) == 0 {
				t.Fatalf("README.md:%d: a server block without a command", b.line)
			}
			for i, c := range cmds {
				if i == 0 && b.server {
					if walkthrough != nil {
						walkthrough.stop(t)
					}
					walkthrough = s.start(t, b, c)
					s.fwd.point(strings.TrimPrefix(strings.TrimPrefix(walkthrough.endpoint, "http://"), "https://"))
					continue
				}
				s.start(t, b, c).stop(t)
			}
		default:
			s.run(t, b)
		}
		ran++
		t.Logf("README.md:%d: ran in %v", b.line, time.Since(begin).Round(time.Millisecond))
	}
	t.Logf("%d blocks ran, %d skipped", ran, skipped)
}
