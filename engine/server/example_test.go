package server_test

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"

	"dynalab/engine"
	"dynalab/engine/server"
)

// A server whose dispatchers are chained, as main chains the engine with
// the PartiQL executor: each target goes to the first dispatcher serving it.
func Example() {
	tables := server.DispatcherFunc(func(_ context.Context, target string, _ []byte) ([]byte, engine.CallInfo, error) {
		if target != server.TargetPrefixDynamoDB+"ListTables" {
			return nil, engine.CallInfo{}, engine.ErrUnknownOperation
		}
		return []byte(`{"TableNames":["Pets"]}`), engine.CallInfo{Op: "ListTables"}, nil
	})
	partiql := server.DispatcherFunc(func(_ context.Context, target string, _ []byte) ([]byte, engine.CallInfo, error) {
		if target != server.TargetPrefixDynamoDB+"ExecuteStatement" {
			return nil, engine.CallInfo{}, engine.ErrUnknownOperation
		}
		return nil, engine.CallInfo{}, &engine.APIError{Code: engine.CodeValidation, Message: "Statement wasn't well formed"}
	})

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		panic(err)
	}
	ctx, stop := context.WithCancel(context.Background())
	done := make(chan error)
	go func() { done <- server.New(server.Chain{tables, partiql}, server.Options{}).Serve(ctx, ln) }()

	for _, op := range []string{"ListTables", "ExecuteStatement", "Scan"} {
		req, _ := http.NewRequest(http.MethodPost, "http://"+ln.Addr().String(), strings.NewReader(`{}`))
		req.Header.Set("Content-Type", "application/x-amz-json-1.0")
		req.Header.Set("X-Amz-Target", server.TargetPrefixDynamoDB+op)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			panic(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		fmt.Println(resp.StatusCode, string(body))
	}
	stop()
	fmt.Println("Serve:", <-done)
	// Output:
	// 200 {"TableNames":["Pets"]}
	// 400 {"__type":"com.amazon.coral.validate#ValidationException","message":"Statement wasn't well formed"}
	// 400 {"__type":"com.amazon.coral.service#UnknownOperationException"}
	// Serve: <nil>
}
