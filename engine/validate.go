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
type constraints struct{ errs []string }

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
