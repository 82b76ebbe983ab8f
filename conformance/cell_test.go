package conformance

import (
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/stackslice/stackslice/build"
)

func TestCellLadder(t *testing.T) {
	pass, fail, known := CaseResult{Status: Pass}, CaseResult{Status: Fail}, CaseResult{Status: KnownFailure}
	tests := []struct {
		name string
		run  Run
		want Cell
	}{
		{"pass", Run{Cases: []CaseResult{pass, known}, Gaps: []string{"d8: x"}, Duration: time.Second},
			Cell{Kind: CellPass, Passed: 1, Total: 2, Known: 1, Gaps: 1, Duration: time.Second}},
		{"a case failed", Run{Cases: []CaseResult{pass, fail}}, Cell{Kind: CellFail, Passed: 1, Total: 2}},
		{"only excused", Run{Cases: []CaseResult{known}}, Cell{Kind: CellFail, Total: 1, Known: 1}},
		{"did not run", Run{Err: build.ErrCompile}, Cell{Kind: CellDidNotRun, Why: "build error"}},
		{"unsupported before all", Run{Unsupported: "why", Err: errors.New("x")}, Cell{Kind: CellUnsupported}},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, tt.run.Cell(), tt.name)
	}
	assert.Equal(t, Cell{Kind: CellAbsent, Why: "host only"}, NoRunCell("gcc-asan-ubsan"))
	assert.Equal(t, Cell{Kind: CellAbsent}, NoRunCell("gcc-O0"))
}
