package parallel_test

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/stackslice/stackslice/internal/parallel"
)

func TestEachCallsEveryIndexOnceWithinTheBound(t *testing.T) {
	for _, tc := range []struct{ n, workers int }{{0, 4}, {1, 4}, {10, 1}, {10, 3}, {10, 0}, {3, 10}} {
		var running, most atomic.Int32
		var mu sync.Mutex
		seen := map[int]int{}
		parallel.Each(context.Background(), tc.n, tc.workers, func(i int) {
			now := running.Add(1)
			for {
				was := most.Load()
				if now <= was || most.CompareAndSwap(was, now) {
					break
				}
			}
			mu.Lock()
			seen[i]++
			mu.Unlock()
			running.Add(-1)
		})
		assert.Len(t, seen, tc.n, "n=%d workers=%d", tc.n, tc.workers)
		for i, c := range seen {
			assert.Equal(t, 1, c, "index %d", i)
		}
		assert.LessOrEqual(t, int(most.Load()), max(tc.workers, 1))
	}
}

func TestEachStopsHandingOutWorkOnceCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	var calls atomic.Int32
	parallel.Each(ctx, 100, 2, func(i int) {
		if calls.Add(1) == 3 {
			cancel()
		}
	})
	assert.LessOrEqual(t, int(calls.Load()), 4, "the cancelling call, and at most one the other worker had started")
}
