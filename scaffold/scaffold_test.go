package scaffold

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/stackslice/stackslice/arch"
	"github.com/stackslice/stackslice/conformance"
	"github.com/stackslice/stackslice/harness"
	"github.com/stackslice/stackslice/internal/testkit"
	"github.com/stackslice/stackslice/lint"
	"github.com/stackslice/stackslice/report"
	"github.com/stackslice/stackslice/toolchain"
	"github.com/stackslice/stackslice/toolchain/toolchaintest"
)

// repoRoot is the repository this package lives in.
const repoRoot = ".."

// snapshot maps every file under dir to a hash of its content.
func snapshot(t *testing.T, dir string) map[string][32]byte {
	t.Helper()
	files := map[string][32]byte{}
	require.NoError(t, filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, path)
		files[rel] = sha256.Sum256(data)
		return nil
	}))
	return files
}

func TestNewPortShowsUpAndFailsUntilWritten(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs every port")
	}
	root := testkit.Copy(t)
	before := snapshot(t, filepath.Join(root, "arch"))

	dir, err := New(root, Spec{Name: "amd64next", Triple: "x86_64-linux-gnu", CC: "gcc", QEMU: "qemu-x86_64"})
	require.NoError(t, err)
	assert.Equal(t, filepath.Join(root, "arch", "amd64next"), dir)

	after := snapshot(t, filepath.Join(root, "arch"))
	for _, name := range portFiles {
		assert.Contains(t, after, filepath.Join("amd64next", name))
		delete(after, filepath.Join("amd64next", name))
	}
	selector, err := os.ReadFile(filepath.Join(root, "arch", arch.SelectorFile))
	require.NoError(t, err)
	assert.Contains(t, string(selector), "#include \"amd64next/switch.S\"", "arch/switch.S knows the new port")
	delete(after, arch.SelectorFile)
	delete(before, arch.SelectorFile)
	assert.Equal(t, before, after, "the other ports are untouched and nothing else was written")

	// The new port is everywhere the ports are listed: the registry, the
	// CI matrix, test:all and its reports, with no other file edited.
	existing, err := arch.Load(filepath.Join(testkit.Root(t), "arch"))
	require.NoError(t, err)
	want := append(arch.Names(existing), "amd64next")
	sort.Strings(want)
	ports, err := harness.Ports(harness.Options{Root: root})
	require.NoError(t, err)
	assert.Equal(t, want, arch.Names(ports))
	var matrix bytes.Buffer
	require.NoError(t, harness.WritePortList(harness.Options{Root: root, Out: &matrix}))
	var listed []string
	require.NoError(t, json.Unmarshal(matrix.Bytes(), &listed))
	assert.Equal(t, want, listed)

	// Bounded against a hang, not timed: it builds the runner for every
	// port, and under load that took over five minutes.
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Minute)
	defer cancel()
	var out bytes.Buffer
	outDir := t.TempDir()
	all, err := harness.Test(ctx, harness.Options{Root: root, Cases: "^switch_ping_pong$", OutDir: outDir, Out: &out})
	require.EqualError(t, err, "conformance failed: amd64next/gcc-O0, amd64next/gcc-O2", "test:all runs it, and it fails until written")
	var seen []string
	for _, r := range all {
		if !slices.Contains(seen, r.Port) {
			seen = append(seen, r.Port)
		}
	}
	// A skipped port's runs (toolchain_images) come after those that ran.
	assert.ElementsMatch(t, want, seen)
	assert.Regexp(t, `(?m)^amd64next .* FAIL \(build error\)`, out.String())
	rep, err := os.ReadFile(filepath.Join(outDir, report.JSONFile))
	require.NoError(t, err)
	assert.Contains(t, string(rep), `"arch": "amd64next"`)

	var runs []conformance.Run
	for _, r := range all {
		if r.Port == "amd64next" {
			runs = append(runs, r)
		}
	}
	require.NotEmpty(t, runs)
	for _, r := range runs {
		assert.Equal(t, "amd64next", r.Port)
		require.Error(t, r.Err, "build %s", r.Build)
		msg := r.Err.Error()
		assert.Contains(t, msg, "arch/amd64next/switch.S is a template: write sl_arch_switch (contract in core/port.h)")
		assert.Contains(t, msg, "arch/amd64next/probe.S is a template: write the probes (contract in core/probe.h)")
		// The first error the compiler prints is the template's.
		var first string
		for _, line := range strings.Split(msg, "\n")[1:] {
			if strings.Contains(strings.ToLower(line), "error") {
				first = line
				break
			}
		}
		assert.Contains(t, first, "switch.S is a template", "build %s", r.Build)
	}
	assert.Contains(t, out.String(), "FAIL amd64next")
}

