package lint

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The repository's docs hold their links, anchors, knobs and targets. The
// ports table and the mutation scores are left to mage lint, as
// arch/switch.S is (Selector): a port dropped in as a folder passes the
// tests before its rows are written (scaffold's TestADroppedInPortPasses).
func TestDocsRepo(t *testing.T) {
	root := repoRoot(t)
	require.NoError(t, Links(root))
	require.NoError(t, KnobTable(root))
	require.NoError(t, TargetTable(root))
	// The knobs come from every way the code reads them.
	knobs, err := Knobs(repoRoot(t))
	require.NoError(t, err)
	for _, k := range []string{"SL_CASES", "SL_BENCH_QUICK", "SL_TRIPLE", "SL_DOCKER_TEST", "SL_CORE_MUTANTS_TEST", "SL_SEED"} {
		assert.Contains(t, knobs, k)
	}
}

func TestSlug(t *testing.T) {
	tests := []struct{ heading, want string }{
		{"How it works", "how-it-works"},
		{"Using the core from C", "using-the-core-from-c"},
		{"port.json", "portjson"},
		{"What `mage lint` checks", "what-mage-lint-checks"},
		{"The `SL_CASES` knob", "the-sl_cases-knob"},
		{"Verdicts and the mutation check!", "verdicts-and-the-mutation-check"},
		{"A [link](x.md) inside", "a-link-inside"},
		{"Ports: arm -- mips", "ports-arm----mips"},
		{"Ünïcode stays", "ünïcode-stays"},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, Slug(tt.heading), tt.heading)
	}
	anchors := Anchors("# Top\n## Cost\n```\n## not a heading\n```\n## Cost\n<a id=\"custom\"></a>\n")
	assert.Equal(t, map[string]bool{"top": true, "cost": true, "cost-1": true, "custom": true}, anchors)
}

func TestLinks(t *testing.T) {
	docs := map[string]string{
		"docs/a.md":   "# A\n\n## The part\n",
		"core/port.h": "",
	}
	tests := []struct{ name, readme, want string }{
		{"good", "# R\n[a](docs/a.md) [part](docs/a.md#the-part) [self](#r) [dir](core/) [h](core/port.h) [web](https://example.com/x#y)\n", ""},
		{"a link in code is no link", "# R\n`[x](gone.md)`\n```\n[x](gone.md)\n```\n", ""},
		{"broken link", "# R\n\nsee [b](docs/b.md)\n", "README.md:3: link docs/b.md: no such file or folder docs/b.md"},
		{"missing anchor", "# R\n[a](docs/a.md#the-whole)\n", "README.md:2: link docs/a.md#the-whole: no heading of docs/a.md has the anchor #the-whole"},
		{"missing anchor in the same file", "# R\n[x](#nowhere)\n", "README.md:2: link #nowhere: no heading of README.md has the anchor #nowhere"},
		{"anchor into a source file", "# R\n[x](core/port.h#l1)\n", "README.md:2: link core/port.h#l1: an anchor into core/port.h, which is no markdown document"},
		{"out of the tree", "# R\n[x](../x.md)\n", "README.md:2: link ../x.md: leads out of the repository"},
		{"reference link", "# R\n[x]: docs/c.md\n", "README.md:2: link docs/c.md: no such file or folder docs/c.md"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			files := map[string]string{"README.md": tt.readme}
			for k, v := range docs {
				files[k] = v
			}
			err := Links(writeTree(t, files))
			if tt.want == "" {
				require.NoError(t, err)
				return
			}
			require.EqualError(t, err, tt.want)
		})
	}
	// A link from docs/ is relative to docs/.
	root := writeTree(t, map[string]string{"README.md": "# R\n", "docs/a.md": "[r](../README.md#r) [b](b.md)\n", "docs/b.md": ""})
	require.NoError(t, Links(root))
}

