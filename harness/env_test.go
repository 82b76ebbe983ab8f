package harness

import (
	"testing"

	"github.com/stackslice/stackslice/conformance"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestFromEnv(t *testing.T) {
	env := func(kv map[string]string) func(string) string { return func(k string) string { return kv[k] } }
	tests := []struct {
		name string
		env  map[string]string
		want Options
		err  string
	}{
		{"nothing set", nil, Options{}, ""},
		{"every knob", map[string]string{"SL_CASES": "^switch_", "SL_REPEAT": "3", "SL_BUILDS": "gcc-O0, clang-O2", "SL_FORCE_QEMU": "1", "SL_OUT": "/tmp/x/out"},
			Options{Cases: "^switch_", Repeat: 3, Builds: []string{"gcc-O0", "clang-O2"}, ForceQEMU: true, OutDir: "/tmp/x/out"}, ""},
		{"force QEMU: true", map[string]string{"SL_FORCE_QEMU": "true"}, Options{ForceQEMU: true}, ""},
		{"force QEMU: YES", map[string]string{"SL_FORCE_QEMU": "YES"}, Options{ForceQEMU: true}, ""},
		{"strict", map[string]string{"SL_STRICT": "1"}, Options{Strict: true}, ""},
		{"strict: sometimes", map[string]string{"SL_STRICT": "sometimes"}, Options{},
			`SL_STRICT="sometimes": want 1, true or yes to turn it on (0, false, no or unset: off)`},
		{"force QEMU: no", map[string]string{"SL_FORCE_QEMU": "no"}, Options{}, ""},
		{"force QEMU: 0", map[string]string{"SL_FORCE_QEMU": "0"}, Options{}, ""},
		{"force QEMU: maybe", map[string]string{"SL_FORCE_QEMU": "maybe"}, Options{},
			`SL_FORCE_QEMU="maybe": want 1, true or yes to turn it on (0, false, no or unset: off)`},
		{"empty build name", map[string]string{"SL_BUILDS": "gcc-O0,,gcc-O2"}, Options{},
			`SL_BUILDS="gcc-O0,,gcc-O2": an empty build name; separate build names with single commas`},
		{"repeat zero", map[string]string{"SL_REPEAT": "0"}, Options{}, `SL_REPEAT="0": want a whole number of times, 1 or more`},
		{"repeat words", map[string]string{"SL_REPEAT": "twice"}, Options{}, `SL_REPEAT="twice": want a whole number of times, 1 or more`},
		{"toolchain host", map[string]string{"SL_TOOLCHAIN": "host"}, Options{}, ""},
		{"toolchain images", map[string]string{"SL_TOOLCHAIN": "bookworm, trixie,bookworm"}, Options{Toolchains: []string{"bookworm", "trixie"}}, ""},
		{"toolchain host and image", map[string]string{"SL_TOOLCHAIN": "host,trixie"}, Options{Toolchains: []string{"host", "trixie"}}, ""},
		{"toolchain empty name", map[string]string{"SL_TOOLCHAIN": "trixie,"}, Options{},
			`SL_TOOLCHAIN="trixie,": an empty toolchain name; separate toolchain names with single commas`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := FromEnv(env(tt.env))
			if tt.err != "" {
				require.EqualError(t, err, tt.err)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestBenchFromEnv(t *testing.T) {
	env := map[string]string{EnvBenchQuick: "yes", EnvBenchPorts: "amd64, arm64"}
	var o Options
	bo, err := BenchFromEnv(func(k string) string { return env[k] }, &o)
	require.NoError(t, err)
	assert.True(t, bo.Quick)
	assert.False(t, bo.Record)
	assert.Equal(t, []string{"amd64", "arm64"}, o.Ports)
	for k, v := range map[string]string{EnvBenchQuick: "maybe", EnvBenchRecord: "2", EnvBenchPorts: "amd64,,arm64"} {
		_, err := BenchFromEnv(func(key string) string {
			if key == k {
				return v
			}
			return ""
		}, &Options{})
		require.Error(t, err, k)
		assert.Contains(t, err.Error(), k)
	}
}

// The exit status a CI gate sees: a pass with gaps set apart is a pass
// unless SL_STRICT asks otherwise, and then the error says why.
func TestVerdictOfAStrictRun(t *testing.T) {
	gap := conformance.Run{Port: "theirs", Build: "gcc-O0", Cases: []conformance.CaseResult{{Status: conformance.Pass}},
		Gaps: []string{"fpcr: not preserved across a switch (declared in not_claimed: x)"}}
	unsupported := conformance.Run{Port: "theirs", Build: "clang-O2", Unsupported: "crashes"}
	lenient := conformance.Outcome{Runs: []conformance.Run{gap, unsupported}}
	require.NoError(t, verdict(lenient))
	strict := lenient
	strict.Strict = true
	require.EqualError(t, verdict(strict), "conformance failed: SL_STRICT=1 counts 1 declared gap and 1 unsupported build as failures")
	failing := strict
	failing.Runs = append(failing.Runs, conformance.Run{Port: "ours", Build: "gcc-O0", Cases: []conformance.CaseResult{{Status: conformance.Fail}}})
	require.EqualError(t, verdict(failing), "conformance failed: theirs/clang-O2, ours/gcc-O0")
}