func TestTemplatesCarryTheContracts(t *testing.T) {
	files, err := render(arch.Port{Name: "toy", Triple: "toy-linux-gnu", ABI: "toy psABI"})
	require.NoError(t, err)
	sw, probe := string(files["switch.S"]), string(files["probe.S"])

	assert.Contains(t, sw, "stackslice port: toy (toy psABI,")
	assert.Contains(t, sw, "(triple toy-linux-gnu)")
	// The TEMPLATE note is a comment of its own, deleted with the .error line.
	for name, src := range map[string]string{"switch.S": sw, "probe.S": probe} {
		require.True(t, strings.HasPrefix(src, "/* TEMPLATE from `mage port:new toy`"), name)
		_, rest, _ := strings.Cut(src, " */\n")
		assert.True(t, strings.HasPrefix(rest, "/* stackslice "), "%s: the port's own header follows the note", name)
	}
	assert.Contains(t, sw, ".error\t\"arch/toy/switch.S is a template: write sl_arch_switch (contract in core/port.h)\"")
	assert.Contains(t, sw, "   offset  content\n *   0*8     ")
	// core/port.h's five steps, word for word.
	portH, err := os.ReadFile(filepath.Join(repoRoot, "core", "port.h"))
	require.NoError(t, err)
	steps := string(portH)[strings.Index(string(portH), " *   1. "):strings.Index(string(portH), "sl_core_restore returned.")]
	assert.Contains(t, sw, steps)
	// The numbered step comments the mutation check keys on, in order, and
	// the .error before any of them.
	var found []string
	errorLine, stepLine := -1, -1
	for i, line := range strings.Split(sw, "\n") {
		line = strings.TrimSpace(line)
		if strings.HasPrefix(line, ".error") {
			errorLine = i
		}
		for _, n := range []string{"1", "2", "3", "4", "5"} {
			if strings.HasPrefix(line, "/* "+n+". ") {
				found = append(found, n)
				if stepLine < 0 {
					stepLine = i
				}
			}
		}
	}
	assert.Equal(t, []string{"1", "2", "3", "4", "5"}, found)
	assert.Less(t, errorLine, stepLine)

	assert.Contains(t, probe, "stackslice probes: toy (toy psABI). Contract: core/probe.h.")
	assert.Contains(t, probe, ".error\t\"arch/toy/probe.S is a template: write the probes (contract in core/probe.h)\"")
	for _, sym := range []string{"sl_probe_count", "sl_probe_names", "sl_probe_fixed", "sl_probe_mask",
		"sl_probe_stack_align", "sl_probe_switch", "sl_probe_direct", "sl_probe_call_sp"} {
		assert.Contains(t, probe, " *   "+sym+" ", "the contract lists %s", sym)
	}
	for _, fn := range []string{"sl_probe_switch", "sl_probe_direct", "sl_probe_call_sp"} {
		assert.Contains(t, probe, "\tsl_func\t"+fn+"\n", "the skeleton has %s", fn)
	}
	assert.Contains(t, probe, "\tsl_probe_tables ")
	assert.Contains(t, probe, "   slot           register                fixed    mask\n")
}

// minimalTree is a root with an arch/ folder holding one port.
// The hermetic tier runs no QEMU: `qemu -cpu help` is canned, as QEMU 7.2
// prints it (qemu-mips64el and qemu-riscv64 have no max).
func TestMain(m *testing.M) {
	cpuHelp = func(qemu string) (string, error) {
		help, ok := map[string]string{
			"qemu-x86_64":   "x86 qemu64  QEMU Virtual CPU version 2.5+\nx86 max  Enables all features supported by the accelerator in the current host\n",
			"qemu-aarch64":  "Available CPUs:\n  a64fx\n  cortex-a53\n  max\n",
			"qemu-s390x":    "s390 z900  IBM zSeries 900 GA1\ns390 max  Enables all features supported by the accelerator in the current host\n",
			"qemu-riscv64":  "any\nrv64\nsifive-u54\n",
			"qemu-mips64el": "MIPS '4Kc'\nMIPS '5KEf'\nMIPS 'MIPS64R2-generic'\nMIPS 'I6400'\n",
			"qemu-ppc64":    "PowerPC 970_v2.2  PVR 00390202\nPowerPC 970  (alias for 970_v2.2)\nPowerPC power9  (alias for power9_v2.0)\n",
			"qemu-m68k":     "cfv4e\nm5206\nm5208\nm68000\nm68010\nm68020\nm68030\nm68040\nm68060\nany\n",
		}[qemu]
		if !ok {
			return "", errors.New("not installed")
		}
		return help, nil
	}
	os.Exit(m.Run())
}

// The QEMU CPU model is one the installed QEMU has: max, else the CPU's
// preference it lists; without QEMU, the first preference or max.
func TestCPUModel(t *testing.T) {
	tests := []struct{ qemu, cpu, want string }{
		{"qemu-x86_64", "x86_64", "max"},
		{"qemu-aarch64", "aarch64", "max"},
		{"qemu-s390x", "s390x", "max"},
		{"qemu-riscv64", "riscv64", "rv64"},
		{"qemu-mips64el", "mips64el", "MIPS64R2-generic"},
		{"qemu-ppc64", "powerpc64", "power9"},
		{"qemu-mips", "mips", "24Kf"},
		{"qemu-m68k", "m68k", "m68040"},
		{"qemu-toy", "toy", "max"},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, CPUModel(tt.qemu, tt.cpu), tt.qemu)
	}
	assert.Equal(t, []string{"4Kc", "max", "a64fx", "970", "any"}, cpuModels("MIPS '4Kc'\nx86 max  Enables all\nAvailable CPUs:\n  a64fx\nPowerPC 970  PVR 1\nany\n"))
}

func minimalTree(t *testing.T) string {
	t.Helper()
	return testkit.Copy(t, filepath.Join("arch", "arm64"))
}

// treeWithImages is minimalTree with the toolchain images bookworm and
// trixie (docker/<release>/Dockerfile).
func treeWithImages(t *testing.T) string {
	t.Helper()
	root := minimalTree(t)
	for _, release := range []string{"bookworm", "trixie"} {
		require.NoError(t, os.MkdirAll(filepath.Join(root, "docker", release), 0o755))
		require.NoError(t, os.WriteFile(filepath.Join(root, "docker", release, "Dockerfile"), []byte("FROM debian:"+release+"\n"), 0o644))
	}
	return root
}

