package lint

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/stackslice/stackslice/arch"
	"github.com/stackslice/stackslice/harness"
	"github.com/stackslice/stackslice/internal/text"
)

func repoRoot(t *testing.T) string {
	t.Helper()
	root, err := harness.Root()
	require.NoError(t, err)
	return root
}

// writeTree writes files (slash paths relative to root) into a new temp dir.
func writeTree(t *testing.T, files map[string]string) string {
	t.Helper()
	root := t.TempDir()
	for name, body := range files {
		write(t, root, name, body)
	}
	return root
}

const goodWorkflow = `name: ok
on: push
jobs:
  build:
    runs-on: ubuntu-24.04
    strategy:
      matrix:
        arch: [amd64]
    steps:
      - uses: actions/checkout@v4
      - run: echo ${{ matrix.arch }}
`

func TestWorkflowsRepo(t *testing.T) {
	var out bytes.Buffer
	err := Workflows(repoRoot(t), &out)
	require.NoError(t, err, "actionlint output:\n%s", out.String())
	assert.Empty(t, out.String())
}

func TestWorkflowsBroken(t *testing.T) {
	tests := []struct {
		name     string
		workflow string
		want     []string // substrings of the printed problems
		n        int      // problems expected
	}{
		{
			name: "unknown runner label",
			workflow: `on: push
jobs:
  a:
    runs-on: ubuntu-nope
    steps:
      - run: true
`,
			want: []string{`.github/workflows/bad.yml:4:14: label "ubuntu-nope" is unknown`, "[runner-label]"},
			n:    1,
		},
		{
			name: "undefined matrix property",
			workflow: `on: push
jobs:
  a:
    runs-on: ubuntu-24.04
    strategy:
      matrix:
        arch: [amd64]
    steps:
      - run: echo ${{ matrix.nope }}
`,
			want: []string{`.github/workflows/bad.yml:9:`, `property "nope" is not defined`, "[expression]"},
			n:    1,
		},
		{
			name: "missing steps",
			workflow: `on: push
jobs:
  a:
    runs-on: ubuntu-24.04
`,
			want: []string{`.github/workflows/bad.yml:3:3: "steps" section is missing in job "a"`, "[syntax-check]"},
			n:    1,
		},
		{
			name: "all three",
			workflow: `on: push
jobs:
  a:
    runs-on: ubuntu-nope
    strategy:
      matrix:
        arch: [amd64]
    steps:
      - run: echo ${{ matrix.nope }}
  b:
    runs-on: ubuntu-24.04
`,
			want: []string{"[runner-label]", "[expression]", "[syntax-check]"},
			n:    3,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			root := writeTree(t, map[string]string{
				".github/workflows/bad.yml": tt.workflow,
				".github/workflows/ok.yaml": goodWorkflow,
			})
			var out bytes.Buffer
			err := Workflows(root, &out)
			require.Error(t, err)
			assert.Equal(t, "actionlint: "+text.Count(tt.n, "problem")+" in .github/workflows/bad.yml", err.Error())
			for _, w := range tt.want {
				assert.Contains(t, out.String(), w)
			}
			lines := strings.Split(strings.TrimSpace(out.String()), "\n")
			assert.Len(t, lines, tt.n, "one printed line per problem")
			for _, l := range lines {
				assert.Regexp(t, `^\.github/workflows/bad\.yml:\d+:\d+: .+ \[[a-z-]+\]$`, l)
			}
		})
	}
}

func TestWorkflowsNone(t *testing.T) {
	tests := map[string]map[string]string{
		"no .github":           {"go.mod": "module x\n"},
		"empty workflows dir":  {".github/workflows/.keep": ""},
		"only other file kind": {".github/workflows/README.md": "not a workflow\n"},
	}
	for name, files := range tests {
		t.Run(name, func(t *testing.T) {
			var out bytes.Buffer
			err := Workflows(writeTree(t, files), &out)
			require.Error(t, err)
			assert.Contains(t, err.Error(), "actionlint: no workflow files")
			assert.Empty(t, out.String())
		})
	}
}

