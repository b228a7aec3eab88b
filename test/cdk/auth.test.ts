/**
 * Identity: a user's region scope (`custom:regions`) is set by admins only. A user who could write
 * it could clear it, and a principal without a scope reads every region — so no app client may
 * write it, in any stage, and the stack refuses to synthesize a client that could.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { ClientAttributes, UserPoolClient } from 'aws-cdk-lib/aws-cognito';
import { describe, expect, it } from 'vitest';
import { REGIONS_ATTRIBUTE } from '../../functions/auth/pre-token-generation.ts';
import { createStacks } from '../../lib/app.ts';
import { clientsThatMayWriteRegions } from '../../lib/constructs/auth.ts';
import { STAGES } from '../../lib/config.ts';
import { resourcesOf, synthesize } from './support/synth.ts';

/** The app clients of a stage's template, by logical id. */
const clientsOf = (stage: (typeof STAGES)[number]) => Object.entries(resourcesOf(synthesize(stage).template, 'AWS::Cognito::UserPoolClient'));

describe.each(STAGES)('Identity (%s): who may set a user’s regions', (stage) => {
  it('lets no app client write custom:regions, and gives every client an explicit, non-empty write list', () => {
    const clients = clientsOf(stage);

    expect(clients.length).toBeGreaterThan(0);
    for (const [id, client] of clients) {
      const writable = client.Properties!.WriteAttributes as unknown;
      // Absent or empty means Cognito's default: every attribute writable, custom ones included.
      expect(Array.isArray(writable) && writable.length > 0, `${id} lists its write attributes`).toBe(true);
      expect(writable, id).not.toContain(REGIONS_ATTRIBUTE);
    }
  });

  it('lets the front end read what it writes, and read (not write) the user’s own scope', () => {
    for (const [id, client] of clientsOf(stage)) {
      const readable = client.Properties!.ReadAttributes as string[];
      for (const attribute of client.Properties!.WriteAttributes as string[]) expect(readable, `${id} reads ${attribute}`).toContain(attribute);
      expect(readable, id).toContain(REGIONS_ATTRIBUTE);
    }
  });

  it('has no self sign-up, and a mutable regions attribute so that admins can change a scope', () => {
    const [pool, ...others] = Object.values(resourcesOf(synthesize(stage).template, 'AWS::Cognito::UserPool'));

    expect(others).toEqual([]);
    expect(pool!.Properties!.AdminCreateUserConfig).toEqual({ AllowAdminCreateUserOnly: true });
    const attribute = (pool!.Properties!.Schema as { Name: string; Mutable?: boolean }[]).find((a) => `custom:${a.Name}` === REGIONS_ATTRIBUTE);
    expect(attribute?.Mutable).toBe(true);
  });
});

describe('Identity: the synth-time check on app clients', () => {
  /** A fresh dev app (bundling skipped) whose pool gets extra clients; not the memoized one. */
  function appWithExtraClients() {
    const app = new App({ outdir: mkdtempSync(join(tmpdir(), 'bi-agent-cdk-')), context: { stage: 'dev', 'aws:cdk:bundling-stacks': [] } });
    const { main } = createStacks(app);
    const pool = main.auth.userPool;
    const add = (id: string, writeAttributes?: ClientAttributes) => new UserPoolClient(main, id, { userPool: pool, ...(writeAttributes ? { writeAttributes } : {}) });
    const clients = {
      defaults: add('DefaultsClient'),
      empty: add('EmptyListClient', new ClientAttributes()),
      regions: add('RegionsClient', new ClientAttributes().withStandardAttributes({ fullname: true }).withCustomAttributes('regions')),
      safe: add('SafeClient', new ClientAttributes().withStandardAttributes({ fullname: true })),
    };
    return { app, main, clients };
  }

  it('flags exactly the clients that could write custom:regions: default, empty or listing it', () => {
    const { main, clients } = appWithExtraClients();

    const flagged = clientsThatMayWriteRegions(main);

    const pathOf = (client: UserPoolClient) => client.node.defaultChild!.node.path;
    expect(flagged.sort()).toEqual([pathOf(clients.defaults), pathOf(clients.empty), pathOf(clients.regions)].sort());
    expect(flagged).not.toContain(pathOf(main.auth.client));
  });

  it('fails the synth when such a client is added to the stack', () => {
    const { app } = appWithExtraClients();

    expect(() => app.synth()).toThrow(/RegionsClient.*custom:regions/s);
  });
});