// stack_grows and toolchain_images reach port.json, which loads; down and
// no image leave them out, as the ports of the host's release with a
// downward stack have it.
func TestNewWritesStackGrowsAndToolchainImages(t *testing.T) {
	tests := []struct {
		name      string
		spec      Spec
		wantJSON  []string
		wantGrows string
		wantOnly  []string
	}{
		{"up, in an image", Spec{Name: "toy", Triple: "riscv64-linux-gnu", StackGrows: "up", ToolchainImages: []string{"trixie"}, ToolchainImagesWhy: "its gcc miscompiles"},
			[]string{`"stack_grows": "up"`, `"toolchain_images": {`, `"only": ["trixie"]`, `"why": "its gcc miscompiles"`}, "up", []string{"trixie"}},
		{"down, on the host", Spec{Name: "toy", Triple: "riscv64-linux-gnu", StackGrows: "down", ToolchainImages: []string{}}, nil, "down", nil},
		{"from the port of the same CPU", Spec{Name: "arm64musl", Triple: "aarch64-linux-musl", CC: "aarch64-linux-musl-gcc"}, nil, "down", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			root := treeWithImages(t)
			dir, err := New(root, tt.spec)
			require.NoError(t, err)
			data, err := os.ReadFile(filepath.Join(dir, arch.DataFile))
			require.NoError(t, err)
			for _, want := range tt.wantJSON {
				assert.Contains(t, string(data), want)
			}
			if tt.wantOnly == nil {
				assert.NotContains(t, string(data), "toolchain_images")
			}
			if tt.wantGrows == "down" {
				assert.NotContains(t, string(data), "stack_grows")
			}
			ports, err := arch.Load(filepath.Join(root, "arch"))
			require.NoError(t, err)
			got, err := arch.Select(ports, []string{tt.spec.Name})
			require.NoError(t, err)
			assert.Equal(t, tt.wantGrows, got[0].Growth())
			if tt.wantOnly == nil {
				assert.Nil(t, got[0].Images)
			} else {
				require.NotNil(t, got[0].Images)
				assert.Equal(t, tt.wantOnly, got[0].Images.Only)
				assert.False(t, got[0].BuildsIn(""), "not on the host")
			}
		})
	}
	t.Run("up from the port of the same CPU", func(t *testing.T) {
		root := treeWithImages(t)
		up := filepath.Join(root, "arch", "arm64", arch.DataFile)
		data, err := os.ReadFile(up)
		require.NoError(t, err)
		data = bytes.Replace(data, []byte(`"stack_area": 0,`), []byte(`"stack_area": 0, "stack_grows": "up", "toolchain_images": {"only": ["trixie"], "why": "why not"},`), 1)
		require.NoError(t, os.WriteFile(up, data, 0o644))
		spec := Guess(root, Spec{Name: "arm64musl", Triple: "aarch64-linux-musl"})
		assert.Equal(t, "up", spec.StackGrows)
		assert.Equal(t, []string{"trixie"}, spec.ToolchainImages)
		assert.Equal(t, "why not", spec.ToolchainImagesWhy)
	})
}

func TestNewRejectsBadSpecsAndWritesNothing(t *testing.T) {
	good := Spec{Name: "toy", Triple: "riscv64-linux-gnu"}
	with := func(f func(*Spec)) Spec { s := good; f(&s); return s }
	tests := []struct {
		name    string
		spec    Spec
		wantErr string
	}{
		{"uppercase name", with(func(s *Spec) { s.Name = "Foo" }), `invalid port name "Foo": use lowercase letters and digits`},
		{"empty name", with(func(s *Spec) { s.Name = "" }), `invalid port name "": use lowercase letters and digits`},
		{"path in name", with(func(s *Spec) { s.Name = "../x" }), `invalid port name "../x": use lowercase letters and digits`},
		{"existing port", with(func(s *Spec) { s.Name = "arm64" }), `port "arm64" already exists in arch/arm64`},
		{"empty triple", with(func(s *Spec) { s.Triple = "" }), `port "toy": no triple given (SL_TRIPLE, e.g. riscv64-linux-gnu)`},
		{"triple without os", with(func(s *Spec) { s.Triple = "riscv64" }), `port "toy": invalid triple "riscv64"`},
		{"triple with spaces", with(func(s *Spec) { s.Triple = "riscv64 linux gnu" }), `port "toy": invalid triple "riscv64 linux gnu"`},
		{"unknown QEMU", with(func(s *Spec) { s.Triple = "toy-linux-gnu" }), `port "toy": no QEMU binary known for "toy-linux-gnu": give one (SL_QEMU, e.g. qemu-toy)`},
		{"compiler with flags", with(func(s *Spec) { s.CC = "gcc -m32" }), `port "toy": invalid compiler "gcc -m32": one word, no spaces`},
		{"unknown predefined macros", with(func(s *Spec) { s.Triple, s.QEMU = "toy-linux-gnu", "qemu-toy" }),
			`port "toy": no predefined-macro condition known for "toy-linux-gnu": give one (SL_PREDEFINED, e.g. defined(__toy__))`},
		{"predefined that does not parse", with(func(s *Spec) { s.Predefined = "defined(__mips__" }),
			`port "toy": predefined-macro condition "defined(__mips__" does not parse as a preprocessor condition: missing ")" at the end`},
		{"stack growing sideways", with(func(s *Spec) { s.StackGrows = "sideways" }),
			`port "toy": invalid stack_grows "sideways": the direction the stack grows, down or up`},
		{"image without a reason", with(func(s *Spec) { s.ToolchainImages = []string{"trixie"} }),
			`port "toy": toolchain_images trixie needs a reason: why the host's release cannot build the port (SL_TOOLCHAIN_IMAGES_WHY)`},
		{"reason without an image", with(func(s *Spec) { s.ToolchainImagesWhy = "old gcc" }),
			`port "toy": a reason for toolchain_images (SL_TOOLCHAIN_IMAGES_WHY) but no image named (SL_TOOLCHAIN_IMAGES)`},
		{"unknown image", with(func(s *Spec) { s.ToolchainImages, s.ToolchainImagesWhy = []string{"sid"}, "old gcc" }),
			`port "toy": toolchain_images: unknown toolchain "sid" (known: host, bookworm, trixie)`},
		{"the host as an image", with(func(s *Spec) { s.ToolchainImages, s.ToolchainImagesWhy = []string{"host"}, "old gcc" }),
			`port "toy": toolchain_images: "host" is the host, no toolchain image`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			root := treeWithImages(t)
			before := snapshot(t, root)
			_, err := New(root, tt.spec)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.wantErr)
			assert.NotContains(t, err.Error(), "\n", "one-line error")
			assert.Equal(t, before, snapshot(t, root), "nothing written")
		})
	}

	t.Run("no arch folder", func(t *testing.T) {
		root := t.TempDir()
		_, err := New(root, good)
		require.Error(t, err)
		assert.Equal(t, "no arch/ folder in "+root+": not the stackslice repository", err.Error())
		entries, _ := os.ReadDir(root)
		assert.Empty(t, entries)
	})
}

