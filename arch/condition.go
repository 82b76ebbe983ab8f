package arch

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// Condition is a port's "predefined" condition, parsed: a C preprocessor
// #if expression on the compiler's predefined macros. Parsing it here
// checks it without a compiler; Holds evaluates it on a compiler's macros
// (`cc -dM -E`), which is how two ports are proven never to match the same
// target.
type Condition struct {
	expr string
	root node
}

// node evaluates a subexpression with the macros' values.
type node func(e *evaluation) (int64, error)

type evaluation struct {
	macros map[string]string
	depth  int
}

// ParseCondition parses expr as an #if expression: integers, identifiers,
// defined(NAME) or defined NAME, and the C operators of #if (unary ! ~ - +,
// * / % + - << >> < <= > >= == != & ^ | && ||, ?:, parentheses).
func ParseCondition(expr string) (*Condition, error) {
	toks, err := tokenize(expr)
	var root node
	switch {
	case err != nil:
	case len(toks) == 0:
		err = errors.New("empty condition")
	default:
		p := &condParser{toks: toks}
		root, err = p.ternary()
		if err == nil && p.pos < len(p.toks) {
			err = fmt.Errorf("unexpected %q", p.toks[p.pos])
		}
	}
	if err != nil {
		return nil, fmt.Errorf("%q does not parse as a preprocessor condition: %w", expr, err)
	}
	return &Condition{expr: expr, root: root}, nil
}

func (c *Condition) String() string { return c.expr }

// Holds evaluates the condition where macros (name to value, as `cc -dM
// -E` prints them) are defined: an identifier that is no macro is 0, as in
// #if.
func (c *Condition) Holds(macros map[string]string) (bool, error) {
	v, err := c.root(&evaluation{macros: macros})
	if err != nil {
		return false, fmt.Errorf("%q: %w", c.expr, err)
	}
	return v != 0, nil
}

// ParseMacros reads the output of `cc -dM -E`: "#define NAME VALUE" lines.
// Function-like macros are left out: a condition cannot use them.
func ParseMacros(out string) map[string]string {
	macros := map[string]string{}
	for _, line := range strings.Split(out, "\n") {
		rest, ok := strings.CutPrefix(strings.TrimSpace(line), "#define ")
		if !ok {
			continue
		}
		name, value, _ := strings.Cut(rest, " ")
		if name == "" || strings.Contains(name, "(") {
			continue
		}
		macros[name] = strings.TrimSpace(value)
	}
	return macros
}

var operators = []string{"&&", "||", "==", "!=", "<=", ">=", "<<", ">>", "(", ")", "!", "~", "*", "/", "%", "+", "-", "<", ">", "&", "^", "|", "?", ":"}

func tokenize(s string) ([]string, error) {
	var toks []string
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == ' ' || c == '\t':
			i++
		case isIdentStart(c):
			j := i + 1
			for j < len(s) && (isIdentStart(s[j]) || isDigit(s[j])) {
				j++
			}
			toks = append(toks, s[i:j])
			i = j
		case isDigit(c):
			j := i + 1
			for j < len(s) && (isIdentStart(s[j]) || isDigit(s[j])) {
				j++
			}
			toks = append(toks, s[i:j])
			i = j
		default:
			op := ""
			for _, o := range operators {
				if strings.HasPrefix(s[i:], o) {
					op = o
					break
				}
			}
			if op == "" {
				return nil, fmt.Errorf("unexpected character %q", c)
			}
			toks = append(toks, op)
			i += len(op)
		}
	}
	return toks, nil
}

func isIdentStart(c byte) bool { return c == '_' || (c|0x20 >= 'a' && c|0x20 <= 'z') }
func isDigit(c byte) bool      { return c >= '0' && c <= '9' }

type condParser struct {
	toks []string
	pos  int
}

func (p *condParser) peek() string {
	if p.pos < len(p.toks) {
		return p.toks[p.pos]
	}
	return ""
}

func (p *condParser) expect(tok string) error {
	if p.peek() != tok {
		if p.peek() == "" {
			return fmt.Errorf("missing %q at the end", tok)
		}
		return fmt.Errorf("want %q, not %q", tok, p.peek())
	}
	p.pos++
	return nil
}

func (p *condParser) ternary() (node, error) {
	cond, err := p.binary(0)
	if err != nil || p.peek() != "?" {
		return cond, err
	}
	p.pos++
	yes, err := p.ternary()
	if err != nil {
		return nil, err
	}
	if err := p.expect(":"); err != nil {
		return nil, err
	}
	no, err := p.ternary()
	if err != nil {
		return nil, err
	}
	return func(e *evaluation) (int64, error) {
		c, err := cond(e)
		if err != nil {
			return 0, err
		}
		if c != 0 {
			return yes(e)
		}
		return no(e)
	}, nil
}

// precedence of the binary operators, lowest first.
var precedence = [][]string{{"||"}, {"&&"}, {"|"}, {"^"}, {"&"}, {"==", "!="}, {"<", "<=", ">", ">="}, {"<<", ">>"}, {"+", "-"}, {"*", "/", "%"}}

