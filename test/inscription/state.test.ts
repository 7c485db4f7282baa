import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { bindingState } from '../../tools/src/inscription/state';
import { bind, isInstalled, readGeneration, rollback } from '../../tools/src/inscription';
import { siteFixture } from './helpers';

/**
 * The runtime input that makes `quadlets:bind` cacheable: it may repeat only while a bind would
 * change nothing, or a cache hit would skip an install that was needed.
 */
describe('the Binding Site state', () => {
  it('repeats only while the site holds the rendered generation intact', async () => {
    const { site, render } = siteFixture();
    const env = { LYCHD_BINDING_SITE: site };
    const a = render('A');
    const before = bindingState(a, env);
    expect(before).toMatch(new RegExp(`^not bound at ${site}: [0-9a-f-]{36}$`));
    expect(bindingState(a, env)).not.toBe(before);
    expect(isInstalled({ bindingSite: site }, readGeneration(a))).toBe(false);

    await bind({ generationDir: a, bindingSite: site, reload: false });
    const bound = `bound ${readGeneration(a).id} at ${site}`;
    expect(bindingState(a, env)).toBe(bound);
    expect(bindingState(a, env)).toBe(bound);

    // Another generation rendered, a rollback, a hand edit: each time a bind has work to do.
    const b = render('B');
    expect(bindingState(b, env)).toMatch(/^not bound/);
    await bind({ generationDir: b, bindingSite: site, reload: false });
    expect(bindingState(b, env)).toBe(`bound ${readGeneration(b).id} at ${site}`);
    await rollback({ bindingSite: site, reload: false });
    expect(bindingState(b, env)).toMatch(/^not bound/);
    expect(bindingState(a, env)).toBe(bound);
    fs.appendFileSync(path.join(site, 'lychd', 'lychd.pod'), '# edited by hand\n');
    expect(bindingState(a, env)).toMatch(/^not bound/);
    expect((await bind({ generationDir: a, bindingSite: site, reload: false })).status).toBe('bound');
    expect(bindingState(a, env)).toBe(bound);
  });

  it('names the site it reads, and never fails: a missing generation or site is just not bound', () => {
    const { root, site } = siteFixture();
    expect(bindingState(path.join(root, 'absent'), { LYCHD_BINDING_SITE: site })).toMatch(new RegExp(`^not bound at ${site}: `));
    expect(bindingState(path.join(root, 'absent'), { XDG_CONFIG_HOME: '/x/cfg' })).toMatch(/^not bound at \/x\/cfg\/containers\/systemd: /);
    expect(bindingState(path.join(root, 'absent'), {})).toMatch(/^not bound at \(no Binding Site\): /);
  });
});
