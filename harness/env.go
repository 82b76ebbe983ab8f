package harness

import (
	"fmt"
	"strconv"
	"strings"
)

// The environment variables the test targets read (FromEnv).
const (
	EnvCases     = "SL_CASES"
	EnvRepeat    = "SL_REPEAT"
	EnvBuilds    = "SL_BUILDS"
	EnvForceQEMU = "SL_FORCE_QEMU"
	EnvStrict    = "SL_STRICT"
	EnvOut       = "SL_OUT"
	// EnvForeignPath is foreign.PathVariable: folders of foreign ports
	// outside the repository, colon-separated.
	EnvForeignPath = "SL_FOREIGN_PATH"
	EnvToolchain   = "SL_TOOLCHAIN"
)

// FromEnv reads the knobs the test targets share: SL_CASES, SL_REPEAT,
// SL_BUILDS, SL_FORCE_QEMU, SL_STRICT, SL_OUT, SL_FOREIGN_PATH and
// SL_TOOLCHAIN. A
// value that does not parse is an
// error naming the variable, never silently ignored.
func FromEnv(getenv func(string) string) (Options, error) {
	o := Options{Cases: getenv(EnvCases), OutDir: getenv(EnvOut), ForeignPath: getenv(EnvForeignPath)}
	force, err := parseSwitch(EnvForceQEMU, getenv(EnvForceQEMU))
	if err != nil {
		return o, err
	}
	o.ForceQEMU = force
	if o.Strict, err = parseSwitch(EnvStrict, getenv(EnvStrict)); err != nil {
		return o, err
	}
	if o.Toolchains, err = ParseToolchains(getenv(EnvToolchain)); err != nil {
		return o, err
	}
	if o.Builds, err = names(EnvBuilds, getenv(EnvBuilds), "build"); err != nil {
		return o, err
	}
	if r := getenv(EnvRepeat); r != "" {
		n, err := strconv.Atoi(r)
		if err != nil || n < 1 {
			return o, fmt.Errorf("%s=%q: want a whole number of times, 1 or more", EnvRepeat, r)
		}
		o.Repeat = n
	}
	return o, nil
}

// parseSwitch reads an on/off variable: 1, true or yes; 0, false, no or
// empty; in any case.
func parseSwitch(name, value string) (bool, error) {
	switch strings.ToLower(strings.TrimSpace(value)) {
	case "1", "true", "yes":
		return true, nil
	case "", "0", "false", "no":
		return false, nil
	}
	return false, fmt.Errorf("%s=%q: want 1, true or yes to turn it on (0, false, no or unset: off)", name, value)
}

// The environment variables `mage bench` reads besides FromEnv's.
const (
	EnvBenchQuick  = "SL_BENCH_QUICK"
	EnvBenchPorts  = "SL_BENCH_PORTS"
	EnvBenchRecord = "SL_BENCH_RECORD"
)

// BenchFromEnv reads SL_BENCH_QUICK, SL_BENCH_RECORD and SL_BENCH_PORTS
// (into o.Ports); like FromEnv, a value that does not parse is an error.
func BenchFromEnv(getenv func(string) string, o *Options) (BenchOptions, error) {
	var bo BenchOptions
	var err error
	if bo.Quick, err = parseSwitch(EnvBenchQuick, getenv(EnvBenchQuick)); err != nil {
		return bo, err
	}
	if bo.Record, err = parseSwitch(EnvBenchRecord, getenv(EnvBenchRecord)); err != nil {
		return bo, err
	}
	ports, err := names(EnvBenchPorts, getenv(EnvBenchPorts), "port")
	o.Ports = append(o.Ports, ports...)
	return bo, err
}

// names reads a comma-separated list of names of what (builds, ports); an
// empty variable is an empty list, an empty name an error.
func names(variable, value, what string) ([]string, error) {
	if value == "" {
		return nil, nil
	}
	var out []string
	for _, name := range strings.Split(value, ",") {
		name = strings.TrimSpace(name)
		if name == "" {
			return nil, fmt.Errorf("%s=%q: an empty %s name; separate %s names with single commas", variable, value, what, what)
		}
		out = append(out, name)
	}
	return out, nil
}
