package common

import (
	"fmt"
	"strconv"
	"strings"

	"dynalab/engine"
)

// TableSpecHelp is the syntax of a table spec, for hints and help.
const TableSpecHelp = "NAME PK:S [SK:S] [provisioned RCU WCU] [gsi NAME PK:S [SK:S] [keys-only]] [lsi NAME SK:S] [stream]"

// ParseTableSpec reads the one-line table description that the REPL's
// .create and the browser's new-table bar take:
//
//	Orders PK:S SK:S gsi GSI1 GSI1PK:S GSI1SK:S provisioned 5 5 stream
//
// Key attributes are NAME:TYPE (S, N or B); the table is on demand unless
// "provisioned RCU WCU" says otherwise; each "gsi" or "lsi" adds an index
// (projection ALL, or "keys-only"); "stream" enables a NEW_AND_OLD_IMAGES
// stream. The service validates the rest (names, limits) as for any
// CreateTable.
func ParseTableSpec(spec string) (*engine.CreateTableInput, error) {
	words := strings.Fields(spec)
	if len(words) < 2 {
		return nil, fmt.Errorf("give a table name and its partition key: %s", TableSpecHelp)
	}
	in := &engine.CreateTableInput{TableName: words[0], BillingMode: engine.BillingPayPerRequest}
	defs := map[string]string{}
	p := &specParser{words: words, i: 1}
	define := func(name, typ string) error {
		if t, ok := defs[name]; ok && t != typ {
			return fmt.Errorf("attribute %s is both %s and %s", name, t, typ)
		}
		if _, ok := defs[name]; !ok {
			defs[name] = typ
			in.AttributeDefinitions = append(in.AttributeDefinitions, engine.AttributeDefinition{AttributeName: name, AttributeType: typ})
		}
		return nil
	}
	keys := func(min, max int) ([]engine.KeySchemaElement, error) {
		var ks []engine.KeySchemaElement
		for len(ks) < max && p.i < len(p.words) && strings.Contains(p.words[p.i], ":") {
			name, typ, err := keyAttr(p.words[p.i])
			if err != nil {
				return nil, err
			}
			if err := define(name, typ); err != nil {
				return nil, err
			}
			kt := engine.KeyTypeHash
			if len(ks) == 1 {
				kt = engine.KeyTypeRange
			}
			ks = append(ks, engine.KeySchemaElement{AttributeName: name, KeyType: kt})
			p.i++
		}
		if len(ks) < min {
			return nil, fmt.Errorf("word %d: expected a key attribute NAME:TYPE, e.g. PK:S", p.i+1)
		}
		return ks, nil
	}
	var err error
	if in.KeySchema, err = keys(1, 2); err != nil {
		return nil, err
	}
	for p.i < len(p.words) {
		w := strings.ToLower(p.words[p.i])
		p.i++
		switch w {
		case "on-demand", "ondemand", "pay-per-request":
			in.BillingMode, in.ProvisionedThroughput = engine.BillingPayPerRequest, nil
		case "provisioned":
			r, err1 := p.number("read capacity units")
			wcu, err2 := p.number("write capacity units")
			if err := cmpErr(err1, err2); err != nil {
				return nil, err
			}
			in.BillingMode = engine.BillingProvisioned
			in.ProvisionedThroughput = &engine.ProvisionedThroughput{ReadCapacityUnits: &r, WriteCapacityUnits: &wcu}
		case "gsi", "lsi":
			name, err := p.word("an index name after " + w)
			if err != nil {
				return nil, err
			}
			if w == "lsi" {
				ks, err := keys(1, 1)
				if err != nil {
					return nil, err
				}
				ks[0].KeyType = engine.KeyTypeRange
				in.LocalSecondaryIndexes = append(in.LocalSecondaryIndexes, engine.LocalSecondaryIndex{IndexName: name,
					KeySchema: append([]engine.KeySchemaElement{in.KeySchema[0]}, ks...), Projection: p.projection()})
				continue
			}
			ks, err := keys(1, 2)
			if err != nil {
				return nil, err
			}
			in.GlobalSecondaryIndexes = append(in.GlobalSecondaryIndexes, engine.GlobalSecondaryIndex{IndexName: name, KeySchema: ks, Projection: p.projection()})
		case "stream":
			enabled := true
			in.StreamSpecification = &engine.StreamSpecification{StreamEnabled: &enabled, StreamViewType: "NEW_AND_OLD_IMAGES"}
		default:
			return nil, fmt.Errorf("word %d: unexpected %q: %s", p.i, p.words[p.i-1], TableSpecHelp)
		}
	}
	if in.BillingMode == engine.BillingProvisioned {
		for i := range in.GlobalSecondaryIndexes {
			r, w := *in.ProvisionedThroughput.ReadCapacityUnits, *in.ProvisionedThroughput.WriteCapacityUnits
			in.GlobalSecondaryIndexes[i].ProvisionedThroughput = &engine.ProvisionedThroughput{ReadCapacityUnits: &r, WriteCapacityUnits: &w}
		}
	}
	return in, nil
}

type specParser struct {
	words []string
	i     int
}

func (p *specParser) word(what string) (string, error) {
	if p.i >= len(p.words) {
		return "", fmt.Errorf("expected %s", what)
	}
	p.i++
	return p.words[p.i-1], nil
}

func (p *specParser) number(what string) (int64, error) {
	w, err := p.word(what)
	if err != nil {
		return 0, err
	}
	n, err := strconv.ParseInt(w, 10, 64)
	if err != nil || n < 1 {
		return 0, fmt.Errorf("word %d: %s must be a whole number of at least 1, not %q", p.i, what, w)
	}
	return n, nil
}

// projection reads an optional "keys-only" or "all" after an index.
func (p *specParser) projection() *engine.Projection {
	if p.i < len(p.words) {
		switch strings.ToLower(p.words[p.i]) {
		case "keys-only", "keys_only":
			p.i++
			return &engine.Projection{ProjectionType: "KEYS_ONLY"}
		case "all":
			p.i++
		}
	}
	return &engine.Projection{ProjectionType: "ALL"}
}

func keyAttr(w string) (name, typ string, err error) {
	name, typ, _ = strings.Cut(w, ":")
	typ = strings.ToUpper(typ)
	if name == "" || (typ != "S" && typ != "N" && typ != "B") {
		return "", "", fmt.Errorf("%q: a key attribute is NAME:TYPE with TYPE S, N or B", w)
	}
	return name, typ, nil
}

func cmpErr(errs ...error) error {
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}
