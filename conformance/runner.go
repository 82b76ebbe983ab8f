package conformance

import (
	"context"
	"fmt"
	"path/filepath"
	"sort"

	"github.com/stackslice/stackslice/arch"
	"github.com/stackslice/stackslice/build"
)

// Sources lists the C sources of the runner, core and cases, under root;
// the runner's case table is derived from the cases (CaseList) apart.
func Sources(root string) ([]string, error) {
	var srcs []string
	for _, pattern := range []string{"core/*.c", "conformance/runner/*.c", CasesDir + "/*.c"} {
		m, err := filepath.Glob(filepath.Join(root, pattern))
		if err != nil {
			return nil, err
		}
		srcs = append(srcs, m...)
	}
	sort.Strings(srcs)
	if len(srcs) == 0 {
		return nil, fmt.Errorf("no C sources under %s", root)
	}
	return srcs, nil
}

// Compile builds the runner for p and b into outDir and returns its path,
// with build.Compile's object cache in cacheDir (outDir when empty). Its
// case table is derived from the case files (CaseList) and written into
// cacheDir beside the objects.
func Compile(ctx context.Context, root string, p arch.Port, b build.Build, outDir, cacheDir string) (string, error) {
	srcs, err := Sources(root)
	if err != nil {
		return "", err
	}
	if cacheDir == "" {
		cacheDir = outDir
	}
	list, err := writeCaseList(root, cacheDir)
	if err != nil {
		return "", fmt.Errorf("%w %s %s: %v", build.ErrCompile, p.Name, b.Name, err)
	}
	prog := build.Program{Name: "runner", Sources: append(append(srcs, list), p.Sources()...),
		Includes: []string{filepath.Join(root, CasesDir)}}
	return build.Compile(ctx, root, p, b, prog, outDir, cacheDir)
}
