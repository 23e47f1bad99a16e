package expr

import (
	"errors"
	"testing"

	"dynalab/engine/attr"
)

// item parses DynamoDB JSON into an item.
func item(t testing.TB, js string) attr.Item {
	t.Helper()
	it, err := attr.ParseItem([]byte(js))
	if err != nil {
		t.Fatalf("bad test item %s: %v", js, err)
	}
	return it
}

// params builds Params from DynamoDB JSON values and a name map.
func params(t testing.TB, names map[string]string, valuesJSON string) *Params {
	t.Helper()
	p := &Params{Names: names}
	if valuesJSON != "" {
		p.Values = item(t, valuesJSON)
	}
	return p
}

// wantErr checks that err is an *Error with exactly msg ("" means no error).
func wantErr(t testing.TB, err error, msg string) {
	t.Helper()
	if msg == "" {
		if err != nil {
			t.Fatalf("unexpected error: %v", err)
		}
		return
	}
	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("got error %v (%T), want %q", err, err, msg)
	}
	if e.Message != msg {
		t.Fatalf("got  %q\nwant %q", e.Message, msg)
	}
}

// bindCondition parses and binds a condition expression.
func bindCondition(t testing.TB, param, text string, p *Params) (*Condition, error) {
	t.Helper()
	e, err := ParseCondition(param, text)
	if err != nil {
		return nil, err
	}
	return e.Bind(p)
}

// bindUpdate parses and binds an update expression.
func bindUpdate(t testing.TB, text string, p *Params) (*Update, error) {
	t.Helper()
	e, err := ParseUpdate(text)
	if err != nil {
		return nil, err
	}
	return e.Bind(p)
}

// mustCondition parses and binds a condition or fails the test.
func mustCondition(t testing.TB, text string, p *Params) *Condition {
	t.Helper()
	c, err := bindCondition(t, ParamCondition, text, p)
	if err != nil {
		t.Fatalf("%s: %v", text, err)
	}
	return c
}

// mustUpdate parses and binds an update or fails the test.
func mustUpdate(t testing.TB, text string, p *Params) *Update {
	t.Helper()
	u, err := bindUpdate(t, text, p)
	if err != nil {
		t.Fatalf("%s: %v", text, err)
	}
	return u
}

// sameItem fails unless got equals the item described by wantJSON.
func sameItem(t testing.TB, got attr.Item, wantJSON string) {
	t.Helper()
	want := item(t, wantJSON)
	if !got.Equal(want) {
		t.Fatalf("got  %s\nwant %s", got, want)
	}
}