func TestNewRemovesThePortWhenAWriteFails(t *testing.T) {
	root := minimalTree(t)
	before := snapshot(t, root)
	writeFile = func(name string, data []byte, perm os.FileMode) error {
		if filepath.Base(name) == "probe.S" {
			return errors.New("disk full")
		}
		return os.WriteFile(name, data, perm)
	}
	t.Cleanup(func() { writeFile = os.WriteFile })
	_, err := New(root, Spec{Name: "toy", Triple: "riscv64-linux-gnu"})
	require.EqualError(t, err, `port "toy": writing probe.S: disk full`)
	assert.NoDirExists(t, filepath.Join(root, "arch", "toy"))
	assert.Equal(t, before, snapshot(t, root))
}

func TestDefaultsFromTheTriple(t *testing.T) {
	tests := []struct {
		triple string
		want   arch.Port
	}{
		{"mips64el-linux-gnuabi64", arch.Port{CC: "mips64el-linux-gnuabi64-gcc", Packages: []string{"gcc-mips64el-linux-gnuabi64", "libc6-dev-mips64el-cross"}, QEMU: "qemu-mips64el", Predefined: "defined(__mips64) && _MIPS_SIM == _ABI64 && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__"}},
		{"mips64-linux-gnuabi64", arch.Port{CC: "mips64-linux-gnuabi64-gcc", Packages: []string{"gcc-mips64-linux-gnuabi64", "libc6-dev-mips64-cross"}, QEMU: "qemu-mips64", Predefined: "defined(__mips64) && _MIPS_SIM == _ABI64 && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__"}},
		{"x86_64-linux-gnu", arch.Port{CC: "x86_64-linux-gnu-gcc", Packages: []string{"gcc-x86-64-linux-gnu", "libc6-dev-amd64-cross"}, QEMU: "qemu-x86_64", Predefined: "defined(__x86_64__) && !defined(__ILP32__)"}},
		{"aarch64-linux-gnu", arch.Port{CC: "aarch64-linux-gnu-gcc", Packages: []string{"gcc-aarch64-linux-gnu", "libc6-dev-arm64-cross"}, QEMU: "qemu-aarch64", Predefined: "defined(__aarch64__) && !defined(__ILP32__)"}},
		{"powerpc64-linux-gnu", arch.Port{CC: "powerpc64-linux-gnu-gcc", Packages: []string{"gcc-powerpc64-linux-gnu", "libc6-dev-ppc64-cross"}, QEMU: "qemu-ppc64", Predefined: "defined(__powerpc64__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__"}},
		{"arm-linux-gnueabihf", arch.Port{CC: "arm-linux-gnueabihf-gcc", Packages: []string{"gcc-arm-linux-gnueabihf", "libc6-dev-armhf-cross"}, QEMU: "qemu-arm", Predefined: "defined(__arm__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__"}},
	}
	for _, tt := range tests {
		t.Run(tt.triple, func(t *testing.T) {
			p, err := Spec{Name: "toy", Triple: tt.triple}.Port()
			require.NoError(t, err)
			tt.want.Name, tt.want.Triple, tt.want.QEMUCPU, tt.want.ABI, tt.want.StackArea = "toy", tt.triple, "max", "<the ABI document>", new(int)
			assert.Equal(t, tt.want, p)
		})
	}

	p, err := Spec{Name: "toy", Triple: "x86_64-linux-gnu", CC: "gcc"}.Port()
	require.NoError(t, err)
	assert.Equal(t, []string{"gcc", "libc6-dev"}, p.Packages, "the host gcc comes from Debian's gcc, its C library from libc6-dev")
}

func TestDataFileLoadsAndLooksLikeTheOthers(t *testing.T) {
	root := minimalTree(t)
	spec := Spec{Name: "mips64le", Triple: "mips64el-linux-gnuabi64", QEMUCPU: "5KEf", NativeOn: []string{"mips64"}, ABI: "MIPS n64 ABI"}
	_, err := New(root, spec)
	require.NoError(t, err)

	data, err := os.ReadFile(filepath.Join(root, "arch", "mips64le", arch.DataFile))
	require.NoError(t, err)
	assert.Equal(t, `{
  "name": "mips64le",
  "triple": "mips64el-linux-gnuabi64",
  "cc": "mips64el-linux-gnuabi64-gcc",
  "packages": ["gcc-mips64el-linux-gnuabi64", "libc6-dev-mips64el-cross"],
  "qemu": "qemu-mips64el",
  "qemu_cpu": "5KEf",
  "native_on": ["mips64"],
  "predefined": "defined(__mips64) && _MIPS_SIM == _ABI64 && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__",
  "abi": "MIPS n64 ABI",
  "stack_area": 0,
  "asm": {
    "registers": [
      {"class": "GPR", "names": "r[0-9]+", "bytes": 8}
    ],
    "saves": {
      "st": {"form": "single"}
    },
    "restores": {
      "ld": {"form": "single"}
    },
    "returns": ["ret"]
  }
}
`, string(data))

	ports, err := arch.Load(filepath.Join(root, "arch"))
	require.NoError(t, err)
	got, err := arch.Select(ports, []string{"mips64le"})
	require.NoError(t, err)
	want, err := spec.Port()
	require.NoError(t, err)
	want.Dir = filepath.Join(root, "arch", "mips64le")
	want.Asm = &starterAsm
	assert.Equal(t, want, got[0])
}

