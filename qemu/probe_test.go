package qemu_test

import (
	"context"
	"os"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/stackslice/stackslice/arch"
	"github.com/stackslice/stackslice/internal/testkit"
	"github.com/stackslice/stackslice/qemu"
)

// A port whose data says this host runs it natively (as 386 says of amd64)
// is run natively only once a binary of it started here: a kernel without
// IA32 emulation answers "exec format error", and then the port's QEMU runs
// it, with a note that says so.
func TestProbeFallsBackToQEMUWhenTheHostCannotStartTheBinary(t *testing.T) {
	ctx := context.Background()
	p := arch.Port{Name: "toy-no-ia32", QEMU: "qemu-toy-no-ia32", QEMUCPU: "max", NativeOn: []string{runtime.GOARCH}}
	bin := filepath.Join(t.TempDir(), "doctor")
	testkit.UnrunnableBinary(t, bin)

	assert.True(t, qemu.For(ctx, p, qemu.Options{}).Emulated(), "native_on is a claim: unproven, the port is emulated")
	note := qemu.Probe(ctx, p, qemu.Options{}, bin)
	assert.Equal(t, "toy-no-ia32: this "+runtime.GOARCH+" host cannot run toy-no-ia32 binaries natively (exec format error); using qemu-toy-no-ia32", note)
	assert.Equal(t, qemu.User{Binary: "qemu-toy-no-ia32", CPU: "max"}, qemu.For(ctx, p, qemu.Options{}))
	assert.Equal(t, note, qemu.Fallback(ctx, p, qemu.Options{}))

	// Proven once per host: the binary is not started again.
	require.NoError(t, os.Remove(bin))
	assert.Equal(t, note, qemu.Probe(ctx, p, qemu.Options{}, bin))
	// Forced emulation needs no probe and has nothing to say.
	assert.Empty(t, qemu.Probe(ctx, p, qemu.Options{ForceQEMU: true}, bin))
	assert.Empty(t, qemu.Fallback(ctx, p, qemu.Options{ForceQEMU: true}))
}

// A binary that starts is proof enough, however it ends: how it ended is
// for the caller to judge under the backend For then picks.
func TestProbeProvesNativeExecution(t *testing.T) {
	ctx := context.Background()
	p := arch.Port{Name: "toy-ia32", QEMU: "qemu-toy-ia32", QEMUCPU: "max", NativeOn: []string{runtime.GOARCH}}
	bin := filepath.Join(t.TempDir(), "doctor")
	require.NoError(t, os.WriteFile(bin, []byte("#!/bin/sh\nexit 3\n"), 0o755))

	assert.Empty(t, qemu.Probe(ctx, p, qemu.Options{}, bin))
	assert.Equal(t, "native", qemu.For(ctx, p, qemu.Options{}).Name())
	assert.Empty(t, qemu.Fallback(ctx, p, qemu.Options{}))
	assert.True(t, qemu.For(ctx, p, qemu.Options{ForceQEMU: true}).Emulated(), "SL_FORCE_QEMU still forces")
}

// A port the host can only emulate is never started natively.
func TestProbeLeavesEmulatedPortsAlone(t *testing.T) {
	ctx := context.Background()
	p := arch.Port{Name: "toy-elsewhere", QEMU: "qemu-toy-elsewhere", QEMUCPU: "max"}
	bin := filepath.Join(t.TempDir(), "doctor")
	marker := filepath.Join(t.TempDir(), "started")
	require.NoError(t, os.WriteFile(bin, []byte("#!/bin/sh\ntouch "+marker+"\n"), 0o755))
	assert.Empty(t, qemu.Probe(ctx, p, qemu.Options{}, bin))
	assert.NoFileExists(t, marker)
	assert.True(t, qemu.For(ctx, p, qemu.Options{}).Emulated())
}
