/**
 * A small, real parser for the OData `$filter` subset that statistical clients use:
 * comparisons (eq ne gt ge lt le), `and`, `or`, `not`, parentheses, string/number/null/boolean
 * literals, and the string functions startswith and endswith, with contains (v4) or
 * substringof (v3, as cbsodataR and opendata.cbs.nl write it). Properties are checked against
 * the entity type so that a typo is a clear 400, not an empty result.
 */

export type EdmKind = 'string' | 'number' | 'boolean';
/** v4 spells substring search `contains(haystack, needle)`, v3 `substringof(needle, haystack)`. */
export type FilterDialect = 'v3' | 'v4';

export interface PropertyInfo {
  kind: EdmKind;
}

export type Schema = Readonly<Record<string, PropertyInfo>>;

export class QueryError extends Error {
  override name = 'QueryError';
}

type Literal = string | number | boolean | null;
export type Operand = { kind: 'prop'; name: string } | { kind: 'lit'; value: Literal };
export type CmpOp = 'eq' | 'ne' | 'gt' | 'ge' | 'lt' | 'le';
export type FnName = 'startswith' | 'endswith' | 'contains' | 'substringof';
export type Expr =
  | { kind: 'and' | 'or'; left: Expr; right: Expr }
  | { kind: 'not'; expr: Expr }
  | { kind: 'cmp'; op: CmpOp; left: Operand; right: Operand }
  | { kind: 'fn'; name: FnName; args: [Operand, Operand] };

type Token =
  | { t: 'ident'; v: string; pos: number }
  | { t: 'str'; v: string; pos: number }
  | { t: 'num'; v: number; pos: number }
  | { t: '(' | ')' | ','; pos: number }
  | { t: 'end'; pos: number };

const CMP_OPS: ReadonlySet<string> = new Set(['eq', 'ne', 'gt', 'ge', 'lt', 'le']);
const FUNCTIONS: Record<FilterDialect, ReadonlySet<string>> = {
  v4: new Set(['startswith', 'endswith', 'contains']),
  v3: new Set(['startswith', 'endswith', 'substringof']),
};

function tokenize(src: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i] as string;
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
      i++;
    } else if (c === '(' || c === ')' || c === ',') {
      out.push({ t: c, pos: i });
      i++;
    } else if (c === "'") {
      // OData escapes a quote inside a string literal by doubling it.
      const start = i;
      let v = '';
      i++;
      for (;;) {
        if (i >= src.length)
          throw new QueryError(
            `$filter: unterminated string literal starting at position ${start + 1}`,
          );
        const d = src[i] as string;
        if (d === "'") {
          if (src[i + 1] === "'") {
            v += "'";
            i += 2;
            continue;
          }
          i++;
          break;
        }
        v += d;
        i++;
      }
      out.push({ t: 'str', v, pos: start });
    } else if (/[-0-9]/.test(c)) {
      const m = /^-?\d+(\.\d+)?([eE][+-]?\d+)?/.exec(src.slice(i));
      if (!m) throw new QueryError(`$filter: unexpected '${c}' at position ${i + 1}`);
      out.push({ t: 'num', v: Number(m[0]), pos: i });
      i += m[0].length;
    } else if (/[A-Za-z_]/.test(c)) {
      const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(src.slice(i)) as RegExpExecArray;
      out.push({ t: 'ident', v: m[0], pos: i });
      i += m[0].length;
    } else {
      throw new QueryError(`$filter: unexpected '${c}' at position ${i + 1}`);
    }
  }
  out.push({ t: 'end', pos: src.length });
  return out;
}

function describe(tok: Token): string {
  switch (tok.t) {
    case 'end':
      return 'end of expression';
    case 'ident':
      return `'${tok.v}'`;
    case 'str':
      return `string '${tok.v}'`;
    case 'num':
      return `number ${tok.v}`;
    default:
      return `'${tok.t}'`;
  }
}

class Parser {
  private i = 0;
  constructor(
    private readonly toks: Token[],
    private readonly schema: Schema,
    private readonly dialect: FilterDialect,
  ) {}

  parse(): Expr {
    const e = this.orExpr();
    const tok = this.peek();
    if (tok.t !== 'end') this.fail(`expected 'and', 'or' or the end, found ${describe(tok)}`, tok);
    return e;
  }

  private peek(): Token {
    return this.toks[this.i] as Token;
  }
  private next(): Token {
    return this.toks[this.i++] as Token;
  }
  private fail(msg: string, tok: Token): never {
    throw new QueryError(`$filter: ${msg} at position ${tok.pos + 1}`);
  }
  private isKeyword(word: string): boolean {
    const tok = this.peek();
    return tok.t === 'ident' && tok.v === word;
  }

