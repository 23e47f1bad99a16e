package engine

import (
	"context"
	"net"
	"net/http"
)

// DescribeEndpointsInput is the DescribeEndpoints request (no members).
type DescribeEndpointsInput struct{}

// DescribeEndpointsOutput is the DescribeEndpoints response.
type DescribeEndpointsOutput struct {
	Endpoints []Endpoint `json:"Endpoints"`
}

// Endpoint is an address endpoint discovery may use, without a scheme.
type Endpoint struct {
	Address              string `json:"Address"`
	CachePeriodInMinutes int64  `json:"CachePeriodInMinutes"`
}

// endpointCacheMinutes is the cache period the service returns (observed;
// the API Reference's Endpoint shape says only "cache TTL in minutes").
const endpointCacheMinutes = 1440

// DescribeEndpoints answers endpoint discovery with exactly one endpoint,
// its address without a scheme, as the service does (ScyllaDB Alternator's
// test_describe_endpoints.py): the local address the request arrived on,
// which net/http puts in the request context, so a client that discovers
// endpoints keeps
// talking to this server. Called without an HTTP request (in-process), it
// returns the region's service address, dynamodb.<region>.amazonaws.com,
// as the service does.
func (db *DB) DescribeEndpoints(ctx context.Context, in *DescribeEndpointsInput) (*DescribeEndpointsOutput, error) {
	addr := "dynamodb." + db.region + ".amazonaws.com"
	if a, ok := ctx.Value(http.LocalAddrContextKey).(net.Addr); ok && a != nil {
		addr = a.String()
	}
	return &DescribeEndpointsOutput{Endpoints: []Endpoint{{Address: addr, CachePeriodInMinutes: endpointCacheMinutes}}}, nil
}
