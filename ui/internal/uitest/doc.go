// Package uitest supports the workbench's tests: a sessions.Backend whose
// data plane is a real in-memory engine and whose PartiQL answers come
// from a script, themes pinned to a fixed color profile, a fixed clock, a
// seeded single-table example and key-message helpers. It is internal to
// ui: nothing outside the workbench's tests uses it.
package uitest
