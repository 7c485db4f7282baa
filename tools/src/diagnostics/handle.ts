import { causesOf, ForgeError } from './error';
import { renderDiagnostic, renderDiagnostics } from './render';

/**
 * The one handler of a failed command or task: a ForgeError prints every diagnostic it carries;
 * anything else is a failure the Forge did not foresee (a full disk, a bug), printed as one
 * diagnostic (LYCHD900) with what caused it, and its stack trace only when LYCHD_DEBUG is set.
 */
export function reportFailure(e: unknown, write: (text: string) => void, cwd = process.cwd()): void {
  if (e instanceof ForgeError) {
    write(e.heading ? `${e.heading}\n${renderDiagnostics(e.diagnostics, cwd)}` : renderDiagnostics(e.diagnostics, cwd));
    return;
  }
  const [message = '', ...cause] = causesOf(e);
  const debug = Boolean(process.env['LYCHD_DEBUG']);
  write(
    renderDiagnostic(
      {
        severity: 'error',
        code: 'LYCHD900',
        message,
        cause,
        hint: debug ? undefined : 'run again with LYCHD_DEBUG=1 to see where it happened',
      },
      cwd,
    ),
  );
  if (debug && e instanceof Error && e.stack) write(e.stack);
}
