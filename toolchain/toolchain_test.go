package toolchain

import (
	"context"
	"io"
	"os"
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
	if os.Geteuid() == 0 {
		t.Skip("as root Ensure installs instead; covered by the harness's end-to-end test")
	}
	absent := arch.Port{Name: "gone", CC: "no-such-cc", QEMU: "sh", Packages: []string{"gcc-gone"}}
	err := Ensure(context.Background(), []arch.Port{absent}, io.Discard)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "apt-get install -y gcc-gone")
}
