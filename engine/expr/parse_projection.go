package expr

// ProjectionExpr is a parsed ProjectionExpression: immutable, placeholders
// unresolved, safe to share between requests.
type ProjectionExpr struct {
	paths []Path
	// bound is the projection when no path has a #placeholder.
	bound *Projection
	// overlap is the overlap verdict for placeholder-free paths.
	overlap *Error
}

// ParseProjection parses a ProjectionExpression.
func ParseProjection(text string) (*ProjectionExpr, error) {
	if err := checkSize(ParamProjection, text, false); err != nil {
		return nil, err
	}
	p := newParser(ParamProjection, text)
	var paths []Path
	for p.err == nil {
		if k := p.kind(); k != tID && k != tName {
			p.syntaxError()
			break
		}
		paths = append(paths, p.path())
		if p.kind() != tComma {
			break
		}
		p.next()
	}
	if err := p.finish(); err != nil {
		return nil, err
	}
	if p.ev != nil {
		return nil, p.ev
	}
	l := limits{param: ParamProjection}
	for _, path := range paths {
		l.path(path)
	}
	if l.err != nil {
		return nil, l.err
	}
	e := &ProjectionExpr{paths: paths}
	if !pathsHavePlaceholders(paths) {
		if e.overlap = pathOverlap(ParamProjection, paths); e.overlap == nil {
			e.bound = NewProjection(paths)
		}
	}
	return e, nil
}

// Bind resolves the #placeholders from p (marking them used) and checks the
// resolved paths for overlaps and conflicts.
func (e *ProjectionExpr) Bind(p *Params) (*Projection, error) {
	if e.bound == nil && e.overlap == nil {
		return e.bindPlaceholders(p)
	}
	if e.overlap != nil {
		return nil, e.overlap
	}
	return e.bound, nil
}

func (e *ProjectionExpr) bindPlaceholders(p *Params) (*Projection, error) {
	paths := make([]Path, len(e.paths))
	for i, path := range e.paths {
		resolved, undefined := p.resolvePath(path)
		if undefined != "" {
			return nil, invalid(ParamProjection, msgUndefinedName+undefined)
		}
		paths[i] = resolved
	}
	if err := pathOverlap(ParamProjection, paths); err != nil {
		return nil, err
	}
	return NewProjection(paths), nil
}

// pathsHavePlaceholders reports whether any path uses a #placeholder.
func pathsHavePlaceholders(paths []Path) bool {
	for _, p := range paths {
		for _, e := range p {
			if e.Kind == ElemPlaceholder {
				return true
			}
		}
	}
	return false
}
