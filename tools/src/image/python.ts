/**
 * Whether a `major.minor` Python satisfies a PEP 440 `requires-python` (`>=3.11`, `>=3.10,<3.13`,
 * `~=3.11`, `==3.11.*`): the comparisons requires-python uses in practice, on release numbers.
 */
export function satisfiesRequiresPython(python: string, requires: string): boolean {
  const version = release(python);
  return requires
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .every((clause) => {
      const m = /^(~=|===|==|!=|<=|>=|<|>)\s*([0-9]+(?:\.[0-9]+)*)(\.\*)?$/.exec(clause);
      if (!m) return false;
      const [, op, v, star] = m as unknown as [string, string, string, string | undefined];
      const want = release(v);
      if (star) {
        const same = want.every((n, i) => (version[i] ?? 0) === n);
        return op === '==' ? same : op === '!=' ? !same : false;
      }
      const c = compare(version, want);
      switch (op) {
        case '>=':
          return c >= 0;
        case '>':
          return c > 0;
        case '<=':
          return c <= 0;
        case '<':
          return c < 0;
        case '==':
        case '===':
          return c === 0;
        case '!=':
          return c !== 0;
        default: // ~=X.Y[.Z]: >= X.Y[.Z] and the same release apart from the last part
          return c >= 0 && want.slice(0, -1).every((n, i) => (version[i] ?? 0) === n);
      }
    });
}

const release = (v: string) => v.split('.').map(Number);

function compare(a: number[], b: number[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d) return d;
  }
  return 0;
}