func TestWorkflowsConfig(t *testing.T) {
	// A self-hosted label is unknown to actionlint until the repo config names it.
	wf := strings.Replace(goodWorkflow, "ubuntu-24.04", "stackslice-box", 1)
	root := writeTree(t, map[string]string{".github/workflows/ci.yml": wf})
	var out bytes.Buffer
	require.Error(t, Workflows(root, &out))
	assert.Contains(t, out.String(), `label "stackslice-box" is unknown`)

	require.NoError(t, os.WriteFile(filepath.Join(root, ".github", "actionlint.yaml"),
		[]byte("self-hosted-runner:\n  labels: [stackslice-box]\n"), 0o644))
	out.Reset()
	require.NoError(t, Workflows(root, &out), out.String())
	assert.Empty(t, out.String())
}

func TestGofmt(t *testing.T) {
	const clean = "package p\n\nfunc F() int { return 1 }\n"
	const messy = "package p\nfunc  G( ) int {\nreturn 2}\n"
	tests := []struct {
		name    string
		files   map[string]string
		wantErr string
	}{
		{"clean", map[string]string{"a.go": clean, "sub/b.go": clean}, ""},
		{"one messy", map[string]string{"a.go": clean, "sub/b.go": messy},
			"gofmt: 1 file not formatted: sub/b.go"},
		{"two messy", map[string]string{"a.go": messy, "sub/b.go": messy},
			"gofmt: 2 files not formatted: a.go, sub/b.go"},
		{"does not parse", map[string]string{"a.go": "package p\nfunc {\n"},
			"gofmt: 1 file not formatted: a.go (does not parse)"},
		{"skipped dirs", map[string]string{
			"a.go":                clean,
			".git/x.go":           messy,
			"out/x.go":            messy,
			"sub/testdata/x.go":   messy,
			"sub/notes.txt":       messy,
			"sub/out_of_scope.go": clean,
		}, ""},
		{"out below root is not skipped", map[string]string{"sub/out/x.go": messy},
			"gofmt: 1 file not formatted: sub/out/x.go"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := Gofmt(writeTree(t, tt.files))
			if tt.wantErr == "" {
				require.NoError(t, err)
				return
			}
			require.Error(t, err)
			assert.Equal(t, tt.wantErr, err.Error())
		})
	}
}

func TestAll(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go vet")
	}
	good := map[string]string{
		"go.mod":                   "module example.com/x\n\ngo 1.22\n",
		"x.go":                     "package x\n\nfunc F() int { return 1 }\n",
		".github/workflows/ci.yml": goodWorkflow,
	}
	var out bytes.Buffer
	require.NoError(t, All(context.Background(), writeTree(t, good), &out), out.String())

	bad := map[string]string{
		"go.mod":                   "module example.com/x\n\ngo 1.22\n",
		"x.go":                     "package x\n\nimport \"fmt\"\n\nfunc F() {\n\tfmt.Printf(\"%d\\n\", \"s\")\n}\n",
		"y.go":                     "package x\nfunc  G() {}\n",
		".github/workflows/ci.yml": strings.Replace(goodWorkflow, "ubuntu-24.04", "ubuntu-nope", 1),
	}
	out.Reset()
	err := All(context.Background(), writeTree(t, bad), &out)
	require.Error(t, err)
	lines := strings.Split(err.Error(), "\n")
	require.Len(t, lines, 3, err.Error())
	assert.Equal(t, "gofmt: 1 file not formatted: y.go", lines[0])
	assert.Contains(t, lines[1], "go vet: ")
	assert.Equal(t, "actionlint: 1 problem in .github/workflows/ci.yml", lines[2])
	assert.Contains(t, out.String(), "Printf format %d has arg \"s\" of wrong type string")
	assert.Contains(t, out.String(), `label "ubuntu-nope" is unknown`)
}

