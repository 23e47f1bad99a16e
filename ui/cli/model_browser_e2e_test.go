package cli

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestWorkbenchShowsModelInTmux: after `dynalab model apply` of the
// single-table sample's model file, the workbench's Browser reads the
// model the session kept: t switches to the User facet's grid (name and
// email columns), p lists the access patterns with the plans the
// embedded engine's EXPLAIN gives, and K shows the key space with each
// collection's entity types.
func TestWorkbenchShowsModelInTmux(t *testing.T) {
	if _, err := exec.LookPath("tmux"); err != nil {
		t.Skip("needs tmux (CI installs it: apt-get install tmux)")
	}
	if testing.Short() {
		t.Skip("end-to-end test")
	}
	t.Parallel()
	dir := t.TempDir()
	bin := binary(t)
	home := filepath.Join(dir, "home")
	env := []string{"DYNALAB_HOME=" + home}
	file, err := filepath.Abs("../../sessions/samples/data/single-table/model.json")
	if err != nil {
		t.Fatal(err)
	}
	if code, out, errOut := runBinary(t, bin, env, "model", "apply", file); code != 0 {
		t.Fatalf("model apply: exit %d\n%s\n%s", code, out, errOut)
	}
	session := fmt.Sprintf("dynalab-model-e2e-%d", os.Getpid())
	tm := startTmux(t, session,
		fmt.Sprintf("env DYNALAB_HOME=%s TERM=xterm-256color %s --no-listen -t AppTable; echo EXITED $? > %s/exit; sleep 30", home, bin, dir))
	keys := func(k ...string) { tm.run(append([]string{"send-keys", "-t", "wb"}, k...)...) }
	tm.waitFor("the facet strip", func(s string) bool { return strings.Contains(s, "t types all 41") })

	keys("t", "t", "t", "t", "t") // Address, EmailIndex, Order, StatusIndex, User
	s := tm.waitFor("the User facet", func(s string) bool { return strings.Contains(s, "entity type User: 5 of 41") })
	for _, want := range []string{"name S", "email S", "alice@example.com"} {
		if !strings.Contains(s, want) {
			t.Errorf("User grid lacks %q:\n%s", want, s)
		}
	}
	if strings.Contains(s, "ORDER#") {
		t.Errorf("User grid shows orders:\n%s", s)
	}

	keys("p")
	s = tm.waitFor("the access patterns", func(s string) bool {
		return strings.Contains(s, "user-orders-by-status") && !strings.Contains(s, "explaining")
	})
	for _, want := range []string{"order-by-id", "Query on GSI1", "user-orders-by-status-multi", "Query on GSI2-multi", "RCU"} {
		if !strings.Contains(s, want) {
			t.Errorf("patterns lack %q:\n%s", want, s)
		}
	}

	// Esc and K sent together would read as Alt+K: wait for the grid.
	keys("Escape")
	tm.waitFor("the items", func(s string) bool { return strings.Contains(s, "t types all 41") })
	keys("K")
	s = tm.waitFor("the key space, counted", func(s string) bool {
		return strings.Contains(s, "key space of the table by PK") && !strings.Contains(s, "counting…")
	})
	for _, want := range []string{"partitions · 41 items", "USER#u123", "Address 2 · Order 5 · User 1", "STATUS#PAID"} {
		if !strings.Contains(s, want) {
			t.Errorf("key space lacks %q:\n%s", want, s)
		}
	}
	tm.quit(filepath.Join(dir, "exit"))
}
