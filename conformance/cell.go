package conformance

import (
	"time"

	"github.com/stackslice/stackslice/build"
)

// CellKind is what a matrix cell says of a port and build.
type CellKind int

const (
	// CellAbsent: no run; Why says why where the matrix has a reason
	// ("host only"), else it is "".
	CellAbsent CellKind = iota
	// CellUnsupported: a build the port declares it cannot work in.
	CellUnsupported
	// CellSkipped: a port no toolchain of the invocation builds
	// (Run.Skipped).
	CellSkipped
	// CellDidNotRun: no case result to judge; Why says why in two words.
	CellDidNotRun
	CellPass
	CellFail
)

// Cell is the summary of one port and build that every report's matrix
// shows (console and markdown): the one ladder from a run to its verdict
// and counts, which each report renders in its own marks.
type Cell struct {
	Kind                       CellKind
	Why                        string
	Passed, Total, Known, Gaps int
	Duration                   time.Duration
}

// NoRunCell is the cell of a build that has no run for the port.
func NoRunCell(name string) Cell {
	return Cell{Kind: CellAbsent, Why: build.Absent(name)}
}

// Cell is the run's matrix cell.
func (r Run) Cell() Cell {
	c := Cell{Duration: r.Duration}
	switch {
	case r.Skipped != "":
		c.Kind = CellSkipped
		return c
	case r.Unsupported != "":
		c.Kind = CellUnsupported
		return c
	case r.DidNotRun():
		c.Kind, c.Why = CellDidNotRun, r.Why()
		return c
	case r.OK():
		c.Kind = CellPass
	default:
		c.Kind = CellFail
	}
	c.Passed, _ = r.Counts()
	c.Total, c.Known, c.Gaps = len(r.Cases), r.Known(), len(r.Gaps)
	return c
}