  /** `operand (word operand)*`, grouped to the left: `a or b or c` is `(a or b) or c`. */
  private chain(word: 'or' | 'and', operand: () => Expr): Expr {
    let left = operand();
    while (this.isKeyword(word)) {
      this.next();
      left = { kind: word, left, right: operand() };
    }
    return left;
  }

  private orExpr(): Expr {
    return this.chain('or', () => this.andExpr());
  }

  private andExpr(): Expr {
    return this.chain('and', () => this.notExpr());
  }

  private notExpr(): Expr {
    if (this.isKeyword('not')) {
      this.next();
      return { kind: 'not', expr: this.notExpr() };
    }
    return this.primary();
  }

  private primary(): Expr {
    const tok = this.peek();
    if (tok.t === '(') {
      this.next();
      const e = this.orExpr();
      const close = this.next();
      if (close.t !== ')') this.fail(`expected ')', found ${describe(close)}`, close);
      return e;
    }
    if (tok.t === 'ident' && this.toks[this.i + 1]?.t === '(') {
      if (FUNCTIONS[this.dialect].has(tok.v)) return this.fnCall();
      const known = [...FUNCTIONS[this.dialect]].join(', ');
      this.fail(
        `function '${tok.v}' is not supported in OData ${this.dialect} (supported: ${known})`,
        tok,
      );
    }
    const left = this.operand();
    const opTok = this.next();
    if (opTok.t !== 'ident' || !CMP_OPS.has(opTok.v)) {
      this.fail(
        `expected a comparison operator (eq, ne, gt, ge, lt, le), found ${describe(opTok)}`,
        opTok,
      );
    }
    const right = this.operand();
    const op = opTok.v as CmpOp;
    this.checkTypes(left, right, op, opTok);
    return { kind: 'cmp', op, left, right };
  }

  private fnCall(): Expr {
    const nameTok = this.next() as { t: 'ident'; v: string; pos: number };
    this.next(); // '('
    const a = this.operand();
    const comma = this.next();
    if (comma.t !== ',')
      this.fail(
        `${nameTok.v}() takes two arguments; expected ',', found ${describe(comma)}`,
        comma,
      );
    const b = this.operand();
    const close = this.next();
    if (close.t !== ')')
      this.fail(
        `expected ')' after the arguments of ${nameTok.v}(), found ${describe(close)}`,
        close,
      );
    for (const arg of [a, b]) {
      if (this.kindOf(arg) === 'number')
        this.fail(`${nameTok.v}() works on strings, not numbers`, nameTok);
    }
    const call: Expr = { kind: 'fn', name: nameTok.v as FnName, args: [a, b] };
    // Allow the explicit form `startswith(RegionS,'GM') eq true`.
    if (this.isKeyword('eq') || this.isKeyword('ne')) {
      const op = (this.next() as { v: string }).v;
      const lit = this.next();
      if (lit.t !== 'ident' || (lit.v !== 'true' && lit.v !== 'false')) {
        this.fail(
          `a function result can only be compared with true or false, found ${describe(lit)}`,
          lit,
        );
      }
      const negate = (op === 'eq') !== (lit.v === 'true');
      return negate ? { kind: 'not', expr: call } : call;
    }
    return call;
  }

  private operand(): Operand {
    const tok = this.next();
    if (tok.t === 'str') return { kind: 'lit', value: tok.v };
    if (tok.t === 'num') return { kind: 'lit', value: tok.v };
    if (tok.t === 'ident') {
      if (tok.v === 'null') return { kind: 'lit', value: null };
      if (tok.v === 'true') return { kind: 'lit', value: true };
      if (tok.v === 'false') return { kind: 'lit', value: false };
      if (!Object.hasOwn(this.schema, tok.v)) {
        const known = Object.keys(this.schema).join(', ');
        this.fail(`unknown property '${tok.v}' (known: ${known})`, tok);
      }
      return { kind: 'prop', name: tok.v };
    }
    return this.fail(`expected a property or a literal, found ${describe(tok)}`, tok);
  }

  private kindOf(o: Operand): EdmKind | 'null' | 'boolean' {
    if (o.kind === 'prop') return (this.schema[o.name] as PropertyInfo).kind;
    if (o.value === null) return 'null';
    if (typeof o.value === 'boolean') return 'boolean';
    return typeof o.value === 'number' ? 'number' : 'string';
  }

