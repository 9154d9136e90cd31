import { describe, expect, it } from 'vitest';
import type { Expr } from './ast.ts';
import { parse, parseAssignments, parseOrThrow, stripWrapper } from './parser.ts';

/** Fully parenthesised rendering of the tree, to assert precedence and associativity. */
function show(node: Expr): string {
  switch (node.kind) {
    case 'Number':
    case 'Boolean':
      return String(node.value);
    case 'String':
      return JSON.stringify(node.value);
    case 'Null':
      return 'null';
    case 'Duration':
      return `${node.amount}${node.unit}`;
    case 'Identifier':
      return node.name;
    case 'List':
      return `[${node.items.map(show).join(', ')}]`;
    case 'Member':
      return `${show(node.object)}${node.optional ? '?.' : '.'}${node.property}`;
    case 'Index':
      return `${show(node.object)}[${show(node.index)}]`;
    case 'Call':
      return `${node.callee}(${node.args.map(show).join(', ')})`;
    case 'Unary':
      return `(${node.operator}${show(node.operand)})`;
    case 'Binary':
      return `(${show(node.left)} ${node.operator} ${show(node.right)})`;
    case 'Conditional':
      return `(${show(node.test)} ? ${show(node.consequent)} : ${show(node.alternate)})`;
    case 'Lambda':
      return `(${node.params.map((param) => param.name).join(', ')}) => ${show(node.body)}`;
  }
}

const tree = (source: string) => show(parseOrThrow(source));
const firstError = (source: string) => parse(source).diagnostics[0]!;

describe('given the precedence table', () => {
  it.each([
    ['1 + 2 * 3', '(1 + (2 * 3))'],
    ['1 - 2 - 3', '((1 - 2) - 3)'],
    ['8 / 4 % 3', '((8 / 4) % 3)'],
    ['-a * b', '((-a) * b)'],
    ['-a.b', '(-a.b)'],
    ['a + b < c * d', '((a + b) < (c * d))'],
    ['a < b == c < d', '((a < b) == (c < d))'],
    ['a == b && c != d', '((a == b) && (c != d))'],
    ['a || b && c', '(a || (b && c))'],
    ['a or b and c', '(a || (b && c))'],
    ['a ?? b || c', '(a ?? (b || c))'],
    ['a ?? b ?? c', '((a ?? b) ?? c)'],
    ['a ? b : c ? d : e', '(a ? b : (c ? d : e))'],
    ['a || b ? c : d', '((a || b) ? c : d)'],
    ['a ? b ? c : d : e', '(a ? (b ? c : d) : e)'],
    ['!a == b', '((!a) == b)'],
    ['not a == b', '(!(a == b))'],
    ['not a and b', '((!a) && b)'],
    ['!test.contains("a")', '(!contains(test, "a"))'],
    ['x in [1, 2] && y', '((x in [1, 2]) && y)'],
    ['x not in [1, 2]', '(x not in [1, 2])'],
    ['a + b in c', '((a + b) in c)'],
    ['(1 + 2) * 3', '((1 + 2) * 3)'],
    ['a?.b.c', 'a?.b?.c'],
    ['a.b?.c[0]', 'a.b?.c[0]'],
    ['now() + 72h', '(now() + 72h)'],
  ])('when %j is parsed, then it groups as %s', (source, expected) => {
    expect(tree(source)).toBe(expected);
  });
});

describe('given literals and calls', () => {
  it('when lists, nested calls and trailing commas are used, then they parse', () => {
    expect(tree('IF(a, [1, "x", true, null,], b)')).toBe('IF(a, [1, "x", true, null], b)');
  });

  it('when a lambda is a function argument, then its parameters and body are kept', () => {
    expect(tree('COUNT(items, i => i.level > 2)')).toBe('COUNT(items, (i) => (i.level > 2))');
    expect(tree('MAP(xs, (x) => x * 2)')).toBe('MAP(xs, (x) => (x * 2))');
    expect(tree('F(xs, (a, b) => a + b)')).toBe('F(xs, (a, b) => (a + b))');
  });

  it('when method sugar is used, then the receiver becomes the first argument', () => {
    const node = parseOrThrow('name.upper()');
    expect(node).toMatchObject({ kind: 'Call', callee: 'upper', method: true, args: [{ kind: 'Identifier', name: 'name' }] });
  });

  it('when a keyword is used as a field name, then it is a member access', () => {
    expect(tree('a.in + a.null')).toBe('(a.in + a.null)');
  });

  it('when a string index is used, then it is an index expression', () => {
    expect(tree('a["key"]')).toBe('a["key"]');
  });
});

