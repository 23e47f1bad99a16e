package engine

import (
	"encoding/json"
	"errors"

	"dynalab/engine/attr"
	"dynalab/engine/expr"
)

// legacyUpdate is one entry of UpdateItem's AttributeUpdates.
type legacyUpdate struct {
	name    string
	action  string // PUT (also when ""), ADD or DELETE
	value   attr.Value
	invalid error // the value's validation error, if any
}

// parseAttributeUpdates decodes AttributeUpdates, keeping request order (a
// name given twice keeps its last entry).
func parseAttributeUpdates(raw json.RawMessage) ([]legacyUpdate, error) {
	r := attr.NewReader(raw)
	var ups []legacyUpdate
	err := r.Object(func(name string) error {
		u := legacyUpdate{name: name}
		err := r.Object(func(k string) (err error) {
			switch k {
			case "Action":
				u.action, err = r.String()
			case "Value":
				u.value, u.invalid, err = r.Value()
			default:
				err = r.Skip()
			}
			return err
		})
		for i := range ups {
			if ups[i].name == name {
				ups = append(ups[:i], ups[i+1:]...)
				break
			}
		}
		ups = append(ups, u)
		return err
	})
	if err == nil {
		err = r.End()
	}
	if err != nil {
		return nil, fromAttrError(err)
	}
	return ups, nil
}

// checkUpdates applies AttributeUpdates' own rules (dynalite
// validations/updateItem.js): a valid value, a value unless the
// action is DELETE, a set for DELETE, a number, set or list for ADD.
func checkUpdates(ups []legacyUpdate) error {
	for i := range ups {
		u := &ups[i]
		if u.invalid != nil {
			return fromAttrError(u.invalid)
		}
		t := u.value.Type()
		switch {
		case u.value.IsZero() && u.action != "DELETE":
			return invalidParam("Only DELETE action is allowed when no attribute value is specified")
		case u.value.IsZero():
		case u.action == "DELETE" && !t.IsSet():
			return invalidParam("DELETE action with value is not supported for the type %s", t)
		case u.action == "ADD" && !t.IsSet() && t != attr.TypeN && t != attr.TypeL:
			return invalidParam("ADD action is not supported for the type %s", t)
		}
	}
	return nil
}

// update returns the request's UpdateExpression, or its AttributeUpdates
// translated into update actions (Developer Guide, legacy
// AttributeUpdates):
// PUT is SET, DELETE without a value REMOVE, DELETE with a set the DELETE
// action, ADD of a number or set the ADD action, and ADD of a list (legacy
// only) SET a = list_append(if_not_exists(a, []), v). An empty map is an
// update with no action: it creates a key-only item when none exists.
func (l *legacy) update(ex *exprContext, text *string) (updater, error) {
	if !l.hasUpdates {
		return ex.update(text)
	}
	if len(l.updates) == 0 {
		return updater{legacy: true}, nil
	}
	actions := make([]expr.Action, len(l.updates))
	for i := range l.updates {
		u := &l.updates[i]
		path := expr.NewPath(u.name)
		v := expr.ValueOperand(u.value)
		a := expr.Action{Path: path}
		switch {
		case u.action == "DELETE" && u.value.IsZero():
			a.Kind = expr.ActionRemove
		case u.action == "DELETE":
			a.Kind, a.Value = expr.ActionDelete, v
		case u.action == "ADD" && u.value.Type() == attr.TypeL:
			a.Kind = expr.ActionSet
			a.Value = expr.CallOperand(expr.FuncListAppend,
				expr.CallOperand(expr.FuncIfNotExists, expr.PathOperand(path), expr.ValueOperand(attr.L(nil))), v)
		case u.action == "ADD":
			a.Kind, a.Value = expr.ActionAdd, v
		default:
			a.Kind, a.Value = expr.ActionSet, v
		}
		actions[i] = a
	}
	u, err := expr.NewUpdate(actions)
	if err != nil {
		return updater{}, exprError(err)
	}
	return updater{u: u, legacy: true}, nil
}

// legacyApplyError words an error of applying translated AttributeUpdates:
// ADD or DELETE on a stored value of another type is "Type mismatch for
// attribute to update" (dynalite actions/updateItem.js), not the update
// expression's operand message.
func legacyApplyError(err error) error {
	var e *expr.Error
	if errors.As(err, &e) && e.Message == "An operand in the update expression has an incorrect data type" {
		return validationError("Type mismatch for attribute to update")
	}
	return exprError(err)
}
