import { createTwoFilesPatch } from 'diff';

/**
 * A unified diff (three lines of context) between two versions of a text, labelled `--- from` and
 * `+++ to`; empty when they are equal. `undefined` stands for a file that does not exist on that side
 * (`/dev/null`), and a side holding a NUL byte is reported as binary rather than printed.
 */
export function unifiedDiff(
  from: { label: string; text: string | Buffer | undefined },
  to: { label: string; text: string | Buffer | undefined },
): string {
  const fromLabel = from.text === undefined ? '/dev/null' : from.label;
  const toLabel = to.text === undefined ? '/dev/null' : to.label;
  if (isBinary(from.text) || isBinary(to.text)) return `--- ${fromLabel}\n+++ ${toLabel}\nBinary file ${to.label} differs\n`;
  const a = from.text?.toString() ?? '';
  const b = to.text?.toString() ?? '';
  if (a === b && from.text !== undefined && to.text !== undefined) return '';
  // jsdiff opens with a line of `=`; the labels alone are the unified format.
  return createTwoFilesPatch(fromLabel, toLabel, a, b, undefined, undefined, { context: 3 }).replace(/^=+\n/, '');
}

function isBinary(text: string | Buffer | undefined): boolean {
  return text !== undefined && (typeof text === 'string' ? text.includes('\0') : text.includes(0));
}
