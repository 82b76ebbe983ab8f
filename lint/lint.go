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
	return errors.Join(errs...)
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
