/** A small unified diff (context 3) for text files; enough to show drift in quadlet files. */

type Op = { kind: ' ' | '-' | '+'; text: string };

const CONTEXT = 3;
const MAX_CELLS = 4_000_000;

function splitLines(text: string): { lines: string[]; eol: boolean } {
  if (text === '') return { lines: [], eol: true };
  const eol = text.endsWith('\n');
  const lines = (eol ? text.slice(0, -1) : text).split('\n');
  return { lines, eol };
}

/** Longest-common-subsequence edit script; a whole replacement beyond MAX_CELLS. */
function editScript(a: string[], b: string[]): Op[] {
  const n = a.length;
  const m = b.length;
  if (n * m > MAX_CELLS) {
    return [...a.map((text) => ({ kind: '-' as const, text })), ...b.map((text) => ({ kind: '+' as const, text }))];
  }
  const width = m + 1;
  const lcs = new Uint32Array((n + 1) * width);
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      lcs[i * width + j] =
        a[i] === b[j]
          ? (lcs[(i + 1) * width + j + 1] as number) + 1
          : Math.max(lcs[(i + 1) * width + j] as number, lcs[i * width + j + 1] as number);
    }
  }
  const ops: Op[] = [];
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && a[i] === b[j]) {
      ops.push({ kind: ' ', text: a[i++] as string });
      j++;
    } else if (i < n && (j === m || (lcs[(i + 1) * width + j] as number) >= (lcs[i * width + j + 1] as number))) {
      // Removals before additions, as diff(1) prints them.
      ops.push({ kind: '-', text: a[i++] as string });
    } else {
      ops.push({ kind: '+', text: b[j++] as string });
    }
  }
  return ops;
}

function hunks(ops: Op[]): string[] {
  const out: string[] = [];
  const changed = ops.map((o, k) => (o.kind !== ' ' ? k : -1)).filter((k) => k >= 0);
  let h = 0;
  while (h < changed.length) {
    const start = Math.max(0, (changed[h] as number) - CONTEXT);
    let end = (changed[h] as number) + CONTEXT;
    while (h + 1 < changed.length && (changed[h + 1] as number) - CONTEXT <= end + 1) end = (changed[++h] as number) + CONTEXT;
    end = Math.min(end, ops.length - 1);
    h++;
    let aStart = 1;
    let bStart = 1;
    for (let k = 0; k < start; k++) {
      if (ops[k]?.kind !== '+') aStart++;
      if (ops[k]?.kind !== '-') bStart++;
    }
    const body = ops.slice(start, end + 1);
    const aLen = body.filter((o) => o.kind !== '+').length;
    const bLen = body.filter((o) => o.kind !== '-').length;
    const range = (s: number, len: number) => `${len === 0 ? s - 1 : s},${len}`;
    out.push(`@@ -${range(aStart, aLen)} +${range(bStart, bLen)} @@`);
    for (const o of body) out.push(`${o.kind}${o.text}`);
  }
  return out;
}

const isBinary = (buf: Buffer) => buf.includes(0);

/** Unified diff of one file; `undefined` side means the file does not exist there. */
export function unifiedDiff(
  rel: string,
  before: Buffer | undefined,
  after: Buffer | undefined,
  labels = { before: 'installed', after: 'rendered' },
): string {
  const head = [
    `--- ${before === undefined ? '/dev/null' : `${labels.before}/${rel}`}`,
    `+++ ${after === undefined ? '/dev/null' : `${labels.after}/${rel}`}`,
  ];
  if ((before && isBinary(before)) || (after && isBinary(after))) {
    return [...head, `Binary file ${rel} differs`].join('\n') + '\n';
  }
  const a = splitLines(before?.toString('utf8') ?? '');
  const b = splitLines(after?.toString('utf8') ?? '');
  const ops = editScript(a.lines, b.lines);
  const lines = hunks(ops);
  if (a.eol !== b.eol && before !== undefined && after !== undefined) {
    lines.push(`\\ newline at end of file: ${labels.before} ${a.eol ? 'has one' : 'has none'}, ${labels.after} ${b.eol ? 'has one' : 'has none'}`);
  }
  return [...head, ...lines].join('\n') + '\n';
}
