// Package lint holds the repository's static checks: gofmt, go vet,
// actionlint over the GitHub Actions workflows, the generated files, and
// the docs held to the code (links and anchors, the knob and target tables,
// the ports table, which WritePortsTable generates). The mage target `lint`
// calls All; each check is also usable on its own.
package lint

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"go/format"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/rhysd/actionlint"

	"github.com/stackslice/stackslice/arch"
	"github.com/stackslice/stackslice/internal/inputfile"
	"github.com/stackslice/stackslice/internal/text"
)

// All runs Gofmt, `go vet ./...` (in root, and for macOS), Workflows, Selector, PortDocs and Docs, in that order, and
// returns every failure joined, one line each; go vet's and actionlint's own
// output goes to out.
func All(ctx context.Context, root string, out io.Writer) error {
	var errs []error
	if err := Gofmt(root); err != nil {
		errs = append(errs, err)
	}
	if err := vet(ctx, root, out); err != nil {
		errs = append(errs, err)
	}
	if err := Workflows(root, out); err != nil {
		errs = append(errs, err)
	}
	if err := Selector(root); err != nil {
		errs = append(errs, err)
	}
	if err := PortDocs(root); err != nil {
		errs = append(errs, err)
	}
	if err := Docs(root); err != nil {
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}

// Docs checks README.md and docs/*.md: Links, KnobTable, TargetTable and
// PortsTable.
func Docs(root string) error {
	var errs []error
	for _, check := range []func(string) error{Links, KnobTable, TargetTable, PortsTable} {
		if err := check(root); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// scoreTableHeader starts the table of measured mutation scores (one row a
// port): PortDocs checks its rows against arch/*/port.json.
const scoreTableHeader = "| arch | mutants killed"

// portCount is a number of ports or arches written out in prose, which goes
// stale with the next port.
var portCount = regexp.MustCompile(`(?i)\b(two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|[0-9]+)\s+(ports|arches|architectures)\b`)

// scoreCount is the number of mutants in a score cell ("16 of 16 (100 %)").
var scoreCount = regexp.MustCompile(`^\s*\d+\s+of\s+(\d+)\b`)

// PortDocs checks README.md and docs/*.md against the ports: the table of
// mutation scores (in whichever of them holds it) has one row for each
// port of arch/*/port.json and no other, each counting the mutants the
// check finds in the port's switch.S now; and no prose counts the ports.
// A tree without arch/ or README.md has nothing to check.
func PortDocs(root string) error {
	archDir := filepath.Join(root, "arch")
	if _, err := os.Stat(archDir); errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if _, err := os.Stat(filepath.Join(root, "README.md")); errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	facts, err := loadPortFacts(root)
	if err != nil {
		return fmt.Errorf("the mutation scores: %w", err)
	}
	files, err := docFiles(root)
	if err != nil {
		return err
	}
	var errs []error
	scoreFile := ""
	for _, file := range files {
		data, err := os.ReadFile(filepath.Join(root, filepath.FromSlash(file)))
		if err != nil {
			return err
		}
		doc := string(data)
		if rows, found := tableRowsAt(doc, scoreTableHeader); found && scoreFile == "" {
			scoreFile = file
			errs = append(errs, checkScores(file, doc, rows, facts)...)
		}
		for i, line := range strings.Split(doc, "\n") {
			if at := portCount.FindStringIndex(line); at != nil && !strings.HasSuffix(strings.ToLower(line[:at[0]]), "no ") {
				m := line[at[0]:at[1]]
				errs = append(errs, fmt.Errorf("%s:%d: %q counts the ports in prose, which the next port makes wrong; say \"every port\" or link to the README's ports table", file, i+1, m))
			}
		}
	}
	if scoreFile == "" {
		errs = append(errs, fmt.Errorf("no table of mutation scores (a table whose header starts %q) in README.md or docs/*.md", scoreTableHeader))
	}
	return errors.Join(errs...)
}

// checkScores checks the rows of the mutation scores table of file.
func checkScores(file, doc string, rows []tableRow, facts []portFacts) []error {
	var errs []error
	names := make([]string, len(facts))
	for i, f := range facts {
		names[i] = f.Name
	}
	byName := map[string]tableRow{}
	for _, r := range rows {
		byName[r.cell] = r
		if !slices.Contains(names, r.cell) {
			errs = append(errs, fmt.Errorf("%s:%d: the mutation scores have a row for %s, which is no port of arch/*/port.json", file, r.line, r.cell))
		}
	}
	lines := strings.Split(doc, "\n")
	for _, f := range facts {
		r, ok := byName[f.Name]
		if !ok {
			errs = append(errs, fmt.Errorf("%s: the mutation scores have no row for %s (arch/%s/port.json); add what `go run github.com/magefile/mage test:mutants %s` prints", file, f.Name, f.Name, f.Name))
			continue
		}
		cells := strings.Split(lines[r.line-1], "|")
		if len(cells) < 3 {
			continue
		}
		m := scoreCount.FindStringSubmatch(cells[2])
		if m == nil {
			errs = append(errs, fmt.Errorf("%s:%d: the mutation score of %s should read \"<killed> of <mutants>\"", file, r.line, f.Name))
		} else if m[1] != strconv.Itoa(f.mutants) {
			errs = append(errs, fmt.Errorf("%s:%d: the mutation score of %s counts %s mutants, but arch/%s/switch.S makes %d now; measure it again with `go run github.com/magefile/mage test:mutants %s`", file, r.line, f.Name, m[1], f.Name, f.mutants, f.Name))
		}
	}
	return errs
}

// Selector checks that arch/switch.S, generated from the ports' port.json,
// is current. A tree without arch/ has nothing to check. It is a lint
// rather than a test, so that a port dropped in as a folder passes the
// tests before port:select has run.
func Selector(root string) error {
	archDir := filepath.Join(root, "arch")
	if _, err := os.Stat(archDir); errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	ports, err := arch.Load(archDir)
	if err != nil {
		return fmt.Errorf("arch/%s: %w", arch.SelectorFile, err)
	}
	current, err := inputfile.Read(filepath.Join(archDir, arch.SelectorFile))
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("arch/%s: %w", arch.SelectorFile, err)
	}
	if !bytes.Equal(current, arch.Selector(ports)) {
		return fmt.Errorf("arch/%s is stale: it does not pick the ports of arch/*/port.json; run `go run github.com/magefile/mage port:select`", arch.SelectorFile)
	}
	return nil
}

// vetPlatforms are the platforms `go vet` checks besides this one: macOS,
// where the harness runs through SL_TOOLCHAIN, so nothing Linux-only
// creeps into what it compiles there.
var vetPlatforms = []string{"darwin/arm64"}

// vet runs `go vet ./...` in root, here and then for vetPlatforms (the
// first failure only: what fails here fails everywhere), output to out.
func vet(ctx context.Context, root string, out io.Writer) error {
	for _, platform := range append([]string{""}, vetPlatforms...) {
		cmd := exec.CommandContext(ctx, "go", "vet", "./...")
		cmd.Dir = root
		cmd.Stdout = out
		cmd.Stderr = out
		name := "go vet"
		if goos, goarch, ok := strings.Cut(platform, "/"); ok {
			cmd.Env = append(os.Environ(), "GOOS="+goos, "GOARCH="+goarch)
			name = fmt.Sprintf("go vet (GOOS=%s GOARCH=%s)", goos, goarch)
		}
		if err := cmd.Run(); err != nil {
			// What fails here fails everywhere: one line says it.
			return fmt.Errorf("%s: %w", name, err)
		}
	}
	return nil
}

// Workflows runs actionlint over every root/.github/workflows/*.yml and
// *.yaml file, printing each problem to out as `path:line:col: message [kind]`
// with path relative to root. It fails with one line naming the count and the
// files when there is any problem, and when there is no workflow file at all.
//
// The config in root/.github/actionlint.yaml (or .yml) is used when present.
// The shellcheck and pyflakes rules stay off: they need external tools.
func Workflows(root string, out io.Writer) error {
	abs, err := filepath.Abs(root)
	if err != nil {
		return fmt.Errorf("actionlint: %w", err)
	}
	dir := filepath.Join(abs, ".github", "workflows")
	var files []string
	for _, pat := range []string{"*.yml", "*.yaml"} {
		m, err := filepath.Glob(filepath.Join(dir, pat))
		if err != nil {
			return fmt.Errorf("actionlint: %w", err)
		}
		files = append(files, m...)
	}
	if len(files) == 0 {
		return fmt.Errorf("actionlint: no workflow files (*.yml, *.yaml) in %s", dir)
	}
	slices.Sort(files)

	// The project is given explicitly rather than found by actionlint, which
	// wants a .git next to .github; NewProject also loads the repo config.
	proj, err := actionlint.NewProject(abs)
	if err != nil {
		return fmt.Errorf("actionlint: %w", err)
	}
	// The linter prints nothing itself (io.Discard, no log writer, no
	// shellcheck or pyflakes executable); problems are printed below.
	l, err := actionlint.NewLinter(io.Discard, &actionlint.LinterOptions{WorkingDir: abs})
	if err != nil {
		return fmt.Errorf("actionlint: %w", err)
	}
	problems, err := l.LintFiles(files, proj)
	if err != nil {
		return fmt.Errorf("actionlint: %w", err)
	}
	if len(problems) == 0 {
		return nil
	}

	var bad []string
	for _, p := range problems {
		path := filepath.ToSlash(p.Filepath)
		fmt.Fprintf(out, "%s:%d:%d: %s [%s]\n", path, p.Line, p.Column, p.Message, p.Kind)
		if !slices.Contains(bad, path) {
			bad = append(bad, path)
		}
	}
	return fmt.Errorf("actionlint: %s in %s", text.Count(len(problems), "problem"), strings.Join(bad, ", "))
}

// Gofmt fails with one line listing every .go file under root that gofmt
// would change (or cannot parse), as paths relative to root. It skips .git,
// testdata folders and root/out (the harness's output).
func Gofmt(root string) error {
	var bad []string
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(root, path)
		if err != nil {
			return err
		}
		rel = filepath.ToSlash(rel)
		if d.IsDir() {
			if d.Name() == ".git" || d.Name() == "testdata" || rel == "out" {
				return filepath.SkipDir
			}
			return nil
		}
		if !d.Type().IsRegular() || !strings.HasSuffix(d.Name(), ".go") {
			return nil
		}
		src, err := inputfile.Read(path)
		if err != nil {
			return err
		}
		got, err := format.Source(src)
		if err != nil {
			bad = append(bad, rel+" (does not parse)")
		} else if !bytes.Equal(got, src) {
			bad = append(bad, rel)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("gofmt: %w", err)
	}
	if len(bad) > 0 {
		return fmt.Errorf("gofmt: %s not formatted: %s", text.Count(len(bad), "file"), strings.Join(bad, ", "))
	}
	return nil
}
