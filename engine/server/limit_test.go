package server_test

import (
	"bufio"
	"context"
	"io"
	"log"
	"net"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"dynalab/engine"
	"dynalab/engine/enginetest"
	"dynalab/engine/server"
)

// serveEngine runs Serve for db with opt on a loopback port until the test
// ends and returns its URL.
func serveEngine(t *testing.T, db *engine.DB, opt server.Options) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	if opt.ErrorLog == nil {
		opt.ErrorLog = log.New(io.Discard, "", 0)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- server.New(db, opt).Serve(ctx, ln) }()
	t.Cleanup(func() {
		cancel()
		<-done
	})
	return "http://" + ln.Addr().String()
}

// TestSlowBodiesDoNotLockOut: many clients that send headers and then
// trickle (here: stop) their bodies take every connection slot, yet a
// normal client is served, and CreateBackup, which opens a file, works (it
// used to answer 500 when slow clients had taken every file descriptor).
// Slow bodies are dropped with a 408 once they fall behind the minimum
// rate; and at the cap, a body that has been arriving for a second below
// that rate is closed to make room, whatever the grace.
func TestSlowBodiesDoNotLockOut(t *testing.T) {
	for _, tc := range []struct {
		name  string
		grace time.Duration
	}{
		{"dropped after the grace", 50 * time.Millisecond},
		{"evicted at the cap", time.Hour},
	} {
		t.Run(tc.name, func(t *testing.T) {
			db := enginetest.Open(t, engine.Options{Path: filepath.Join(t.TempDir(), "slow.db")})
			url := serveEngine(t, db, server.Options{MaxConnections: 4, BodyGrace: tc.grace, MinBodyRate: 1000})
			addr := strings.TrimPrefix(url, "http://")

			const slow = 8 // twice the cap
			conns := make([]net.Conn, slow)
			for i := range conns {
				c, err := net.Dial("tcp", addr)
				if err != nil {
					t.Fatal(err)
				}
				defer c.Close()
				// Headers, then 10 of the 1000 bytes promised, then nothing.
				io.WriteString(c, "POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-amz-json-1.0\r\n"+
					"X-Amz-Target: DynamoDB_20120810.ListTables\r\nContent-Length: 1000\r\n\r\n{\"Limit\":1")
				conns[i] = c
			}

			c := enginetest.NewClient(url)
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			if _, err := c.CreateTable(ctx, &dynamodb.CreateTableInput{
				TableName:            aws.String("Pets"),
				BillingMode:          types.BillingModePayPerRequest,
				AttributeDefinitions: []types.AttributeDefinition{{AttributeName: aws.String("pk"), AttributeType: types.ScalarAttributeTypeS}},
				KeySchema:            []types.KeySchemaElement{{AttributeName: aws.String("pk"), KeyType: types.KeyTypeHash}},
			}); err != nil {
				t.Fatalf("CreateTable behind %d slow clients: %v", slow, err)
			}
			if _, err := c.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String("Pets"),
				Item: map[string]types.AttributeValue{"pk": &types.AttributeValueMemberS{Value: "fido"}}}); err != nil {
				t.Fatalf("PutItem: %v", err)
			}
			if _, err := c.CreateBackup(ctx, &dynamodb.CreateBackupInput{TableName: aws.String("Pets"), BackupName: aws.String("during")}); err != nil {
				t.Fatalf("CreateBackup: %v", err)
			}
			if tc.grace == time.Hour {
				return // the slow clients not evicted still hold their slots
			}
			// Every slow client was answered 408 and its connection closed.
			for i, conn := range conns {
				conn.SetReadDeadline(time.Now().Add(30 * time.Second)) // a bound for a broken server, not a timing assertion
				resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
				if err != nil {
					t.Fatalf("slow client %d: %v, want a 408", i, err)
				}
				rest, err := io.ReadAll(resp.Body)
				resp.Body.Close()
				if resp.StatusCode != http.StatusRequestTimeout || err != nil || len(rest) != 0 {
					t.Errorf("slow client %d: %d %q %v", i, resp.StatusCode, rest, err)
				}
				if _, err := conn.Read(make([]byte, 1)); err != io.EOF {
					t.Errorf("slow client %d: connection left open (%v)", i, err)
				}
			}
		})
	}
}

// TestIdleConnectionsMakeRoom: at the connection cap, an idle keep-alive
// connection (SDKs keep them for 90 s) is closed to let a new client in,
// instead of the new client waiting for the idle timeout.
func TestIdleConnectionsMakeRoom(t *testing.T) {
	db := enginetest.Open(t, engine.Options{})
	url := serveEngine(t, db, server.Options{MaxConnections: 2, IdleTimeout: time.Hour})
	list := func(hc *http.Client) error {
		req, _ := http.NewRequest(http.MethodPost, url, strings.NewReader(`{}`))
		req.Header.Set("Content-Type", "application/x-amz-json-1.0")
		req.Header.Set("X-Amz-Target", "DynamoDB_20120810.ListTables")
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		resp, err := hc.Do(req.WithContext(ctx))
		if err != nil {
			return err
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != 200 {
			t.Errorf("ListTables: %d %s", resp.StatusCode, body)
		}
		return nil
	}
	var clients []*http.Client
	for range 5 { // each with its own connection pool: one idle connection each
		hc := &http.Client{Transport: &http.Transport{}}
		defer hc.Transport.(*http.Transport).CloseIdleConnections()
		clients = append(clients, hc)
		if err := list(hc); err != nil {
			t.Fatalf("client %d with %d idle connections at a cap of 2: %v", len(clients), len(clients)-1, err)
		}
	}
}

// TestSlowHeadersEvictedAtTheCap: connections that have not sent their
// request headers a second after connecting give up their slots to new
// clients at the cap, whatever ReadHeaderTimeout allows.
func TestSlowHeadersEvictedAtTheCap(t *testing.T) {
	db := enginetest.Open(t, engine.Options{})
	url := serveEngine(t, db, server.Options{MaxConnections: 2, ReadHeaderTimeout: time.Hour})
	addr := strings.TrimPrefix(url, "http://")
	for range 4 {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		io.WriteString(c, "POST / HTTP/1.1\r\nHost: x\r\n") // and no more
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if _, err := enginetest.NewClient(url).ListTables(ctx, &dynamodb.ListTablesInput{}); err != nil {
		t.Fatalf("behind four connections trickling headers at a cap of 2: %v", err)
	}
}