  private checkTypes(a: Operand, b: Operand, op: CmpOp, at: Token): void {
    const ka = this.kindOf(a);
    const kb = this.kindOf(b);
    if (ka === 'boolean' || kb === 'boolean') {
      if (ka !== kb) {
        const prop = a.kind === 'prop' ? a : b;
        const name = prop.kind === 'prop' ? `property ${prop.name}` : 'this operand';
        this.fail(`cannot compare a ${ka} with a ${kb}; ${name} is not boolean`, at);
      }
      if (op !== 'eq' && op !== 'ne')
        this.fail(`true/false can only be compared with eq or ne`, at);
      return;
    }
    if (ka === 'null' || kb === 'null') {
      if (op !== 'eq' && op !== 'ne') this.fail(`null can only be compared with eq or ne`, at);
      return;
    }
    if (ka !== kb) {
      const prop = a.kind === 'prop' ? a : b.kind === 'prop' ? b : null;
      const hint = prop
        ? ` (property ${prop.name} is a ${this.kindOf(prop)}${this.kindOf(prop) === 'string' ? "; quote the literal, e.g. 'GM0363'" : ''})`
        : '';
      this.fail(`cannot compare a ${ka} with a ${kb}${hint}`, at);
    }
  }
}

/** Parses `$filter` against an entity type; throws QueryError with a position on bad input. */
export function parseFilter(src: string, schema: Schema, dialect: FilterDialect = 'v4'): Expr {
  if (src.trim() === '') throw new QueryError('$filter: empty expression');
  return new Parser(tokenize(src), schema, dialect).parse();
}

type Row = Readonly<Record<string, unknown>>;

/** How a predicate reads a property of a row; rows may be plain objects or indexes into columns. */
export type Accessor<R> = (name: string) => (r: R) => unknown;

const recordAccessor: Accessor<Row> = (name) => (r) => r[name] ?? null;

function operandFn<R>(o: Operand, access: Accessor<R>): (r: R) => unknown {
  if (o.kind === 'lit') {
    const v = o.value;
    return () => v;
  }
  return access(o.name);
}

function compare(op: CmpOp, a: unknown, b: unknown): boolean {
  if (op === 'eq') return a === b;
  if (op === 'ne') return a !== b;
  // OData: an ordering comparison with null is false.
  if (a === null || b === null) return false;
  const x = a as string | number;
  const y = b as string | number;
  switch (op) {
    case 'gt':
      return x > y;
    case 'ge':
      return x >= y;
    case 'lt':
      return x < y;
    case 'le':
      return x <= y;
  }
}

/** Compiles a parsed filter to a predicate over plain row objects (or rows read by `access`). */
export function compileFilter(e: Expr): (r: Row) => boolean;
export function compileFilter<R>(e: Expr, access: Accessor<R>): (r: R) => boolean;
export function compileFilter<R>(e: Expr, access?: Accessor<R>): (r: R) => boolean {
  return compileWith(e, access ?? (recordAccessor as unknown as Accessor<R>));
}

function compileWith<R>(e: Expr, access: Accessor<R>): (r: R) => boolean {
  switch (e.kind) {
    case 'and': {
      const l = compileWith(e.left, access);
      const r = compileWith(e.right, access);
      return (row) => l(row) && r(row);
    }
    case 'or': {
      const l = compileWith(e.left, access);
      const r = compileWith(e.right, access);
      return (row) => l(row) || r(row);
    }
    case 'not': {
      const inner = compileWith(e.expr, access);
      return (row) => !inner(row);
    }
    case 'cmp': {
      const l = operandFn(e.left, access);
      const r = operandFn(e.right, access);
      const op = e.op;
      return (row) => compare(op, l(row), r(row));
    }
    case 'fn': {
      const a = operandFn(e.args[0], access);
      const b = operandFn(e.args[1], access);
      const name = e.name;
      return (row) => {
        const x = a(row);
        const y = b(row);
        if (typeof x !== 'string' || typeof y !== 'string') return false;
        if (name === 'startswith') return x.startsWith(y);
        if (name === 'endswith') return x.endsWith(y);
        if (name === 'substringof') return y.includes(x);
        return x.includes(y);
      };
    }
  }
}

/**
 * The `prop eq 'literal'` terms that every match must satisfy (top-level conjunction), so a
 * caller can narrow rows through an index before running the full predicate.
 */
export function requiredEqualities(e: Expr): Map<string, string | number> {
  const out = new Map<string, string | number>();
  const walk = (x: Expr): void => {
    if (x.kind === 'and') {
      walk(x.left);
      walk(x.right);
    } else if (x.kind === 'cmp' && x.op === 'eq') {
      const [p, l] = x.left.kind === 'prop' ? [x.left, x.right] : [x.right, x.left];
      if (
        p.kind === 'prop' &&
        l.kind === 'lit' &&
        (typeof l.value === 'string' || typeof l.value === 'number')
      ) {
        out.set(p.name, l.value);
      }
    }
  };
  walk(e);
  return out;
}
