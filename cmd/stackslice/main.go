// Command stackslice judges foreign switch code with the stackslice
// conformance suite from any directory, with no clone of the repository:
//
//	go install github.com/stackslice/stackslice/cmd/stackslice@latest
//	stackslice foreign ./ports
//
// `stackslice help` lists the commands.
package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/stackslice/stackslice"
	"github.com/stackslice/stackslice/cli"
	"github.com/stackslice/stackslice/console"
)

func main() {
	cache, err := os.UserCacheDir()
	if err != nil {
		fmt.Fprintln(os.Stderr, "Error: no cache folder for the unpacked sources:", err)
		os.Exit(cli.ExitFailed)
	}
	os.Exit(cli.Main(context.Background(), os.Args[1:], cli.Env{
		Stdout: os.Stdout, Stderr: os.Stderr, Getenv: os.Getenv,
		Tree: stackslice.Tree, Cache: filepath.Join(cache, "stackslice", "sources"),
		Live: console.IsLive(os.Stdout),
	}))
}
