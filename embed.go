// Package stackslice holds what the harness compiles and reads at run time,
// embedded: the core, the ports, the conformance cases and runner, the
// foreign adapter and the toolchain images' recipes. The stackslice command
// (cmd/stackslice) unpacks them, so it judges foreign ports from any
// directory with no clone of the repository.
package stackslice

import "embed"

// Tree is the part of the repository the harness needs, at the same paths;
// go.mod marks its root.
//
//go:embed go.mod core arch/switch.S arch/*/* conformance/cases conformance/runner foreign/adapter docker/*/Dockerfile
var Tree embed.FS