describe('given source positions', () => {
  it('when a binary expression is parsed, then every node carries offsets, line and column', () => {
    const node = parseOrThrow('a +\n  bb');
    expect(node).toMatchObject({ kind: 'Binary', start: 0, end: 8, line: 1, column: 1, operatorSpan: { start: 2, end: 3 } });
    if (node.kind !== 'Binary') throw new Error('binary expected');
    expect(node.right).toMatchObject({ start: 6, end: 8, line: 2, column: 3 });
  });

  it('when a call is parsed, then the callee has its own span and the call covers the closing parenthesis', () => {
    const node = parseOrThrow('x.contains("a")');
    expect(node).toMatchObject({ start: 0, end: 15, calleeSpan: { start: 2, end: 10 } });
  });

  it('when a wrapper is stripped, then positions still point into the original text', () => {
    const node = parseOrThrow('${ value > 1 }');
    expect(node).toMatchObject({ start: 3, end: 12, column: 4 });
  });
});

describe('given syntax errors', () => {
  it.each([
    ['', 'emptyExpression', 0],
    ['   \n  ', 'emptyExpression', 6],
    ['${}', 'emptyExpression', 2],
    ['a +', 'unexpectedEnd', 3],
    ['(a + b', 'unexpectedEnd', 6],
    ['a b', 'unexpectedToken', 2],
    ['a = 1', 'singleEquals', 2],
    ['IF(a, b c)', 'expectedToken', 8],
    ['[1, 2', 'unexpectedEnd', 5],
    ['x => x > 1', 'lambdaNotAllowed', 2],
    ['(x) => 1', 'lambdaNotAllowed', 4],
    ['a(1)(2)', 'notCallable', 4],
    ['a[0](1)', 'notCallable', 4],
    ['a.', 'unexpectedEnd', 2],
    ['a.1', 'expectedToken', 2],
    ['a ? b', 'unexpectedEnd', 5],
    ['a not b', 'unexpectedToken', 2],
    [') + 1', 'unexpectedToken', 0],
  ])('when %j is parsed, then the error is %s at offset %i', (source, code, start) => {
    const error = firstError(source);
    expect(error.code).toBe(code);
    expect(error.start).toBe(start);
    expect(error.severity).toBe('error');
  });

  it('when an error is on a later line, then its line and column are reported', () => {
    expect(firstError('a &&\n  b +')).toMatchObject({ code: 'unexpectedEnd', line: 2, column: 6 });
  });

  it('when parseOrThrow meets a syntax error, then it throws an ExprError with the diagnostic', () => {
    expect(() => parseOrThrow('a +')).toThrow(expect.objectContaining({ name: 'ExprError', code: 'unexpectedEnd' }));
  });
});

describe('given Camunda/JUEL wrappers', () => {
  it.each([
    ['${integerVariable}', 'integerVariable'],
    ['#{ a > 1 }', 'a > 1'],
    ['  ${x == "}"}  ', 'x == "}"'],
    ['plain', 'plain'],
  ])('when %j is unwrapped, then the body is %j', (source, body) => {
    expect(stripWrapper(source)).toBe(body);
  });

  it('when a composite template is given, then it is not unwrapped and fails to parse', () => {
    expect(stripWrapper('${a} and ${b}')).toBe('${a} and ${b}');
    expect(parse('${a} and ${b}').diagnostics[0]!.code).toBe('unexpectedCharacter');
  });
});

describe('given script-task assignments', () => {
  it('when assignments are separated by semicolons and line breaks, then each is parsed with its source', () => {
    const result = parseAssignments('total = a + b; count = count + 1\nlabel = IF(total > 2,\n  "hi", "lo")');
    expect(result.diagnostics).toEqual([]);
    expect(result.assignments.map((item) => [item.target.name, item.expressionSource])).toEqual([
      ['total', 'a + b'],
      ['count', 'count + 1'],
      ['label', 'IF(total > 2,\n  "hi", "lo")'],
    ]);
  });

  it('when the target is not a variable name, then the assignment is rejected', () => {
    expect(parseAssignments('a.b = 1').diagnostics[0]!.code).toBe('invalidAssignmentTarget');
    expect(parseAssignments('1 = 1').diagnostics[0]!.code).toBe('invalidAssignmentTarget');
  });

  it('when two assignments share a line without a separator, then it is a syntax error', () => {
    expect(parseAssignments('a = 1 b = 2').diagnostics[0]).toMatchObject({ code: 'unexpectedToken', start: 6 });
  });

  it('when the script is empty, then it is reported', () => {
    expect(parseAssignments(' ; ').diagnostics[0]!.code).toBe('emptyExpression');
  });
});