// port:new writes fp_rounding: as given, or else that of an existing port
// of the same CPU; probe.S gets a slot line for each, so the port loads
// (arch checks that fp_rounding names slots of probe.S).
func TestNewWritesFPRounding(t *testing.T) {
	tests := []struct {
		name string
		spec Spec
		want []string
	}{
		{"from the port of the same CPU", Spec{Name: "arm64musl", Triple: "aarch64-linux-musl", CC: "aarch64-linux-musl-gcc"}, []string{"fpcr"}},
		{"as given", Spec{Name: "toy", Triple: "aarch64-linux-gnu", FPRounding: []string{"fpcr", "fpsr"}}, []string{"fpcr", "fpsr"}},
		{"unknown CPU, none given", Spec{Name: "mips64le", Triple: "mips64el-linux-gnuabi64"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			root := minimalTree(t)
			dir, err := New(root, tt.spec)
			require.NoError(t, err)
			data, err := os.ReadFile(filepath.Join(dir, arch.DataFile))
			require.NoError(t, err)
			probe, err := os.ReadFile(filepath.Join(dir, "probe.S"))
			require.NoError(t, err)
			if tt.want == nil {
				assert.NotContains(t, string(data), "fp_rounding")
			} else {
				assert.Contains(t, string(data), `"fp_rounding": ["`+strings.Join(tt.want, `", "`)+`"]`)
			}
			for _, reg := range tt.want {
				assert.Regexp(t, `(?m)^\tslot\t`+reg+`, <fixed>, <mask`, string(probe))
			}
			ports, err := arch.Load(filepath.Join(root, "arch"))
			require.NoError(t, err, "the new port loads: its fp_rounding names slots of its probe.S")
			got, err := arch.Select(ports, []string{tt.spec.Name})
			require.NoError(t, err)
			assert.Equal(t, tt.want, got[0].FPRounding)
		})
	}
	t.Run("a slot name is one word", func(t *testing.T) {
		_, err := New(minimalTree(t), Spec{Name: "toy", Triple: "aarch64-linux-gnu", FPRounding: []string{"fp cr"}})
		require.EqualError(t, err, `port "toy": invalid fp_rounding slot "fp cr": one word, no spaces`)
	})
}

