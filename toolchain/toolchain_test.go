package toolchain

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/stackslice/stackslice/arch"
)

func TestMissingNamesThePackagesOfAbsentTools(t *testing.T) {
	present := arch.Port{Name: "here", CC: "sh", QEMU: "sh", Packages: []string{"dash"}}
	absent := arch.Port{Name: "gone", CC: "no-such-cc", QEMU: "no-such-qemu", Packages: []string{"gcc-gone"}}
	assert.Empty(t, Missing([]arch.Port{present}))
	assert.Equal(t, []string{"gcc-gone", QEMUPackage}, Missing([]arch.Port{present, absent, absent}))
	assert.Equal(t, []string{"pkg-x"}, Missing([]arch.Port{present}, Tool{Binary: "no-such-x", Package: "pkg-x"}, Tool{Binary: "sh", Package: "dash"}))
}

func TestInstallCommand(t *testing.T) {
	assert.Equal(t, "apt-get update && apt-get install -y a b", InstallCommand([]string{"a", "b"}))
}

func TestEnsureWithoutRootPrintsTheCommand(t *testing.T) {
	pretend(t, nil, false)
	absent := arch.Port{Name: "gone", CC: "no-such-cc", QEMU: "sh", Packages: []string{"gcc-gone"}}
	err := Ensure(context.Background(), []arch.Port{absent}, io.Discard)
	require.EqualError(t, err, "missing toolchains (gcc-gone); install them with: sudo sh -c 'apt-get update && apt-get install -y gcc-gone'")
}

func TestEnsureInstallsThenChecksAgain(t *testing.T) {
	// The "root" prefix records the commands instead of running them, so the
	// tools stay missing and Ensure must say so.
	dir := t.TempDir()
	record := filepath.Join(dir, "record")
	fake := filepath.Join(dir, "fake-root")
	require.NoError(t, os.WriteFile(fake, []byte("#!/bin/sh\necho \"$@\" >> "+record+"\n"), 0o755))
	pretend(t, []string{fake}, true)
	absent := arch.Port{Name: "gone", CC: "no-such-cc", QEMU: "no-such-qemu", Packages: []string{"gcc-gone"}}
	var log strings.Builder
	err := Ensure(context.Background(), []arch.Port{absent}, &log)
	require.EqualError(t, err, "still missing after installing: gcc-gone, qemu-user")
	assert.Equal(t, "installing gcc-gone qemu-user\n", log.String())
	ran, err := os.ReadFile(record)
	require.NoError(t, err)
	assert.Equal(t, "apt-get update -qq\napt-get install -y -qq --no-install-recommends gcc-gone qemu-user\n", string(ran))
}

func pretend(t *testing.T, prefix []string, ok bool) {
	saved := asRoot
	asRoot = func(context.Context) ([]string, bool) { return prefix, ok }
	t.Cleanup(func() { asRoot = saved })
}
