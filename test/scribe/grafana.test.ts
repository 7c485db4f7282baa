import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { z } from 'zod';
import { renderGeneration } from '../../tools/src/scribe';
import { GRAFANA_DASHBOARD_PROVIDER, GRAFANA_DATASOURCE, PROMETHEUS_CONFIG } from '../../tools/src/scribe/observability';
import { CASES, loadCase } from './helpers';

/**
 * The Scribe's (Grafana's) provisioning files, checked against Grafana's documented format
 * ("Provision Grafana": data sources and dashboard providers, apiVersion 1; the dashboard JSON
 * model for the boards). Grafana itself stays a stand-in in the VM: this is what it would read.
 * Strict objects: a key Grafana does not document is an error, as a typo would be one there.
 */
const datasources = z.strictObject({
  apiVersion: z.literal(1),
  datasources: z
    .array(
      z.strictObject({
        name: z.string().min(1),
        type: z.string().min(1),
        access: z.enum(['proxy', 'direct']),
        uid: z.string().regex(/^[a-zA-Z0-9_-]{1,40}$/),
        url: z.url(),
        isDefault: z.boolean().optional(),
        orgId: z.number().int().optional(),
        editable: z.boolean().optional(),
        jsonData: z.record(z.string(), z.unknown()).optional(),
      }),
    )
    .min(1),
});

const providers = z.strictObject({
  apiVersion: z.literal(1),
  providers: z
    .array(
      z.strictObject({
        name: z.string().min(1),
        orgId: z.number().int().optional(),
        folder: z.string().optional(),
        folderUid: z.string().optional(),
        type: z.literal('file'),
        disableDeletion: z.boolean().optional(),
        updateIntervalSeconds: z.number().int().optional(),
        allowUiUpdates: z.boolean().optional(),
        options: z.strictObject({ path: z.string().startsWith('/'), foldersFromFilesStructure: z.boolean().optional() }),
      }),
    )
    .min(1),
});

const dashboard = z.strictObject({
  uid: z.string().regex(/^[a-zA-Z0-9_-]{1,40}$/),
  title: z.string().min(1),
  schemaVersion: z.number().int(),
  tags: z.array(z.string()),
  time: z.strictObject({ from: z.string(), to: z.string() }),
  panels: z
    .array(
      z.strictObject({
        id: z.number().int().positive(),
        type: z.string(),
        title: z.string(),
        gridPos: z.strictObject({ h: z.number().int(), w: z.number().int().max(24), x: z.number().int(), y: z.number().int() }),
        datasource: z.strictObject({ type: z.string(), uid: z.string() }),
        targets: z.array(
          z.strictObject({
            refId: z.string(),
            expr: z.string().min(1),
            legendFormat: z.string().optional(),
            datasource: z.strictObject({ type: z.string(), uid: z.string() }),
          }),
        ),
      }),
    )
    .min(1),
});

// The golden Codexes whose Scribe is enabled (the others render no provisioning at all).
const WITH_SCRIBE = CASES.filter((name) => renderGeneration(loadCase(name)).has(GRAFANA_DATASOURCE));

it('covers the example', () => expect(WITH_SCRIBE).toContain('example'));

describe.each(WITH_SCRIBE)("the %s Codex's Scribe provisioning, as Grafana documents it", (name) => {
  const files = renderGeneration(loadCase(name));

  it('data sources, dashboard providers and every dashboard follow the format', () => {
    const ds = datasources.parse(parse(files.get(GRAFANA_DATASOURCE)!));
    providers.parse(parse(files.get(GRAFANA_DASHBOARD_PROVIDER)!));
    const boards = [...files].filter(([f]) => f.startsWith('scribe/dashboards/'));
    expect(boards.map(([f]) => f)).toContain('scribe/dashboards/vessel.json');
    const uids = new Set(ds.datasources.map((d) => d.uid));
    // The jobs the Harvester scrapes: a board that asks for another job would stay empty.
    const jobs = new Set(
      (parse(files.get(PROMETHEUS_CONFIG) ?? 'scrape_configs: []') as { scrape_configs: { job_name: string }[] }).scrape_configs.map(
        (s) => s.job_name,
      ),
    );
    for (const [file, text] of boards) {
      const board = dashboard.parse(JSON.parse(text));
      for (const p of board.panels) {
        expect(uids, `${file}: panel ${p.id}`).toContain(p.datasource.uid);
        for (const t of p.targets)
          for (const [, job] of t.expr.matchAll(/job="([^"]+)"/g)) expect(jobs, `${file}: ${t.expr}`).toContain(job);
      }
    }
  });
});

it('the format check refuses what Grafana would not read', () => {
  expect(datasources.safeParse({ apiVersion: 1, datasources: [{ name: 'H', type: 'prometheus', acess: 'proxy' }] }).success).toBe(false);
  expect(providers.safeParse({ apiVersion: 1, providers: [{ name: 'l', type: 'file', options: { path: 'relative' } }] }).success).toBe(
    false,
  );
});
