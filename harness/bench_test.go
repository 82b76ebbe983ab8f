package harness

import (
	"context"
	"io"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/stackslice/stackslice/conformance"
)

// Wall time of the whole suite on all six ports, against its budget (60 s
// for the default builds, 5 minutes for the full matrix) rather than against
// a timed test that would flake on a shared machine. Run with
// `go test ./harness -run '^$' -bench Suite -benchtime 1x`.
func BenchmarkSuiteDefault(b *testing.B) { benchmarkSuite(b, nil, time.Minute) }

func BenchmarkSuiteFull(b *testing.B) {
	benchmarkSuite(b, []string{conformance.AllBuilds}, 5*time.Minute)
}

func benchmarkSuite(b *testing.B, builds []string, budget time.Duration) {
	var total time.Duration
	for i := 0; i < b.N; i++ {
		start := time.Now()
		_, err := Test(context.Background(), Options{Builds: builds, OutDir: b.TempDir(), Out: io.Discard})
		require.NoError(b, err)
		total += time.Since(start)
	}
	perRun := total / time.Duration(b.N)
	b.ReportMetric(perRun.Seconds(), "s/suite")
	b.ReportMetric(perRun.Seconds()/budget.Seconds(), "budget-used")
}
