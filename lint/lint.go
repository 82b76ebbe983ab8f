// Package lint holds the repository's static checks: gofmt, go vet and
// actionlint over the GitHub Actions workflows. The mage target `lint` calls
// All; each check is also usable on its own.
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
	"strings"

	"github.com/rhysd/actionlint"

	"github.com/stackslice/stackslice/arch"
	"github.com/stackslice/stackslice/internal/inputfile"
	"github.com/stackslice/stackslice/internal/text"
)

// All runs Gofmt, `go vet ./...` (in root, and for macOS), Workflows and Selector, in that order, and
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
	return errors.Join(errs...)
}

// portTableHeader starts the README's table of the ports (one row a port,
// its mutation score): PortDocs checks its rows against arch/*/port.json.
const portTableHeader = "| arch | mutants killed"

// portCount is a number of ports or arches written out in prose, which goes
// stale with the next port.
var portCount = regexp.MustCompile(`(?i)\b(two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|[0-9]+)\s+(ports|arches|architectures)\b`)

// PortDocs checks README.md and docs/*.md against the ports: the ports
// table has one row for each port of arch/*/port.json and no other, and no
// prose counts the ports. A tree without arch/ or README.md has nothing
// to check.
func PortDocs(root string) error {
	archDir := filepath.Join(root, "arch")
	if _, err := os.Stat(archDir); errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	readme, err := os.ReadFile(filepath.Join(root, "README.md"))
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	ports, err := arch.Load(archDir)
	if err != nil {
		return fmt.Errorf("README.md: %w", err)
	}
	var errs []error
	rows, found := tableRows(string(readme), portTableHeader)
	if !found {
		errs = append(errs, fmt.Errorf("README.md: no ports table (a table whose header starts %q)", portTableHeader))
	}
	names := arch.Names(ports)
	for _, n := range names {
		if found && !slices.Contains(rows, n) {
			errs = append(errs, fmt.Errorf("README.md: the ports table has no row for %s (arch/%s/port.json); add its mutation score", n, n))
		}
	}
	for _, r := range rows {
		if !slices.Contains(names, r) {
			errs = append(errs, fmt.Errorf("README.md: the ports table has a row for %s, which is no port of arch/*/port.json", r))
		}
	}
	docs, _ := filepath.Glob(filepath.Join(root, "docs", "*.md"))
	for _, file := range append([]string{filepath.Join(root, "README.md")}, docs...) {
		data, err := os.ReadFile(file)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, file)
		for i, line := range strings.Split(string(data), "\n") {
			if at := portCount.FindStringIndex(line); at != nil && !strings.HasSuffix(strings.ToLower(line[:at[0]]), "no ") {
				m := line[at[0]:at[1]]
				errs = append(errs, fmt.Errorf("%s:%d: %q counts the ports in prose, which the next port makes wrong; say \"every port\" or list them from arch/*/port.json", rel, i+1, m))
			}
		}
	}
	return errors.Join(errs...)
}

// tableRows are the first cells of the rows of the markdown table whose
// header line starts with header.
func tableRows(doc, header string) (rows []string, found bool) {
	lines := strings.Split(doc, "\n")
	for i, l := range lines {
		if !strings.HasPrefix(l, header) {
			continue
		}
		for _, row := range lines[i+1:] {
			if !strings.HasPrefix(row, "|") {
				break
			}
			cell := strings.TrimSpace(strings.Split(row, "|")[1])
			if strings.Trim(cell, "-: ") == "" {
				continue // the separator line
			}
			rows = append(rows, cell)
		}
		return rows, true
	}
	return nil, false
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
