package build

import (
	"context"
	"os"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/sys/unix"

	"github.com/stackslice/stackslice/arch"
	"github.com/stackslice/stackslice/internal/testkit"
	"github.com/stackslice/stackslice/toolchain"
	"github.com/stackslice/stackslice/toolchain/toolchaintest"
)

func buildNames(builds []Build) []string {
	var names []string
	for _, b := range builds {
		names = append(names, b.Name)
	}
	return names
}

func TestSelect(t *testing.T) {
	tests := []struct {
		names []string
		want  []string
		err   string
	}{
		{nil, []string{"gcc-O0", "gcc-O2"}, ""},
		{[]string{"all"}, []string{"gcc-O0", "gcc-O2", "gcc-O3-lto", "gcc-O2-framepointer", "clang-O2", "gcc-asan-ubsan"}, ""},
		{[]string{"clang-O2", "gcc-O0"}, []string{"clang-O2", "gcc-O0"}, ""},
		{[]string{"gcc-O0", "gcc-O0", "gcc-O2", "gcc-O0"}, []string{"gcc-O0", "gcc-O2"}, ""},
		{[]string{"gcc-O9"}, nil, `unknown build "gcc-O9" (known builds: gcc-O0, gcc-O2, gcc-O3-lto, gcc-O2-framepointer, clang-O2, gcc-asan-ubsan, or all)`},
		{[]string{"gcc-O0", "all"}, nil, `builds "gcc-O0,all": "all" stands alone (it already means every build)`},
	}
	for _, tt := range tests {
		got, err := Select(tt.names)
		if tt.err != "" {
			assert.EqualError(t, err, tt.err)
			continue
		}
		require.NoError(t, err)
		assert.Equal(t, tt.want, buildNames(got), "%v", tt.names)
	}
	sanitizer, err := Select([]string{"gcc-asan-ubsan"})
	require.NoError(t, err)
	assert.True(t, sanitizer[0].HostOnly, "the sanitizer runtimes exist for the host only")
	assert.Equal(t, toolchain.Clang, selectBuild(t, "clang-O2").Compiler)
}

func selectBuild(t *testing.T, name string) Build {
	builds, err := Select([]string{name})
	require.NoError(t, err)
	return builds[0]
}

// A source that includes a FIFO hangs its compiler: the step is stopped
// after toolchain.BuildTimeout and the build fails naming it, rather than
// the harness waiting for ever.
func TestACompileThatHangsIsStopped(t *testing.T) {
	root, p := toolchaintest.Port(t, runtime.GOARCH)
	saved := toolchain.BuildTimeout
	toolchain.BuildTimeout = 3 * time.Second
	t.Cleanup(func() { toolchain.BuildTimeout = saved })
	dir := t.TempDir()
	require.NoError(t, unix.Mkfifo(filepath.Join(dir, "pipe.h"), 0o644))
	src := filepath.Join(dir, "hang.c")
	require.NoError(t, os.WriteFile(src, []byte("#include \"pipe.h\"\nint main(void) { return 0; }\n"), 0o644))
	start := time.Now()
	_, err := Compile(context.Background(), root, p, Default()[0], Program{Name: "hang", Sources: []string{src}}, t.TempDir(), "")
	require.ErrorIs(t, err, ErrCompile)
	assert.Contains(t, err.Error(), "hang.c: did not finish within 3s (stopped: a compiler that hangs, or a source that includes a FIFO or a device)")
	assert.Less(t, time.Since(start), 30*time.Second)
}

// The objects' digest of what a source may include is the same wherever the
// tree and the port's folder lie: a port folder copied beside the tree (a
// mutant's) differs from it by its changed files only.
func TestHeaderDigestIgnoresWhereThePortLies(t *testing.T) {
	root := testkit.Copy(t)
	ports, err := arch.Load(filepath.Join(root, "arch"))
	require.NoError(t, err)
	for _, p := range ports {
		want, err := headerDigest(root, p, nil)
		require.NoError(t, err)
		moved := p
		moved.Dir = t.TempDir() // after root's folders in a sorted list of paths
		require.NoError(t, os.CopyFS(moved.Dir, os.DirFS(p.Dir)))
		got, err := headerDigest(root, moved, nil)
		require.NoError(t, err)
		assert.Equal(t, want, got, p.Name)
	}
}

// Our own port declares a build it cannot work in the same way, in its
// port.json; a foreign port on top of it inherits the declaration.
func TestUnsupportedCompiler(t *testing.T) {
	alpha := arch.Port{Name: "alpha", Dir: "/repo/arch/alpha", UnsupportedBuilds: map[string]string{"clang-O2": "clang 14 has no alpha target"}}
	assert.Equal(t, "clang 14 has no alpha target", UnsupportedCompiler(alpha, toolchain.Clang))
	assert.Empty(t, UnsupportedCompiler(alpha, toolchain.GCC), "gcc builds are not declared")
	someGCC := arch.Port{Name: "toy", Dir: "/repo/arch/toy", UnsupportedBuilds: map[string]string{"gcc-O0": "x", "gcc-O3-lto": "y"}}
	assert.Empty(t, UnsupportedCompiler(someGCC, toolchain.GCC), "gcc-O2 is still supported")
	assert.Empty(t, UnsupportedCompiler(arch.Port{Name: "toy", Dir: "/repo/arch/toy"}, toolchain.Clang))
}
