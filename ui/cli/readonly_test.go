package cli

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/smithy-go"

	"dynalab/engine/enginetest"
)

// TestServeReadOnly: serve --read-only answers reads and refuses a put
// from an SDK and from the aws CLI with the mode named, and leaves the
// file as it was.
func TestServeReadOnly(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	t.Parallel()
	bin := binary(t)
	dir := t.TempDir()
	path := filepath.Join(dir, "ro.db")
	seedDatabase(t, path, 3)
	before, _ := os.ReadFile(path)
	srv, endpoint := startBinary(t, bin, isolatedEnv(dir), "serve", "--data", path, "--read-only", "--listen", "127.0.0.1:0")
	defer func() { srv.Process.Kill(); srv.Wait() }()
	c := enginetest.NewClient(endpoint)
	ctx := enginetest.Ctx(t)
	out, err := c.Scan(ctx, &dynamodb.ScanInput{TableName: aws.String("Lab"), Select: types.SelectCount})
	if err != nil || out.Count != 3 {
		t.Fatalf("Scan: %v %v", out, err)
	}
	_, err = c.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String("Lab"), Item: map[string]types.AttributeValue{"PK": &types.AttributeValueMemberS{Value: "new"}}})
	var api smithy.APIError
	if !errors.As(err, &api) || api.ErrorCode() != "AccessDeniedException" || !strings.Contains(api.ErrorMessage(), "read-only (--read-only): PutItem is refused") {
		t.Fatalf("SDK PutItem: %v", err)
	}
	if _, err := exec.LookPath("aws"); err == nil {
		cmd := exec.Command("aws", "dynamodb", "put-item", "--endpoint-url", endpoint, "--table-name", "Lab", "--item", `{"PK":{"S":"cli"}}`)
		cmd.Env = append(os.Environ(), "AWS_ACCESS_KEY_ID=x", "AWS_SECRET_ACCESS_KEY=x", "AWS_DEFAULT_REGION=us-east-1", "AWS_REGION=us-east-1", "AWS_CONFIG_FILE=/dev/null", "AWS_MAX_ATTEMPTS=1")
		got, err := cmd.CombinedOutput()
		if err == nil || !strings.Contains(string(got), "AccessDeniedException") || !strings.Contains(string(got), "read-only (--read-only)") {
			t.Errorf("aws CLI put-item: %v\n%s", err, got)
		}
	} else {
		t.Log("no aws CLI here; CI installs it")
	}
	srv.Process.Kill()
	srv.Wait()
	if after, _ := os.ReadFile(path); !bytes.Equal(after, before) {
		t.Fatal("serve --read-only changed the file")
	}
}