func (p *condParser) binary(level int) (node, error) {
	if level == len(precedence) {
		return p.unary()
	}
	left, err := p.binary(level + 1)
	if err != nil {
		return nil, err
	}
	for {
		op := p.peek()
		if !containsString(precedence[level], op) {
			return left, nil
		}
		p.pos++
		right, err := p.binary(level + 1)
		if err != nil {
			return nil, err
		}
		left = binaryNode(op, left, right)
	}
}

func containsString(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func binaryNode(op string, left, right node) node {
	return func(e *evaluation) (int64, error) {
		a, err := left(e)
		if err != nil {
			return 0, err
		}
		switch op { // short-circuit, as the preprocessor does
		case "&&":
			if a == 0 {
				return 0, nil
			}
		case "||":
			if a != 0 {
				return 1, nil
			}
		}
		b, err := right(e)
		if err != nil {
			return 0, err
		}
		truth := func(t bool) int64 {
			if t {
				return 1
			}
			return 0
		}
		switch op {
		case "&&", "||":
			return truth(b != 0), nil
		case "|":
			return a | b, nil
		case "^":
			return a ^ b, nil
		case "&":
			return a & b, nil
		case "==":
			return truth(a == b), nil
		case "!=":
			return truth(a != b), nil
		case "<":
			return truth(a < b), nil
		case "<=":
			return truth(a <= b), nil
		case ">":
			return truth(a > b), nil
		case ">=":
			return truth(a >= b), nil
		case "<<":
			return a << uint64(b&63), nil
		case ">>":
			return a >> uint64(b&63), nil
		case "+":
			return a + b, nil
		case "-":
			return a - b, nil
		case "*":
			return a * b, nil
		}
		if b == 0 {
			return 0, errors.New("division by zero")
		}
		if op == "/" {
			return a / b, nil
		}
		return a % b, nil
	}
}

func (p *condParser) unary() (node, error) {
	tok := p.peek()
	switch {
	case tok == "!" || tok == "~" || tok == "-" || tok == "+":
		p.pos++
		operand, err := p.unary()
		if err != nil {
			return nil, err
		}
		return func(e *evaluation) (int64, error) {
			v, err := operand(e)
			switch tok {
			case "!":
				if v == 0 {
					return 1, err
				}
				return 0, err
			case "~":
				return ^v, err
			case "-":
				return -v, err
			}
			return v, err
		}, nil
	case tok == "(":
		p.pos++
		inner, err := p.ternary()
		if err != nil {
			return nil, err
		}
		return inner, p.expect(")")
	case tok == "defined":
		p.pos++
		paren := p.peek() == "("
		if paren {
			p.pos++
		}
		name := p.peek()
		if name == "" || !isIdentStart(name[0]) {
			return nil, fmt.Errorf("defined wants a macro name, not %q", name)
		}
		p.pos++
		if paren {
			if err := p.expect(")"); err != nil {
				return nil, err
			}
		}
		return func(e *evaluation) (int64, error) {
			if _, ok := e.macros[name]; ok {
				return 1, nil
			}
			return 0, nil
		}, nil
	case tok != "" && isDigit(tok[0]):
		p.pos++
		v, err := parseInt(tok)
		if err != nil {
			return nil, err
		}
		return func(*evaluation) (int64, error) { return v, nil }, nil
	case tok != "" && isIdentStart(tok[0]):
		p.pos++
		if p.peek() == "(" {
			return nil, fmt.Errorf("%s(...): function-like macros are not supported", tok)
		}
		return func(e *evaluation) (int64, error) { return e.macro(tok) }, nil
	case tok == "":
		return nil, errors.New("ends where an operand is wanted")
	default:
		return nil, fmt.Errorf("unexpected %q", tok)
	}
}

// macro is the value of name: 0 when it is not defined, else its value
// evaluated in turn (__BYTE_ORDER__ is __ORDER_LITTLE_ENDIAN__ is 1234).
func (e *evaluation) macro(name string) (int64, error) {
	value, ok := e.macros[name]
	if !ok {
		return 0, nil
	}
	if e.depth > 16 {
		return 0, fmt.Errorf("macro %s expands too deep", name)
	}
	c, err := ParseCondition(value)
	if err != nil {
		return 0, fmt.Errorf("macro %s = %q is no integer expression", name, value)
	}
	e.depth++
	defer func() { e.depth-- }()
	return c.root(e)
}

func parseInt(tok string) (int64, error) {
	digits := strings.TrimRight(tok, "uUlL")
	base := 10
	switch {
	case strings.HasPrefix(digits, "0x") || strings.HasPrefix(digits, "0X"):
		digits, base = digits[2:], 16
	case len(digits) > 1 && digits[0] == '0':
		digits, base = digits[1:], 8
	}
	v, err := strconv.ParseUint(digits, base, 64)
	if err != nil {
		return 0, fmt.Errorf("%q is no integer", tok)
	}
	return int64(v), nil
}