const knobCode = `package x

import "os"

const EnvCases = "SL_CASES"

func FromEnv(getenv func(string) string) string { return getenv(EnvCases) }

func Spec(getenv func(string) string) string {
	get := func(key string) string { return getenv(key) }
	return get("SL_TRIPLE")
}

var _ = os.Getenv("SL_OUT")

// Names that are no knob: a C macro's name, and a string set, not read.
var defines = []string{"SL_VERSION_MAJOR"}

func set() { os.Setenv("SL_NOT_READ", "1") }
`

func knobTree(t *testing.T, table string) string {
	return writeTree(t, map[string]string{
		"x/x.go":      knobCode,
		"x/x_test.go": "package x\n\nimport \"os\"\n\nvar gate = os.Getenv(\"SL_SLOW_TEST\")\n",
		"runner/r.c":  "const char *s = getenv(\"SL_SEED\");\n",
		"README.md":   "# R\n",
		KnobDoc:       "# H\n\n" + table,
	})
}

func TestKnobs(t *testing.T) {
	knobs, err := Knobs(knobTree(t, ""))
	require.NoError(t, err)
	assert.Equal(t, map[string]string{"SL_CASES": "x/x.go", "SL_TRIPLE": "x/x.go", "SL_OUT": "x/x.go", "SL_SLOW_TEST": "x/x_test.go", "SL_SEED": "runner/r.c"}, knobs)
}

func TestKnobTable(t *testing.T) {
	const head = "| variable | effect |\n|---|---|\n"
	const all = "| `SL_CASES=<re>` | a |\n| `SL_TRIPLE`, `SL_OUT` | b |\n| `SL_SLOW_TEST=1` | c |\n| `SL_SEED` | d |\n"
	tests := []struct{ name, table, want string }{
		{"every knob", head + all, ""},
		{"an undocumented knob", head + strings.Replace(all, "| `SL_SEED` | d |\n", "", 1), "docs/harness.md: the knob table has no row for SL_SEED, which runner/r.c reads; add one"},
		{"a knob that no longer exists", head + all + "| `SL_GONE=1` | e |\n", "docs/harness.md:9: the knob table documents SL_GONE, which no code reads (os.Getenv or a getenv parameter in Go, getenv in C); remove its row"},
		{"prose setting a knob nobody reads", head + all + "\nrun with SL_OLD=1\n", "docs/harness.md:10: SL_OLD= sets a knob no code reads"},
		{"no table", "nothing\n", `docs/harness.md: no knob table (a table whose header is "| variable | effect |")`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := KnobTable(knobTree(t, tt.table))
			if tt.want == "" {
				require.NoError(t, err)
				return
			}
			require.EqualError(t, err, tt.want)
		})
	}
}

const toyMagefile = `//go:build mage

package main

import "github.com/magefile/mage/mg"

// Test runs things.
type Test mg.Namespace

// All runs everything.
func (Test) All() error { return nil }

// Arch runs one port.
func (Test) Arch(name string) error { return nil }

// Lint checks.
func Lint() error { return nil }

// helper is no target.
func helper() {}
`

func TestTargetTable(t *testing.T) {
	const head = "| target | what it does |\n|---|---|\n"
	const all = "| `test:all` | a |\n| `test:arch <name>` | b |\n| `lint` | c |\n"
	tests := []struct{ name, magefile, table, want string }{
		{"every target", toyMagefile, head + all, ""},
		{"a missing target", toyMagefile, head + strings.Replace(all, "| `lint` | c |\n", "", 1), "docs/harness.md: the target table has no row for lint (magefile.go:17); add one"},
		{"a target that no longer exists", toyMagefile, head + all + "| `test:gone` / `test:gone all` | d |\n", "docs/harness.md:8: the target table documents test:gone, which magefile.go does not define (`go run github.com/magefile/mage -l` lists the targets)"},
		{"a doc comment detached by a blank line", strings.Replace(toyMagefile, "// Lint checks.\n", "// Lint checks.\n\n", 1), head + all,
			"magefile.go:18: target lint has no doc comment, so `mage -l` shows it with no description (a blank line between the comment and the func detaches it)"},
		{"no table", toyMagefile, "none\n", `docs/harness.md: no target table (a table whose header is "| target | what it does |")`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			root := writeTree(t, map[string]string{Magefile: tt.magefile, TargetDoc: "# H\n\n" + tt.table})
			err := TargetTable(root)
			if tt.want == "" {
				require.NoError(t, err)
				return
			}
			require.EqualError(t, err, tt.want)
		})
	}
	require.NoError(t, TargetTable(t.TempDir()), "no magefile: nothing to check")
}