func TestAsk(t *testing.T) {
	t.Run("asks for what is missing, Enter takes the default", func(t *testing.T) {
		var out bytes.Buffer
		spec, err := Ask(strings.NewReader("riscv64\nriscv64-linux-gnu\n\n\nrv64\n\n8\nfcsr\nsideways\nup\nsid\ntrixie\nits gcc miscompiles\n"), &out, treeWithImages(t), Spec{Name: "toy"})
		require.NoError(t, err)
		assert.Equal(t, Spec{Name: "toy", Triple: "riscv64-linux-gnu", CC: "riscv64-linux-gnu-gcc", QEMU: "qemu-riscv64", QEMUCPU: "rv64",
			Predefined: "defined(__riscv) && __riscv_xlen == 64", StackArea: "8", FPRounding: []string{"fcsr"},
			StackGrows: "up", ToolchainImages: []string{"trixie"}, ToolchainImagesWhy: "its gcc miscompiles"}, spec)
		assert.Equal(t, "Target triple (e.g. riscv64-linux-gnu): "+
			"  port \"toy\": invalid triple \"riscv64\": want <cpu>-<os>[-<abi>] in lowercase, e.g. riscv64-linux-gnu\n"+
			"Target triple (e.g. riscv64-linux-gnu): "+
			"C compiler [riscv64-linux-gnu-gcc]: "+
			"QEMU user-mode binary [qemu-riscv64]: "+
			"QEMU CPU model [rv64]: "+
			"Condition on the compiler's predefined macros [defined(__riscv) && __riscv_xlen == 64]: "+
			"Bytes a callee may write above its caller's stack pointer (stack_area) [0]: "+
			"Probe slots that hold the FP rounding mode (fp_rounding, e.g. fcsr; - for none) [-]: "+
			"Direction the stack grows (stack_grows: down or up) [down]: "+
			"  port \"toy\": invalid stack_grows \"sideways\": the direction the stack grows, down or up\n"+
			"Direction the stack grows (stack_grows: down or up) [down]: "+
			"Toolchain images that alone build the port (toolchain_images, e.g. trixie; - for none: the host's release builds it) [-]: "+
			"  port \"toy\": toolchain_images: unknown toolchain \"sid\" (known: host, bookworm, trixie)\n"+
			"Toolchain images that alone build the port (toolchain_images, e.g. trixie; - for none: the host's release builds it) [-]: "+
			"Why the host's release cannot build it: ", out.String())
	})

	t.Run("an image needs its reason", func(t *testing.T) {
		_, err := Ask(strings.NewReader("trixie\n"), &bytes.Buffer{}, treeWithImages(t),
			Spec{Name: "toy", Triple: "riscv64-linux-gnu", CC: "cc", QEMU: "q", QEMUCPU: "c", Predefined: "defined(__toy__)", StackArea: "0", FPRounding: []string{"fcsr"}, StackGrows: "down"})
		require.EqualError(t, err, `port "toy": no toolchain_images reason given`)
	})

	t.Run("what a port of the same CPU tells is not asked", func(t *testing.T) {
		var out bytes.Buffer
		spec, err := Ask(strings.NewReader("aarch64-linux-musl\n"), &out, minimalTree(t), Spec{Name: "toy"})
		require.NoError(t, err)
		assert.Equal(t, "0", spec.StackArea)
		assert.Equal(t, []string{"fpcr"}, spec.FPRounding)
		assert.Equal(t, "down", spec.StackGrows)
		assert.NotContains(t, out.String(), "stack_area")
		assert.NotContains(t, out.String(), "fp_rounding")
		assert.NotContains(t, out.String(), "stack_grows")
	})

	t.Run("QEMU is asked again when there is no default", func(t *testing.T) {
		var out bytes.Buffer
		spec, err := Ask(strings.NewReader("toy-linux-gnu\ntoycc\n\nqemu-toy\n\ndefined(__toy__)\n"), &out, minimalTree(t), Spec{Name: "toy"})
		require.NoError(t, err)
		assert.Equal(t, Spec{Name: "toy", Triple: "toy-linux-gnu", CC: "toycc", QEMU: "qemu-toy", QEMUCPU: "max", Predefined: "defined(__toy__)", StackArea: "0",
			StackGrows: "down", ToolchainImages: []string{}}, spec)
		assert.Contains(t, out.String(), "QEMU user-mode binary:   an answer is needed\nQEMU user-mode binary: ")
	})

	t.Run("asks nothing when the spec is complete", func(t *testing.T) {
		var out bytes.Buffer
		full := Spec{Name: "toy", Triple: "riscv64-linux-gnu", CC: "cc", QEMU: "q", QEMUCPU: "c", Predefined: "defined(__toy__)", StackArea: "0", FPRounding: []string{"fcsr"},
			StackGrows: "down", ToolchainImages: []string{}}
		spec, err := Ask(strings.NewReader(""), &out, minimalTree(t), full)
		require.NoError(t, err)
		assert.Equal(t, full, spec)
		assert.Empty(t, out.String())
	})

	t.Run("end of input takes the defaults", func(t *testing.T) {
		spec, err := Ask(strings.NewReader("s390x-linux-gnu"), &bytes.Buffer{}, minimalTree(t), Spec{Name: "toy"})
		require.NoError(t, err)
		assert.Equal(t, Spec{Name: "toy", Triple: "s390x-linux-gnu", CC: "s390x-linux-gnu-gcc", QEMU: "qemu-s390x", QEMUCPU: "max", Predefined: "defined(__s390x__)", StackArea: "0",
			StackGrows: "down", ToolchainImages: []string{}}, spec)
	})

	t.Run("end of input without a triple is an error", func(t *testing.T) {
		_, err := Ask(strings.NewReader(""), &bytes.Buffer{}, minimalTree(t), Spec{Name: "toy"})
		require.EqualError(t, err, `port "toy": no triple given`)
	})
}

func TestFromEnv(t *testing.T) {
	env := map[string]string{"SL_TRIPLE": " riscv64-linux-gnu ", "SL_CC": "riscv64-linux-gnu-gcc-14", "SL_QEMU": "qemu-riscv64", "SL_QEMU_CPU": "rv64", "SL_ABI": "lp64d", "SL_PREDEFINED": "defined(__riscv)",
		"SL_FP_ROUNDING": " fcsr, frm ", "SL_STACK_AREA": "0", "SL_STACK_GROWS": " up ", "SL_TOOLCHAIN_IMAGES": "trixie, bookworm", "SL_TOOLCHAIN_IMAGES_WHY": " old gcc "}
	assert.Equal(t, Spec{Name: "toy", Triple: "riscv64-linux-gnu", CC: "riscv64-linux-gnu-gcc-14", QEMU: "qemu-riscv64", QEMUCPU: "rv64", ABI: "lp64d", Predefined: "defined(__riscv)",
		FPRounding: []string{"fcsr", "frm"}, StackArea: "0", StackGrows: "up", ToolchainImages: []string{"trixie", "bookworm"}, ToolchainImagesWhy: "old gcc"},
		FromEnv("toy", func(k string) string { return env[k] }))
	assert.Equal(t, []string{}, FromEnv("toy", func(k string) string { return map[string]string{"SL_TOOLCHAIN_IMAGES": "-"}[k] }).ToolchainImages, "- is none, said")
	assert.Equal(t, Spec{Name: "toy"}, FromEnv("toy", func(string) string { return "" }))
}

// tripleFor is a triple of the family of cpu, as Debian spells it.
func tripleFor(cpu string) string {
	switch cpu {
	case "arm":
		return "arm-linux-gnueabihf"
	case "mips64", "mips64el":
		return cpu + "-linux-gnuabi64"
	}
	return cpu + "-linux-gnu"
}

