// Package server is dynalab's DynamoDB JSON 1.0 HTTP layer: the endpoint
// every AWS SDK and the aws CLI talk to.
//
// It knows the protocol, not the operations. A request is checked in the
// order the service checks it — method and Content-Type (404), JSON body
// (SerializationException), X-Amz-Target (UnknownOperationException),
// authentication (an optional hook) — and is then handed to a Dispatcher,
// which parses the body, runs the operation and returns the response JSON
// or an *engine.APIError. The server turns either into the wire form with
// the headers SDKs rely on: x-amzn-RequestId, x-amz-crc32 (validated by
// aws-sdk-go-v2), Content-Type echoing the request's, Content-Length and,
// for large bodies a client accepts compressed, Content-Encoding: gzip.
//
// The handler sits on every request, so it is written to cost little more
// than a no-op server: body buffers and gzip state are pooled, response
// headers are assigned pre-canonicalized into the header map, and a served
// request body is scanned only once, by the dispatcher. Only when the
// dispatcher does not serve the target does the server validate the JSON
// itself, so that malformed JSON is still reported before an unknown
// operation, as the service does.
//
// Serve bounds slow clients with read-header, read, write and idle
// timeouts (Options, with defaults fit for 16 MB batch requests) and speaks
// HTTPS when Options.TLS is set; SelfSignedCert makes a local certificate.
// The Authenticate hook (package engine/auth's Guard in dynalab serve
// --auth) sees the body's SHA-256 as sent, for SigV4, and returns a note
// for the request log.
package server
