package engine_test

import "dynalab/engine"

// tuneGC is what a serving process does after its open (BenchmarkScale).
func tuneGC() int { return engine.TuneGC() }