// The templates fail to assemble on every triple family with their own
// .error and nothing else: on 32-bit arm, where @ starts a comment, an
// @function once buried it under eight misleading errors.
func TestTemplatesFailWithTheirOwnErrorOnly(t *testing.T) {
	if testing.Short() {
		t.Skip("runs assemblers")
	}
	toolchaintest.Need(t, toolchain.ClangTool)
	mustCheck := map[string]bool{"x86_64": true, "i686": true, "aarch64": true, "arm": true, "powerpc64le": true,
		"riscv64": true, "s390x": true, "mips64el": true}
	var checked []string
	for cpu := range qemuByCPU {
		triple := tripleFor(cpu)
		dir := t.TempDir()
		if out, err := exec.Command("clang", "--target="+triple, "-c", "-x", "assembler-with-cpp", "/dev/null", "-o", filepath.Join(dir, "probe.o")).CombinedOutput(); err != nil {
			require.False(t, mustCheck[cpu], "clang cannot assemble for %s: %s", triple, out)
			t.Logf("not checked: clang cannot assemble for %s", triple)
			continue
		}
		files, err := render(arch.Port{Name: "toy", Triple: triple, ABI: "toy ABI"})
		require.NoError(t, err)
		for _, name := range portFiles[:len(portFiles)-1] {
			src := filepath.Join(dir, name)
			require.NoError(t, os.WriteFile(src, files[name], 0o644))
			// The integrated assembler, whose errors the test reads: clang
			// hands sparc64 to GNU as by default.
			out, err := exec.Command("clang", "--target="+triple, "-fintegrated-as", "-I", filepath.Join(testkit.Root(t), "core"), "-c", src, "-o", filepath.Join(dir, "out.o")).CombinedOutput()
			require.Error(t, err, "%s %s assembled", triple, name)
			var errorLines []string
			for _, line := range strings.Split(string(out), "\n") {
				if strings.Contains(line, "error:") {
					errorLines = append(errorLines, line)
				}
			}
			require.Len(t, errorLines, 1, "%s %s:\n%s", triple, name, out)
			assert.Contains(t, errorLines[0], "arch/toy/"+name+" is a template", "%s", triple)
		}
		checked = append(checked, cpu)
	}
	for cpu := range mustCheck {
		assert.Contains(t, checked, cpu)
	}
}

// A 7th port dropped in as one folder (here a copy of riscv64 under a new
// name) passes test:arch, examples included, and test:mutants, with no
// other file changed: every list of ports is derived. Only the one-line
// build's arch/switch.S waits for port:select, which mage lint points out.
// repositoryEntries are the top-level files and folders of the repository
// (what git tracks), for a copy that go test runs in.
func repositoryEntries(t *testing.T) []string {
	out, err := exec.Command("git", "-C", testkit.Root(t), "ls-files").Output()
	if err != nil {
		t.Skipf("git ls-files: %v", err)
	}
	var names []string
	for _, f := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		top, _, _ := strings.Cut(f, "/")
		if !slices.Contains(names, top) {
			names = append(names, top)
		}
	}
	return names
}

func TestADroppedInPortPasses(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs a port")
	}
	root := testkit.Copy(t, repositoryEntries(t)...)
	require.NoError(t, os.CopyFS(filepath.Join(root, "arch", "riscv64b"), os.DirFS(filepath.Join(root, "arch", "riscv64"))))
	testkit.Edit(t, root, "arch/riscv64b/port.json", func(s string) string {
		return strings.Replace(s, `"name": "riscv64"`, `"name": "riscv64b"`, 1)
	})
	before := snapshot(t, root)

	var out bytes.Buffer
	runs, err := harness.Test(context.Background(), harness.Options{Root: root, Ports: []string{"riscv64b"}, OutDir: t.TempDir(), Out: &out})
	require.NoError(t, err, out.String())
	var builds []string
	for _, r := range runs {
		builds = append(builds, r.Build)
	}
	assert.Equal(t, []string{"gcc-O0", "gcc-O2", "examples"}, builds)
	out.Reset()
	require.NoError(t, harness.Mutants(context.Background(), harness.Options{Root: root, Ports: []string{"riscv64b"}, OutDir: t.TempDir(), Out: &out}), out.String())
	assert.Contains(t, out.String(), "riscv64b: 52 of 52 mutants killed (100%)")

	// The hermetic tier of the whole repository passes with the copy in it:
	// no Go table, test or file elsewhere needs to know the port.
	goTest := exec.Command("go", "test", "-short", "-count=1", "./...")
	goTest.Dir = root
	testOut, err := goTest.CombinedOutput()
	require.NoError(t, err, "go test -short ./... with arch/riscv64b:\n%s", testOut)

	assert.Equal(t, before, snapshot(t, root), "nothing in the tree was written")
	assert.ErrorContains(t, lint.Selector(root), "arch/switch.S is stale")
	require.NoError(t, arch.WriteSelector(filepath.Join(root, "arch")))
	assert.NoError(t, lint.Selector(root))
	// So does the README's ports table, which mage docs writes.
	assert.ErrorContains(t, lint.PortsTable(root), "the ports table has no row for riscv64b (arch/riscv64b/port.json); run `go run github.com/magefile/mage docs`")
	require.NoError(t, lint.WritePortsTable(root))
	assert.NoError(t, lint.PortsTable(root))
}

// macrosByTriple stands for the compiler in CheckExclusive: the macros of
// each triple of the minimal tree (arm64) and of the new port's.
func macrosByTriple(m map[string]string) func(context.Context, string) (map[string]string, error) {
	return func(_ context.Context, triple string) (map[string]string, error) {
		switch triple {
		case "aarch64-linux-gnu":
			return map[string]string{"__aarch64__": "1", "__LP64__": "1"}, nil
		case "riscv64-linux-gnu":
			return m, nil
		}
		return nil, errors.New("unknown target " + triple)
	}
}