// A stale arch/switch.S is a lint failure that names the fix.
func TestSelector(t *testing.T) {
	port := `{"name":"toy","triple":"toy-linux-gnu","cc":"toy-gcc","packages":["gcc-toy"],"qemu":"qemu-toy","qemu_cpu":"max","predefined":"defined(__toy__)","abi":"toy","stack_area":0,
		"asm":{"registers":[{"class":"GPR","names":"r[0-9]+"}],"saves":{"st":{"form":"single"}},"restores":{"ld":{"form":"single"}},"returns":["ret"]}}`
	root := writeTree(t, map[string]string{"arch/toy/port.json": port})
	require.EqualError(t, Selector(root), "arch/switch.S is stale: it does not pick the ports of arch/*/port.json; run `go run github.com/magefile/mage port:select`")
	require.NoError(t, arch.WriteSelector(filepath.Join(root, "arch")))
	require.NoError(t, Selector(root))
	require.NoError(t, Selector(t.TempDir()), "no arch/: nothing to check")
}

// Code that compiles on Linux only fails the lint: the harness must build on
// macOS, where it runs through SL_TOOLCHAIN.
func TestVetCatchesLinuxOnlyCode(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go vet")
	}
	linuxOnly := map[string]string{
		"go.mod": "module example.com/x\n\ngo 1.22\n",
		"x.go":   "package x\n\nimport \"syscall\"\n\nvar A = syscall.SysProcAttr{Pdeathsig: syscall.SIGTERM}\n",
	}
	var out bytes.Buffer
	err := vet(context.Background(), writeTree(t, linuxOnly), &out)
	require.Error(t, err)
	assert.Equal(t, "go vet (GOOS=darwin GOARCH=arm64): exit status 1", err.Error())
	assert.Contains(t, out.String(), "Pdeathsig")
}

// The mutation scores have one row a port, each counting the mutants the
// port's switch.S makes now, and no prose counts the ports: each slip is a
// lint failure naming the file and the fix.
func TestPortDocs(t *testing.T) {
	table := "| arch | mutants killed (gcc -O0, -O2) | saves |\n|---|---|---|\n"
	tests := []struct{ name, readme, doc, want string }{
		{"current", table + "| toy | 4 of 4 (100 %) | 2 GPR |\n\nno two ports may match one target\n", "", ""},
		{"the table in docs/", "# x\n", table + "| toy | 4 of 4 | 2 GPR |\n", ""},
		{"no table", "# x\n", "", `no table of mutation scores (a table whose header starts "| arch | mutants killed") in README.md or docs/*.md`},
		{"a port without a row", table + "\n", "", "README.md: the mutation scores have no row for toy (arch/toy/port.json); add what `go run github.com/magefile/mage test:mutants toy` prints"},
		{"a row without a port", table + "| toy | 4 of 4 | 1 |\n| gone | 1 of 1 | 1 |\n", "", "README.md:4: the mutation scores have a row for gone, which is no port of arch/*/port.json"},
		{"a score of another switch.S", table + "| toy | 6 of 6 | 1 |\n", "", "README.md:3: the mutation score of toy counts 6 mutants, but arch/toy/switch.S makes 4 now; measure it again with `go run github.com/magefile/mage test:mutants toy`"},
		{"a score that is no count", table + "| toy | all | 1 |\n", "", `README.md:3: the mutation score of toy should read "<killed> of <mutants>"`},
		{"a count in prose", table + "| toy | 4 of 4 | 1 |\nruns on all six arches\n", "", `README.md:4: "six arches" counts the ports in prose`},
		{"a count in docs", table + "| toy | 4 of 4 | 1 |\n", "the 14 ports rest on\n", `docs/ports.md:1: "14 ports" counts the ports in prose`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			root := writeTree(t, map[string]string{"arch/toy/port.json": toyPort, "arch/toy/switch.S": toySwitch, "README.md": tt.readme, "docs/ports.md": tt.doc})
			err := PortDocs(root)
			if tt.want == "" {
				require.NoError(t, err)
				return
			}
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.want)
		})
	}
	require.NoError(t, PortDocs(t.TempDir()), "no arch/: nothing to check")
}
