// Package parallel runs indexed work on a bounded number of goroutines.
package parallel

import (
	"context"
	"sync"
)

// Each calls do(i) for i in 0..n-1 on at most workers goroutines (at least
// one), handing the indices out in order so that early work finishes first.
// Once ctx is done no further call starts; Each returns when the calls
// already started have returned.
func Each(ctx context.Context, n, workers int, do func(i int)) {
	next := make(chan int)
	var wg sync.WaitGroup
	for range min(max(workers, 1), n) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				if ctx.Err() == nil {
					do(i)
				}
			}
		}()
	}
	for i := range n {
		if ctx.Err() != nil {
			break
		}
		select {
		case next <- i:
		case <-ctx.Done():
		}
	}
	close(next)
	wg.Wait()
}
