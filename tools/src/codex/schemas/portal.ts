import { z } from 'zod';
import * as c from './common';

export const portal = z
  .object({
    name: c.name,
    description: c.description.optional(),
    provider: z
      .string()
      .regex(c.NAME_PATTERN, { error: 'must be a lowercase provider name such as "openai" or "anthropic"' })
      .describe('Provider family: openai, anthropic, openai-compatible, ...'),
    base_url: c.httpUrl.optional().describe("API endpoint; the provider's default when omitted."),
    models: z.array(c.unitText).default([]).describe('Models offered through this portal.'),
    capabilities: c.capabilities.default([]),
    api_key_secret: c.secretName
      .optional()
      .describe('Name of the podman secret that holds the API key. The key itself never goes in the Codex.'),
  })
  .strict()
  .describe('A remote provider: no container, but part of the capability manifest.');

export type PortalConfig = z.infer<typeof portal>;
