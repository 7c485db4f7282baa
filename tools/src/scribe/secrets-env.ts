import type { ValueSource } from './errors';
import { args, entry, keyval, type Entry } from './unit';

/** Where podman mounts a secret by default; the `*_FILE` variable points there. */
export const secretPath = (secret: string): string => `/run/secrets/${secret}`;

/** `Secret=<s>,type=mount,target=/run/secrets/<s>`: the secret is a file, never an environment value. */
export const secretMount = (secret: string, source?: ValueSource): Entry<'Container'> =>
  entry('Secret', args([`${secret},type=mount,target=${secretPath(secret)}`]), source);

/** `Environment=<VAR>=/run/secrets/<s>`: tells the program where the mounted secret is. */
export const secretFileVar = (variable: string, secret: string, source?: ValueSource): Entry<'Container'> =>
  entry('Environment', keyval(variable, secretPath(secret)), source);
