// Package learn runs guided lessons inside the workbench: a course of
// lessons kept as data (markdown in English and Korean plus a declarative
// check file per lesson), a checker that compares the learner's last
// statement with what a task asks (its plan, the keys it returned, the
// error it met), and the lesson pane the workbench shows beside the REPL.
//
// Each lesson works in its own local session (learn-NN-slug), loads its own
// data there, and keeps its progress there, so that the learner's own data
// is never touched and a lesson can be resumed, reset or skipped.
//
// The built-in course is embedded from lessons/; LoadDir reads a teacher's
// course in the same layout. The grammar of the files is in course.go and
// checkfile.go, and the README's "Teach with dynalab" section.
package learn
