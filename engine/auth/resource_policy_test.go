package auth

import (
	"strings"
	"testing"
)

func TestParseResourcePolicy(t *testing.T) {
	for _, tt := range []struct{ doc, want string }{
		{`{"Statement":{"Effect":"Allow","Action":"*","Resource":"*"}}`, "needs exactly one of Principal and NotPrincipal"},
		{`{"Statement":{"Effect":"Allow","Principal":"me","Action":"*","Resource":"*"}}`, `Principal must be "*" or an object`},
		{`{"Statement":{"Effect":"Allow","Principal":{},"Action":"*","Resource":"*"}}`, `Principal must be "*" or an object`},
		{`{"Statement":{"Effect":"Allow","Principal":{"Robot":"x"},"Action":"*","Resource":"*"}}`, `unsupported principal kind "Robot"`},
		{`{"Statement":{"Effect":"Allow","Principal":{"AWS":[]},"Action":"*","Resource":"*"}}`, "Principal AWS is empty"},
		{`{"Statement":{"Effect":"Allow","Principal":"*","NotPrincipal":"*","Action":"*","Resource":"*"}}`, "needs exactly one of Principal and NotPrincipal"},
	} {
		_, err := ParseResourcePolicy([]byte(tt.doc))
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("ParseResourcePolicy(%s) = %v, want %q", tt.doc, err, tt.want)
		}
	}
	p, err := ParseResourcePolicy([]byte(`{"Statement":{"Effect":"Allow","Principal":{"Service":"x.amazonaws.com","AWS":["*","123"]},"Action":"*","Resource":"*"}}`))
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(p.Statements[0].Principals, ","); got != "*,123,Service:x.amazonaws.com" {
		t.Errorf("principals %s", got)
	}
	if _, err := ParsePolicy([]byte(`{"Statement":{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"}}`)); err == nil {
		t.Error("an identity policy took a Principal")
	}
}

func TestPrincipalMatching(t *testing.T) {
	pr := Principal{UserID: "u1", ARN: "arn:aws:iam::000000000000:user/u1"}
	c := Check{Action: "dynamodb:GetItem", Resource: "arn:aws:dynamodb:us-east-1:000000000000:table/T"}
	for _, tt := range []struct {
		principal string
		effect    string
		want      Outcome
	}{
		{`"*"`, "Allow", Allowed},
		{`{"AWS":"*"}`, "Allow", Allowed},
		{`{"AWS":"arn:aws:iam::000000000000:user/u1"}`, "Allow", Allowed},
		{`{"AWS":"arn:aws:iam::000000000000:user/u2"}`, "Allow", ImplicitDeny},
		{`{"AWS":"arn:aws:iam::111111111111:user/u1"}`, "Allow", ImplicitDeny},
		{`{"AWS":"000000000000"}`, "Allow", ImplicitDeny}, // delegates to identity policies
		{`{"AWS":"arn:aws:iam::000000000000:root"}`, "Deny", ExplicitDeny},
		{`{"Service":"dynamodb.amazonaws.com"}`, "Allow", ImplicitDeny},
	} {
		doc := `{"Statement":{"Effect":"` + tt.effect + `","Principal":` + tt.principal + `,"Action":"dynamodb:*","Resource":"*"}}`
		p, err := ParseResourcePolicy([]byte(doc))
		if err != nil {
			t.Fatal(err)
		}
		if d := p.Evaluate(pr, c); d.Outcome != tt.want {
			t.Errorf("%s %s: %v, want %v (trace %q)", tt.effect, tt.principal, d.Outcome, tt.want, d.Trace)
		}
	}
	p, _ := ParseResourcePolicy([]byte(`{"Statement":{"Effect":"Deny","NotPrincipal":{"AWS":"arn:aws:iam::000000000000:user/admin"},"Action":"dynamodb:*","Resource":"*"}}`))
	if d := p.Evaluate(pr, c); d.Outcome != ExplicitDeny {
		t.Errorf("NotPrincipal: %v", d.Outcome)
	}
}
