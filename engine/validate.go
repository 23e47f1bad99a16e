package engine

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
)

// constraints gathers framework-level constraint failures in the order the
// service checks members, and renders them as its "N validation errors
// detected" message.
type constraints struct {
	errs   []string
	absent absentMembers // paths of members the request left out; nil for inputs built in Go
}

func (c *constraints) add(value, path, constraint string) {
	c.errs = append(c.errs, fmt.Sprintf("Value %s at '%s' failed to satisfy constraint: %s", value, path, constraint))
}

func (c *constraints) notNull(present bool, path string) {
	if !present {
		c.add("null", path, "Member must not be null")
	}
}

func (c *constraints) enum(v, path string, allowed ...string) {
	if v == "" {
		return
	}
	for _, a := range allowed {
		if v == a {
			return
		}
	}
	c.add(quote(v), path, "Member must satisfy enum value set: ["+strings.Join(allowed, ", ")+"]")
}

func (c *constraints) minInt(v *int64, path string, lo int64) {
	if v != nil && *v < lo {
		c.add(quote(strconv.FormatInt(*v, 10)), path, "Member must have value greater than or equal to "+strconv.FormatInt(lo, 10))
	}
}

func (c *constraints) maxInt(v *int64, path string, hi int64) {
	if v != nil && *v > hi {
		c.add(quote(strconv.FormatInt(*v, 10)), path, "Member must have value less than or equal to "+strconv.FormatInt(hi, 10))
	}
}

// tableName applies the TableName constraints of the data plane, where a
// table ARN is also accepted.
func (c *constraints) tableName(name, path string) {
	if name == "" {
		c.notNull(false, path)
		return
	}
	if strings.HasPrefix(name, "arn:") {
		if len(name) > 1024 {
			c.add(quote(name), path, "Member must have length less than or equal to 1024")
		}
		return
	}
	c.nameRules(name, path)
}

// nameRules are the pattern and length rules of table and index names.
func (c *constraints) nameRules(name, path string) {
	if !validName(name) {
		c.add(quote(name), path, "Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+")
	}
	if len(name) < 3 {
		c.add(quote(name), path, "Member must have length greater than or equal to 3")
	}
	if len(name) > 255 {
		c.add(quote(name), path, "Member must have length less than or equal to 255")
	}
}

// maxKeyNameBytes is the model's length limit of a key attribute name
// (KeySchemaAttributeName, and NonKeyAttributeName of a projection): 1..255
// in botocore's service-2.json. Alternator's test_limits.py, run against
// the service, shows it applies to table keys, index keys and projected
// names alike, and that it is reported before the key schema's own rules
// (test_limit_attribute_length_key_bad_incoherent_names).
const maxKeyNameBytes = 255

// keyAttrName adds the length constraints of a key attribute name. An
// absent name (or null) is "Member must not be null", as for an empty
// entry (the ack-api-quirks catalogue's DDB-TABLE-457 capture,
// ct_attrdefs_empty_entry); an empty one breaks the model's minimum of 1
// (name_presence.go says how the two are told apart).
func (c *constraints) keyAttrName(name, path string) {
	if name == "" {
		c.emptyOrNull(path)
		return
	}
	if len(name) > maxKeyNameBytes {
		c.add(quote(name), path, "Member must have length less than or equal to 255")
	}
}

// emptyOrNull adds the constraint an empty string member at path breaks:
// "must not be null" when the request left it out, the model's minimum
// length of 1 when it sent "".
func (c *constraints) emptyOrNull(path string) {
	if c.absent[path] {
		c.notNull(false, path)
		return
	}
	c.add("''", path, "Member must have length greater than or equal to 1")
}

// attrDefinitions adds the constraints of AttributeDefinitions, type
// before name as the service lists them (DDB-TABLE-457:
// ct_attrdefs_empty_entry, ut_attrdefs_empty_entry_plus_dp).
func (c *constraints) attrDefinitions(defs []AttributeDefinition) {
	for i, d := range defs {
		p := fmt.Sprintf("attributeDefinitions.%d.member", i+1)
		c.notNull(d.AttributeType != "", p+".attributeType")
		c.enum(d.AttributeType, p+".attributeType", "B", "N", "S")
		c.keyAttrName(d.AttributeName, p+".attributeName")
	}
}

// nonKeyAttrNames adds the member constraint of a projection's
// NonKeyAttributes: coral reports a list of strings with a member out of
// bounds as the whole list with the member's constraints, e.g. AWS
// Lambda's "Value '[…]' at 'layers' failed to satisfy constraint: Member
// must satisfy constraint: [Member must have length less than or equal to
// 140, Member must have length greater than or equal to 1, …]".
func (c *constraints) nonKeyAttrNames(names []string, path string) {
	for _, n := range names {
		if n == "" || len(n) > maxKeyNameBytes {
			c.add("'["+strings.Join(names, ", ")+"]'", path,
				"Member must satisfy constraint: [Member must have length less than or equal to 255, Member must have length greater than or equal to 1]")
			return
		}
	}
}

func (c *constraints) err() error {
	if len(c.errs) == 0 {
		return nil
	}
	return constraintErrors(c.errs)
}

// validName reports whether name matches the service's name pattern
// [a-zA-Z0-9_.-]+ (a loop: this runs on every request).
func validName(name string) bool {
	if name == "" {
		return false
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '.' || c == '-') {
			return false
		}
	}
	return true
}

func quote(s string) string { return "'" + s + "'" }

func jsonUnmarshalString(s string, v any) error { return json.Unmarshal([]byte(s), v) }
