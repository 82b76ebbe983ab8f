package lint

import (
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
)

// TargetDoc is the document whose target table (header targetTableHeader)
// lists every mage target.
const TargetDoc = "docs/harness.md"

const targetTableHeader = "| target | what it does |"

// Magefile is the file that holds the mage targets.
const Magefile = "magefile.go"

// Target is a mage target as `mage -l` names it, and where it is defined.
type Target struct {
	Name string // "test:all", "lint"
	Line int
	Doc  string // its doc comment; mage -l shows the first sentence
}

// Targets reads the targets of the magefile at path as mage does: every
// exported function, and every exported method of a type declared as
// mg.Namespace ("test:all" for Test.All), in the file's order.
func Targets(path string) ([]Target, error) {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, path, nil, parser.ParseComments)
	if err != nil {
		return nil, err
	}
	namespaces := map[string]bool{}
	for _, decl := range f.Decls {
		g, ok := decl.(*ast.GenDecl)
		if !ok || g.Tok != token.TYPE {
			continue
		}
		for _, spec := range g.Specs {
			ts := spec.(*ast.TypeSpec)
			if sel, ok := ts.Type.(*ast.SelectorExpr); ok && sel.Sel.Name == "Namespace" {
				namespaces[ts.Name.Name] = true
			}
		}
	}
	var targets []Target
	for _, decl := range f.Decls {
		fn, ok := decl.(*ast.FuncDecl)
		if !ok || !fn.Name.IsExported() {
			continue
		}
		name := mageName(fn.Name.Name)
		if fn.Recv != nil {
			recv, ok := fn.Recv.List[0].Type.(*ast.Ident)
			if !ok || !namespaces[recv.Name] {
				continue
			}
			name = mageName(recv.Name) + ":" + name
		}
		targets = append(targets, Target{Name: name, Line: fset.Position(fn.Pos()).Line, Doc: strings.TrimSpace(fn.Doc.Text())})
	}
	return targets, nil
}

// mageName spells a Go name as `mage -l` does: its first word lowercased
// (PortsTable is portsTable, HTTPServer httpServer, All all).
func mageName(s string) string {
	for _, rx := range []*regexp.Regexp{firstWord, firstAbbrev} {
		if m := rx.FindStringSubmatch(s); m != nil {
			return strings.ToLower(m[1]) + m[2]
		}
	}
	return strings.ToLower(s)
}

var (
	firstWord   = regexp.MustCompile(`^([[:upper:]][^[:upper:]]+)([[:upper:]].*)$`)
	firstAbbrev = regexp.MustCompile(`^([[:upper:]]+)([[:upper:]][^[:upper:]].*)$`)
)

// targetWord is a target named in a cell of the target table: the first
// word of a code span (`test:arch <name>`).
var targetWord = regexp.MustCompile("`([a-zA-Z][a-zA-Z0-9]*(?::[a-zA-Z][a-zA-Z0-9]*)?)[ `]")

// TargetTable checks the magefile's targets: each has a doc comment (which
// `mage -l` shows; a blank line before the func detaches it), and the
// target table of TargetDoc has a row for each and for no other. A tree
// without a magefile has nothing to check.
func TargetTable(root string) error {
	targets, err := Targets(filepath.Join(root, Magefile))
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	var errs []error
	var names []string
	for _, t := range targets {
		names = append(names, t.Name)
		if t.Doc == "" {
			errs = append(errs, fmt.Errorf("%s:%d: target %s has no doc comment, so `mage -l` shows it with no description (a blank line between the comment and the func detaches it)", Magefile, t.Line, t.Name))
		}
	}
	data, err := os.ReadFile(filepath.Join(root, filepath.FromSlash(TargetDoc)))
	if err != nil {
		return errors.Join(append(errs, fmt.Errorf("%s: %w", TargetDoc, err))...)
	}
	rows, found := tableRowsAt(string(data), targetTableHeader)
	if !found {
		return errors.Join(append(errs, fmt.Errorf("%s: no target table (a table whose header is %q)", TargetDoc, targetTableHeader))...)
	}
	documented := map[string]bool{}
	for _, r := range rows {
		for _, m := range targetWord.FindAllStringSubmatch(r.cell, -1) {
			if documented[m[1]] {
				continue // named twice in one row: `lib <arch>` / `lib all`
			}
			documented[m[1]] = true
			if !slices.Contains(names, m[1]) {
				errs = append(errs, fmt.Errorf("%s:%d: the target table documents %s, which %s does not define (`go run github.com/magefile/mage -l` lists the targets)", TargetDoc, r.line, m[1], Magefile))
			}
		}
	}
	for _, t := range targets {
		if !documented[t.Name] {
			errs = append(errs, fmt.Errorf("%s: the target table has no row for %s (%s:%d); add one", TargetDoc, t.Name, Magefile, t.Line))
		}
	}
	return errors.Join(errs...)
}
