package arch

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseConditionRefusesWhatDoesNotParse(t *testing.T) {
	for expr, want := range map[string]string{
		"defined(__mips__":               `missing ")" at the end`,
		"defined(__a__) &&":              "ends where an operand is wanted",
		"defined(__a__) defined(__b__)":  `unexpected "defined"`,
		"":                               "empty condition",
		"__has_feature(x)":               "function-like macros are not supported",
		"defined(__a__) $ 1":             "unexpected character",
		"defined()":                      `defined wants a macro name, not ")"`,
		"(1 ? 2)":                        `want ":", not ")"`,
		"0x":                             `"0x" is no integer`,
		"defined(__a__) && (__b__ == 1)": "",
	} {
		_, err := ParseCondition(expr)
		if want == "" {
			assert.NoError(t, err, expr)
			continue
		}
		require.Error(t, err, expr)
		assert.Contains(t, err.Error(), want, expr)
		assert.Contains(t, err.Error(), "does not parse as a preprocessor condition", expr)
	}
}

func TestConditionHolds(t *testing.T) {
	mips := ParseMacros("#define __mips__ 1\n#define _MIPS_SIM _ABIO32\n#define _ABIO32 1\n#define __mips_hard_float 1\n" +
		"#define __BYTE_ORDER__ __ORDER_LITTLE_ENDIAN__\n#define __ORDER_LITTLE_ENDIAN__ 1234\n#define __INT64_C(c) c ## L\n")
	assert.NotContains(t, mips, "__INT64_C", "function-like macros are left out")
	for expr, want := range map[string]bool{
		"defined(__mips__) && _MIPS_SIM == _ABIO32 && defined(__mips_hard_float) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__": true,
		"defined __mips__":                true,
		"defined(__x86_64__)":             false,
		"!defined(__ILP32__)":             true,
		"__riscv_xlen == 64":              false, // an unknown identifier is 0
		"(1 << 4) + 0x10 - 010 == 24":     true,
		"defined(__a__) ? 1 : __mips__":   true,
		"_MIPS_SIM > 1 || _MIPS_SIM != 1": false,
		"0 && 1 / 0":                      false, // short-circuit, as cpp
	} {
		c, err := ParseCondition(expr)
		require.NoError(t, err, expr)
		got, err := c.Holds(mips)
		require.NoError(t, err, expr)
		assert.Equal(t, want, got, expr)
	}
	c, err := ParseCondition("__FOO__ == 1")
	require.NoError(t, err)
	_, err = c.Holds(map[string]string{"__FOO__": `"text"`})
	assert.ErrorContains(t, err, `macro __FOO__ = "\"text\"" is no integer expression`)
}

// Every port's condition parses (Load checks it) and is false for the
// other ports' typical macros is proven with real compilers by scaffold's
// tests; here: a port.json whose predefined does not parse does not load.
func TestLoadRefusesAPredefinedThatDoesNotParse(t *testing.T) {
	root := t.TempDir()
	writePort(t, root, "toy", strings.Replace(validPort, `"defined(__toy__)"`, `"defined(__toy__"`, 1))
	_, err := Load(root)
	require.Error(t, err)
	assert.Contains(t, err.Error(), `port toy: port.json: predefined: "defined(__toy__" does not parse as a preprocessor condition: missing ")" at the end`)
}
