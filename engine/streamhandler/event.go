package streamhandler

import (
	"encoding/json"
	"errors"
	"strings"

	"dynalab/engine"
)

// lambdaRecord is one record of a Lambda DynamoDB event: the Streams
// record plus eventSourceARN, with userIdentity spelled as Lambda spells it.
type lambdaRecord struct {
	EventID        string                  `json:"eventID"`
	EventName      string                  `json:"eventName"`
	EventVersion   string                  `json:"eventVersion"`
	EventSource    string                  `json:"eventSource"`
	AwsRegion      string                  `json:"awsRegion"`
	Dynamodb       engine.StreamRecordData `json:"dynamodb"`
	EventSourceARN string                  `json:"eventSourceARN"`
	UserIdentity   *lambdaIdentity         `json:"userIdentity,omitempty"`
}

type lambdaIdentity struct {
	Type        string `json:"type"`
	PrincipalID string `json:"principalId"`
}

// Event returns the Lambda DynamoDB event JSON, {"Records":[...]}, for
// records read from the stream streamARN: each record as GetRecords
// returns it, plus eventSourceARN, and userIdentity (TTL deletions) with
// Lambda's key names "type" and "principalId".
func Event(streamARN string, records []engine.StreamRecord) ([]byte, error) {
	out := struct {
		Records []lambdaRecord `json:"Records"`
	}{Records: make([]lambdaRecord, len(records))}
	for i, r := range records {
		out.Records[i] = lambdaRecord{
			EventID: r.EventID, EventName: r.EventName, EventVersion: r.EventVersion,
			EventSource: r.EventSource, AwsRegion: r.AwsRegion, Dynamodb: r.Dynamodb,
			EventSourceARN: streamARN,
		}
		if u := r.UserIdentity; u != nil {
			out.Records[i].UserIdentity = &lambdaIdentity{Type: u.Type, PrincipalID: u.PrincipalId}
		}
	}
	return json.Marshal(out)
}

// ParseSpec splits an --on-stream value, TABLE=COMMAND.
func ParseSpec(s string) (table, command string, err error) {
	table, command, ok := strings.Cut(s, "=")
	table, command = strings.TrimSpace(table), strings.TrimSpace(command)
	if !ok || table == "" || command == "" {
		return "", "", errors.New("want TABLE=COMMAND, e.g. Orders='python3 handler.py'")
	}
	return table, command, nil
}
