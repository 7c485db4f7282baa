/** Parsing of the quadlet generator's streams (podman 5.4 format). */

export interface GeneratorMessages {
  warnings: string[];
  errors: string[];
}

// Every message is prefixed with `quadlet-generator[<pid>]: ` unless it is the
// continuation of a multi-line error.
const PREFIX = /^quadlet-generator\[\d+\]:\s*/;

/**
 * Splits generator stderr into warnings and errors. `Loading source unit file`
 * lines are progress, not findings; anything else the generator says matters.
 */
export function classifyGeneratorStderr(stderr: string): GeneratorMessages {
  const out: GeneratorMessages = { warnings: [], errors: [] };
  for (const raw of stderr.split('\n')) {
    const line = raw.replace(PREFIX, '').trimEnd();
    if (!line || line.startsWith('Loading source unit file')) continue;
    (/^warning\b/i.test(line) ? out.warnings : out.errors).push(line);
  }
  return out;
}

const HEADER = /^---(.+)---$/;

/** Dry-run stdout is a sequence of `---name.service---` headers, each followed by the unit text. */
export function parseDryRunServices(stdout: string): Map<string, string> {
  const services = new Map<string, string>();
  let name: string | undefined;
  let body: string[] = [];
  const flush = (): void => {
    if (name === undefined) return;
    while (body.length > 0 && body[body.length - 1] === '') body.pop();
    services.set(name, body.length > 0 ? `${body.join('\n')}\n` : '');
  };
  for (const line of stdout.split('\n')) {
    const header = HEADER.exec(line);
    if (header?.[1]) {
      flush();
      name = header[1];
      body = [];
    } else if (name !== undefined) {
      body.push(line);
    }
  }
  flush();
  return services;
}
