/**
 * A unified diff of two texts by lines, enough to show what drifted. Common head and tail are
 * trimmed first; the middle is aligned with a longest-common-subsequence table.
 */
export function unifiedDiff(expected: string, actual: string, labels: { expected: string; actual: string }, context = 3): string {
  if (expected === actual) return '';
  const a = expected.split('\n');
  const b = actual.split('\n');
  let head = 0;
  while (head < a.length && head < b.length && a[head] === b[head]) head++;
  let tail = 0;
  while (tail < a.length - head && tail < b.length - head && a[a.length - 1 - tail] === b[b.length - 1 - tail]) tail++;
  const midA = a.slice(head, a.length - tail);
  const midB = b.slice(head, b.length - tail);
  const ops: Array<[' ' | '-' | '+', string]> = [
    ...a.slice(Math.max(0, head - context), head).map((l): [' ', string] => [' ', l]),
    ...align(midA, midB),
    ...a.slice(a.length - tail, a.length - tail + context).map((l): [' ', string] => [' ', l]),
  ];
  const lines = [`--- ${labels.expected}`, `+++ ${labels.actual}`, `@@ line ${Math.max(1, head - context + 1)} @@`];
  let run = 0;
  for (const [op, line] of ops) {
    // Collapse long unchanged stretches inside the changed region.
    if (op === ' ') {
      run++;
      if (run === context * 2 + 1) lines.push('  …');
      if (run > context * 2) continue;
    } else run = 0;
    lines.push(`${op} ${line}`);
  }
  return lines.join('\n');
}

function align(a: string[], b: string[]): Array<[' ' | '-' | '+', string]> {
  if (a.length * b.length > 4_000_000)
    return [...a.map((l): ['-', string] => ['-', l]), ...b.map((l): ['+', string] => ['+', l])];
  const rows = a.length + 1;
  const cols = b.length + 1;
  const lcs = new Uint32Array(rows * cols);
  for (let i = a.length - 1; i >= 0; i--)
    for (let j = b.length - 1; j >= 0; j--)
      lcs[i * cols + j] = a[i] === b[j] ? lcs[(i + 1) * cols + j + 1]! + 1 : Math.max(lcs[(i + 1) * cols + j]!, lcs[i * cols + j + 1]!);
  const out: Array<[' ' | '-' | '+', string]> = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (i < a.length && j < b.length && a[i] === b[j]) out.push([' ', a[i++]!]), j++;
    else if (j < b.length && (i >= a.length || lcs[i * cols + j + 1]! >= lcs[(i + 1) * cols + j]!)) out.push(['+', b[j++]!]);
    else out.push(['-', a[i++]!]);
  }
  return out;
}