// No two ports may match the same target: the new condition must hold for
// its own target only, and no existing one for the new target.
func TestCheckExclusive(t *testing.T) {
	root := minimalTree(t)
	riscv := map[string]string{"__riscv": "1", "__riscv_xlen": "64", "__LP64__": "1"}
	spec := func(predefined string) Spec {
		return Spec{Name: "toy", Triple: "riscv64-linux-gnu", Predefined: predefined}
	}
	ctx := context.Background()
	notes, err := CheckExclusive(ctx, root, spec("defined(__riscv) && __riscv_xlen == 64"), macrosByTriple(riscv))
	require.NoError(t, err)
	assert.Empty(t, notes)
	check := func(s Spec, predefines func(context.Context, string) (map[string]string, error)) error {
		_, err := CheckExclusive(ctx, root, s, predefines)
		return err
	}
	assert.EqualError(t, check(spec("defined(__LP64__)"), macrosByTriple(riscv)),
		`port "toy": predefined-macro condition "defined(__LP64__)" also holds for port arm64's target aarch64-linux-gnu: arch/switch.S would assemble one port for the other; make the conditions exclusive`)
	assert.EqualError(t, check(spec("defined(__riscv) && __riscv_xlen == 32"), macrosByTriple(riscv)),
		`port "toy": predefined-macro condition "defined(__riscv) && __riscv_xlen == 32" does not hold for its own target riscv64-linux-gnu: arch/switch.S would never pick it`)
	// A compiler that says aarch64 for the new target too: arm64's
	// condition would pick arm64's switch for it.
	both := map[string]string{"__riscv": "1", "__aarch64__": "1"}
	assert.EqualError(t, check(spec("defined(__riscv)"), macrosByTriple(both)),
		`port "toy": port arm64's predefined-macro condition "defined(__aarch64__) && !defined(__ILP32__)" also holds for the new target riscv64-linux-gnu: arch/switch.S would pick arm64 for it; make the conditions exclusive`)
	err = check(Spec{Name: "toy", Triple: "toy-linux-gnu", QEMU: "qemu-toy", Predefined: "defined(__toy__)"}, macrosByTriple(riscv))
	assert.EqualError(t, err, `port "toy": cannot prove its predefined-macro condition apart from the other ports': unknown target toy-linux-gnu`)

	// A port this host has no compiler for: an error, unless the port is
	// built only in a toolchain image; then its own condition is still
	// checked on the new target, and a note says what was left out.
	lost := func(_ context.Context, triple string) (map[string]string, error) {
		if triple == "aarch64-linux-gnu" {
			return nil, errors.New("exec: aarch64-linux-gnu-gcc: not found")
		}
		return riscv, nil
	}
	assert.EqualError(t, check(spec("defined(__riscv)"), lost),
		`port "toy": cannot prove its predefined-macro condition apart from the other ports': exec: aarch64-linux-gnu-gcc: not found`)
	testkit.Edit(t, root, "arch/arm64/port.json", func(s string) string {
		return strings.Replace(s, "{\n", "{\n  \"toolchain_images\": {\"only\": [\"trixie\"], \"why\": \"a test\"},\n", 1)
	})
	notes, err = CheckExclusive(ctx, root, spec("defined(__riscv)"), lost)
	require.NoError(t, err)
	assert.Equal(t, []string{`port "toy": not proven apart from port arm64 on its target aarch64-linux-gnu: arm64 builds only in toolchain image trixie, and this host cannot tell that target's macros: exec: aarch64-linux-gnu-gcc: not found`}, notes)
	assert.EqualError(t, check(spec("defined(__riscv) || defined(__aarch64__)"), macrosByTriple(both)),
		`port "toy": port arm64's predefined-macro condition "defined(__aarch64__) && !defined(__ILP32__)" also holds for the new target riscv64-linux-gnu: arch/switch.S would pick arm64 for it; make the conditions exclusive`)
}

// With the real compiler: every port of the repository is picked for its
// own target and no other's, and a new port overlapping one is refused.
func TestEveryPortsConditionIsExclusive(t *testing.T) {
	testkit.Integration(t)
	if _, err := exec.LookPath("clang"); err != nil {
		t.Skip("clang is not installed (mage setup installs it)")
	}
	ctx := context.Background()
	root := testkit.Root(t)
	ports := toolchaintest.Ports(t, root)
	// Where clang has no target (alpha, hppa, sh4) the port's gcc tells:
	// installed here, as a fresh machine has none before the harness runs.
	toolchaintest.NeedToolchains(t, toolchaintest.HostPorts(t, root)...)
	for _, p := range ports {
		macros, err := toolchain.Predefines(ctx, p.Triple)
		if err != nil && !p.BuildsIn("") {
			// Its host gcc is not installed: the port builds only in a
			// toolchain image. Its condition is still checked against
			// every other port's target below.
			t.Logf("not checked on its own target: %s builds only in toolchain image %v: %v", p.Name, p.Images.Only, err)
			continue
		}
		require.NoError(t, err)
		for _, q := range ports {
			cond, err := arch.ParseCondition(q.Predefined)
			require.NoError(t, err)
			holds, err := cond.Holds(macros)
			require.NoError(t, err)
			assert.Equal(t, p.Name == q.Name, holds, "port %s's condition %q on %s's target %s", q.Name, q.Predefined, p.Name, p.Triple)
		}
	}
	_, err := CheckExclusive(ctx, root, Spec{Name: "x32", Triple: "x86_64-linux-gnux32", QEMU: "qemu-x86_64", Predefined: "defined(__x86_64__)"}, toolchain.Predefines)
	assert.ErrorContains(t, err, `also holds for port amd64's target x86_64-linux-gnu`)
	notes, err := CheckExclusive(ctx, root, Spec{Name: "x32", Triple: "x86_64-linux-gnux32", QEMU: "qemu-x86_64",
		Predefined: "defined(__x86_64__) && defined(__ILP32__)"}, toolchain.Predefines)
	require.NoError(t, err)
	// Only a port built in a toolchain image, whose compiler this host may
	// lack, is left out, and said.
	for _, note := range notes {
		assert.Regexp(t, `^port "x32": not proven apart from port \S+ on its target \S+: \S+ builds only in toolchain image `, note)
	}
}