// The repository's magefile: every target has a description for mage -l.
func TestRepoTargetsHaveDocs(t *testing.T) {
	targets, err := Targets(filepath.Join(repoRoot(t), Magefile))
	require.NoError(t, err)
	require.NotEmpty(t, targets)
	for _, tgt := range targets {
		assert.NotEmpty(t, tgt.Doc, tgt.Name)
	}
	assert.Contains(t, targetNames(targets), "test:mutants")
}

func TestMageName(t *testing.T) {
	for in, want := range map[string]string{"All": "all", "PortsTable": "portsTable", "HTTPServer": "httpServer", "CI": "ci", "Lint": "lint"} {
		assert.Equal(t, want, mageName(in), in)
	}
}

func targetNames(ts []Target) []string {
	var names []string
	for _, t := range ts {
		names = append(names, t.Name)
	}
	return names
}

const toyPort = `{"name":"toy","triple":"toy-linux-gnu","cc":"toy-gcc","packages":["gcc-toy"],"qemu":"qemu-toy","qemu_cpu":"max","predefined":"defined(__toy__)","abi":"toy ABI","stack_area":0,"area_bytes":32,
	"asm":{"registers":[{"class":"GPR","names":"r[0-9]+"}],"saves":{"st":{"form":"single"}},"restores":{"ld":{"form":"single"}},"returns":["ret"]}}`

const toySwitch = `sl_arch_switch:
	/* 1. save */
	st r1, 1*8(a0)
	st r2, 2*8(a0)
	/* 2. call sl_core_leave */
	/* 5. restore */
	ld r1, 1*8(s0)
	ld r2, 2*8(s0)
	ret
	.size sl_arch_switch, .-sl_arch_switch
`

const toyReadme = "# R\n\n" + portsTableBegin + "\n" + portsTableEnd + "\n\ntext\n"

