package lint

import (
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// KnobDoc is the document whose knob table (header knobTableHeader) lists
// every SL_* variable the code reads.
const KnobDoc = "docs/harness.md"

const knobTableHeader = "| variable | effect |"

var (
	knobName = regexp.MustCompile(`^SL_[A-Z0-9_]+$`)
	knobWord = regexp.MustCompile(`\bSL_[A-Z0-9_]+`)
	// knobSetting is a knob given a value in prose: SL_CASES=..., which
	// must be one the code reads.
	knobSetting = regexp.MustCompile(`\b(SL_[A-Z0-9_]+)=`)
	cGetenv     = regexp.MustCompile(`\bgetenv\(\s*"(SL_[A-Z0-9_]+)"\s*\)`)
)

// Knobs are the SL_* environment variables the code under root reads, each
// with the first file (relative to root) that reads it: in Go (tests too),
// a call of os.Getenv or os.LookupEnv, or of a func(string) string
// parameter or local (the getenv that harness.FromEnv and its kin take),
// with an SL_* string or a constant holding one; in C, getenv("SL_...").
// .git, out/ and testdata folders are skipped.
func Knobs(root string) (map[string]string, error) {
	knobs := map[string]string{}
	var goFiles []string
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		rel = filepath.ToSlash(rel)
		if d.IsDir() {
			if d.Name() == ".git" || d.Name() == "testdata" || rel == "out" {
				return filepath.SkipDir
			}
			return nil
		}
		switch filepath.Ext(path) {
		case ".go":
			goFiles = append(goFiles, rel)
		case ".c", ".h":
			data, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			for _, m := range cGetenv.FindAllStringSubmatch(string(data), -1) {
				if _, ok := knobs[m[1]]; !ok {
					knobs[m[1]] = rel
				}
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	fset := token.NewFileSet()
	parsed := map[string]*ast.File{}
	consts := map[string]string{} // constant name -> its SL_* value
	for _, rel := range goFiles {
		f, err := parser.ParseFile(fset, filepath.Join(root, filepath.FromSlash(rel)), nil, 0)
		if err != nil {
			return nil, fmt.Errorf("knobs: %w", err)
		}
		parsed[rel] = f
		for name, value := range knobConstants(f) {
			consts[name] = value
		}
	}
	for _, rel := range goFiles {
		for _, k := range goKnobReads(parsed[rel], consts) {
			if _, ok := knobs[k]; !ok {
				knobs[k] = rel
			}
		}
	}
	return knobs, nil
}

// knobConstants are f's constants whose value is an SL_* name.
func knobConstants(f *ast.File) map[string]string {
	consts := map[string]string{}
	for _, decl := range f.Decls {
		g, ok := decl.(*ast.GenDecl)
		if !ok || g.Tok != token.CONST {
			continue
		}
		for _, spec := range g.Specs {
			vs := spec.(*ast.ValueSpec)
			for i, v := range vs.Values {
				if s, ok := knobLiteral(v); ok && i < len(vs.Names) {
					consts[vs.Names[i].Name] = s
				}
			}
		}
	}
	return consts
}

// knobLiteral is the SL_* name e spells as a string literal.
func knobLiteral(e ast.Expr) (string, bool) {
	lit, ok := e.(*ast.BasicLit)
	if !ok || lit.Kind != token.STRING {
		return "", false
	}
	s, err := strconv.Unquote(lit.Value)
	return s, err == nil && knobName.MatchString(s)
}

// goKnobReads are the knobs f reads (see Knobs).
func goKnobReads(f *ast.File, consts map[string]string) []string {
	var knobs []string
	read := func(call *ast.CallExpr) {
		if s, ok := knobLiteral(call.Args[0]); ok {
			knobs = append(knobs, s)
			return
		}
		var name string
		switch arg := call.Args[0].(type) {
		case *ast.Ident:
			name = arg.Name
		case *ast.SelectorExpr:
			name = arg.Sel.Name
		}
		if v, ok := consts[name]; ok {
			knobs = append(knobs, v)
		}
	}
	// os.Getenv and os.LookupEnv, anywhere in the file.
	ast.Inspect(f, func(n ast.Node) bool {
		call, ok := n.(*ast.CallExpr)
		if !ok || len(call.Args) != 1 {
			return true
		}
		if fun, ok := call.Fun.(*ast.SelectorExpr); ok {
			if pkg, ok := fun.X.(*ast.Ident); ok && pkg.Name == "os" && (fun.Sel.Name == "Getenv" || fun.Sel.Name == "LookupEnv") {
				read(call)
			}
		}
		return true
	})
	// A func(string) string parameter or local of a function: its getenv.
	for _, decl := range f.Decls {
		fn, ok := decl.(*ast.FuncDecl)
		if !ok || fn.Body == nil {
			continue
		}
		getters := map[string]bool{}
		for _, field := range fn.Type.Params.List {
			if isGetenvType(field.Type) {
				for _, n := range field.Names {
					getters[n.Name] = true
				}
			}
		}
		ast.Inspect(fn.Body, func(n ast.Node) bool {
			if as, ok := n.(*ast.AssignStmt); ok && len(as.Lhs) == len(as.Rhs) {
				for i, r := range as.Rhs {
					if lit, ok := r.(*ast.FuncLit); ok && isGetenvType(lit.Type) {
						if id, ok := as.Lhs[i].(*ast.Ident); ok {
							getters[id.Name] = true
						}
					}
				}
			}
			if call, ok := n.(*ast.CallExpr); ok && len(call.Args) == 1 {
				if id, ok := call.Fun.(*ast.Ident); ok && getters[id.Name] {
					read(call)
				}
			}
			return true
		})
	}
	return knobs
}

// isGetenvType says whether t is func(string) string.
func isGetenvType(t ast.Expr) bool {
	ft, ok := t.(*ast.FuncType)
	if !ok || ft.Results == nil || len(ft.Params.List) != 1 || len(ft.Results.List) != 1 {
		return false
	}
	in, out := ft.Params.List[0], ft.Results.List[0]
	return len(in.Names) <= 1 && len(out.Names) <= 1 && isIdent(in.Type, "string") && isIdent(out.Type, "string")
}

func isIdent(e ast.Expr, name string) bool {
	id, ok := e.(*ast.Ident)
	return ok && id.Name == name
}

// KnobTable checks the knob table of KnobDoc against Knobs: a row for every
// knob the code reads, none for a knob it does not; and that no document
// (README.md, docs/*.md) sets a knob the code does not read. A tree
// without README.md has nothing to check.
func KnobTable(root string) error {
	if _, err := os.Stat(filepath.Join(root, "README.md")); errors.Is(err, os.ErrNotExist) {
		return nil
	}
	knobs, err := Knobs(root)
	if err != nil {
		return err
	}
	files, err := docFiles(root)
	if err != nil {
		return err
	}
	var errs []error
	documented := map[string]bool{}
	found := false
	for _, file := range files {
		data, err := os.ReadFile(filepath.Join(root, filepath.FromSlash(file)))
		if err != nil {
			return err
		}
		doc := string(data)
		tableLines := map[int]bool{}
		if file == KnobDoc {
			var rows []tableRow
			rows, found = tableRowsAt(doc, knobTableHeader)
			for _, r := range rows {
				tableLines[r.line] = true
				for _, k := range knobWord.FindAllString(r.cell, -1) {
					documented[k] = true
					if _, ok := knobs[k]; !ok {
						errs = append(errs, fmt.Errorf("%s:%d: the knob table documents %s, which no code reads (os.Getenv or a getenv parameter in Go, getenv in C); remove its row", file, r.line, k))
					}
				}
			}
		}
		for _, l := range proseLines(doc) {
			if tableLines[l.n] {
				continue // said above
			}
			for _, m := range knobSetting.FindAllStringSubmatch(l.code, -1) {
				if _, ok := knobs[m[1]]; !ok {
					errs = append(errs, fmt.Errorf("%s:%d: %s= sets a knob no code reads", file, l.n, m[1]))
				}
			}
		}
	}
	if !found {
		return errors.Join(append(errs, fmt.Errorf("%s: no knob table (a table whose header is %q)", KnobDoc, knobTableHeader))...)
	}
	names := make([]string, 0, len(knobs))
	for k := range knobs {
		names = append(names, k)
	}
	slices.Sort(names)
	for _, k := range names {
		if !documented[k] {
			errs = append(errs, fmt.Errorf("%s: the knob table has no row for %s, which %s reads; add one", KnobDoc, k, knobs[k]))
		}
	}
	return errors.Join(errs...)
}

// tableRow is a row of a markdown table: its first cell and line number.
type tableRow struct {
	cell string
	line int
}

// tableRowsAt are the rows (first cells, trimmed) of the markdown table
// whose header line starts with header, with their line numbers.
func tableRowsAt(doc, header string) (rows []tableRow, found bool) {
	lines := strings.Split(doc, "\n")
	for i, l := range lines {
		if !strings.HasPrefix(l, header) {
			continue
		}
		for j, row := range lines[i+1:] {
			if !strings.HasPrefix(row, "|") {
				break
			}
			cell := strings.TrimSpace(strings.Split(strings.ReplaceAll(row, `\|`, "\x00"), "|")[1])
			if strings.Trim(cell, "-: ") == "" {
				continue // the separator line
			}
			rows = append(rows, tableRow{cell: strings.ReplaceAll(cell, "\x00", `\|`), line: i + j + 2})
		}
		return rows, true
	}
	return nil, false
}
