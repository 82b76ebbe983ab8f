//go:build !linux

package proc

import (
	"context"
	"errors"
	"io"
)

// RunContained needs Linux: a PID namespace or a child subreaper holds the
// run there. Elsewhere the harness builds and runs inside a toolchain
// container (SL_TOOLCHAIN), on the engine's Linux.
func RunContained(ctx context.Context, dir string, argv, env []string, stdout, stderr io.Writer) (Ended, error) {
	return Ended{}, errors.New("running a target on this host needs Linux (a PID namespace or a child subreaper contains it); use a toolchain image (SL_TOOLCHAIN=bookworm)")
}