// mage docs writes the ports table, and lint names each stale row and the
// command that rewrites it.
func TestPortsTable(t *testing.T) {
	root := writeTree(t, map[string]string{"arch/toy/port.json": toyPort, "arch/toy/switch.S": toySwitch, "README.md": toyReadme})
	err := PortsTable(root)
	require.EqualError(t, err, "README.md: the ports table's header is stale; run `go run github.com/magefile/mage docs`\nREADME.md: the ports table has no row for toy (arch/toy/port.json); run `go run github.com/magefile/mage docs`")

	require.NoError(t, WritePortsTable(root))
	require.NoError(t, PortsTable(root))
	data, err := os.ReadFile(filepath.Join(root, "README.md"))
	require.NoError(t, err)
	assert.Equal(t, "# R\n\n"+portsTableBegin+"\n"+
		"| port | triple | ABI | QEMU | compilers | cases | register area | mutants |\n|---|---|---|---|---|---|---|---|\n"+
		"| [toy](arch/toy/) | `toy-linux-gnu` | toy ABI | `qemu-toy -cpu max` | `toy-gcc`, clang | every case | 32 bytes | 4 (saves 2 GPR) |\n"+
		portsTableEnd+"\n\ntext\n", string(data))
	require.NoError(t, WritePortsTable(root), "idempotent")
	again, _ := os.ReadFile(filepath.Join(root, "README.md"))
	assert.Equal(t, string(data), string(again))

	// A port that builds only in a toolchain image says so in its row.
	write(t, root, "arch/toy/port.json", strings.Replace(toyPort, `"qemu_cpu":"max"`, `"qemu_cpu":"max","toolchain_images":{"only":["trixie"],"why":"x"}`, 1))
	require.EqualError(t, PortsTable(root), "README.md: the ports table's row for toy is stale; run `go run github.com/magefile/mage docs`")
	require.NoError(t, WritePortsTable(root))
	data, err = os.ReadFile(filepath.Join(root, "README.md"))
	require.NoError(t, err)
	assert.Contains(t, string(data), "| `toy-gcc`, clang; only in the toolchain image `trixie` (elsewhere skipped, and said) |")

	// A port's data changes: its row is stale.
	write(t, root, "arch/toy/port.json", strings.Replace(toyPort, `"qemu_cpu":"max"`, `"qemu_cpu":"toy2"`, 1))
	require.EqualError(t, PortsTable(root), "README.md: the ports table's row for toy is stale; run `go run github.com/magefile/mage docs`")
	// Its switch.S loses a save: the mutants column is stale too.
	require.NoError(t, WritePortsTable(root))
	write(t, root, "arch/toy/switch.S", strings.Replace(toySwitch, "\tst r2, 2*8(a0)\n", "", 1))
	require.EqualError(t, PortsTable(root), "README.md: the ports table's row for toy is stale; run `go run github.com/magefile/mage docs`")

	// A port that keeps its registers on the stack, in the slice every
	// switch copies, or does not size its register area, breaks the
	// contract.
	require.NoError(t, WritePortsTable(root))
	write(t, root, "arch/toy/switch.S", strings.Replace(toySwitch, "call sl_core_leave", "call sl_core_save", 1))
	require.EqualError(t, PortsTable(root), "README.md: the ports table: port toy: its switch.S never calls sl_core_leave: a port keeps its registers in the coroutine's register area, not on the stack in the slice every switch copies (core/port.h; sl_core_save is for foreign switches)")
	write(t, root, "arch/toy/switch.S", toySwitch)
	write(t, root, "arch/toy/port.json", strings.Replace(toyPort, `"area_bytes":32,`, "", 1))
	require.EqualError(t, PortsTable(root), "README.md: the ports table: port toy: arch/toy/port.json sets no area_bytes, the size of the register area its switch.S saves into (core/port.h)")
	write(t, root, "arch/toy/port.json", toyPort)

	// A new port folder lands: the table lacks its row until regenerated.
	require.NoError(t, WritePortsTable(root))
	write(t, root, "arch/zed/port.json", strings.ReplaceAll(toyPort, "toy", "zed"))
	write(t, root, "arch/zed/switch.S", toySwitch)
	require.EqualError(t, PortsTable(root), "README.md: the ports table has no row for zed (arch/zed/port.json); run `go run github.com/magefile/mage docs`")
	require.NoError(t, WritePortsTable(root))
	require.NoError(t, PortsTable(root))

	// A port folder goes: its row is named.
	require.NoError(t, os.RemoveAll(filepath.Join(root, "arch", "zed")))
	require.EqualError(t, PortsTable(root), "README.md: the ports table has a row for zed, which is no port of arch/*/port.json; run `go run github.com/magefile/mage docs`")

	// No markers: the error says where the table goes.
	write(t, root, "README.md", "# R\n")
	require.ErrorContains(t, PortsTable(root), "README.md: no generated ports table")
	require.ErrorContains(t, WritePortsTable(root), "README.md: no generated ports table")
	require.NoError(t, PortsTable(t.TempDir()), "no arch/: nothing to check")
}

// write writes body to the file name (a slash path relative to root).
func write(t *testing.T, root, name, body string) {
	t.Helper()
	p := filepath.Join(root, filepath.FromSlash(name))
	require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o755))
	require.NoError(t, os.WriteFile(p, []byte(body), 0o644))
}
