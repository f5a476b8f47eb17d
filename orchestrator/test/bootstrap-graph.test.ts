// The Microsoft Graph edge of bootstrap (the CI identity), against a minimal in-test Graph on
// loopback that keeps applications, service principals and federated credentials: first run
// creates, second run finds everything and changes nothing, a wrong subject is corrected, no secret
// is ever added, and the bearer token is sent.
import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { federatedCredentials } from '../src/bootstrap/ci-identity.ts';
import { ensureCiIdentity } from '../src/bootstrap/graph.ts';

type Obj = Record<string, any>;

function fakeGraph() {
  const apps: Obj[] = [];
  const sps: Obj[] = [];
  const fics = new Map<string, Obj[]>();
  const writes: string[] = [];
  const tokens: string[] = [];
  const server = http.createServer((req, res) => {
    let text = '';
    req.on('data', (c) => (text += c));
    req.on('end', () => {
      tokens.push(String(req.headers.authorization));
      const url = new URL(req.url!, 'http://graph');
      const body = text === '' ? {} : JSON.parse(text);
      const send = (status: number, value: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(value));
      };
      if (req.method !== 'GET') writes.push(`${req.method} ${url.pathname}`);
      const filter = url.searchParams.get('$filter') ?? '';
      const eq = /eq '(.*)'$/.exec(filter)?.[1]?.replaceAll("''", "'");
      const fic = /^\/v1\.0\/applications\/([^/]+)\/federatedIdentityCredentials(?:\/([^/]+))?$/.exec(url.pathname);
      if (url.pathname === '/v1.0/applications' && req.method === 'GET') return send(200, { value: apps.filter((a) => a.displayName === eq) });
      if (url.pathname === '/v1.0/applications' && req.method === 'POST') {
        const app = { id: randomUUID(), appId: randomUUID(), displayName: body.displayName, passwordCredentials: [] };
        apps.push(app);
        return send(201, app);
      }
      if (url.pathname === '/v1.0/servicePrincipals' && req.method === 'GET') return send(200, { value: sps.filter((s) => s.appId === eq) });
      if (url.pathname === '/v1.0/servicePrincipals' && req.method === 'POST') {
        const sp = { id: randomUUID(), appId: body.appId, appOwnerOrganizationId: 'tenant-1' };
        sps.push(sp);
        return send(201, sp);
      }
      if (fic !== null) {
        const list = fics.get(fic[1]!) ?? [];
        fics.set(fic[1]!, list);
        if (req.method === 'GET') return send(200, { value: list });
        if (req.method === 'POST') {
          const created = { id: randomUUID(), ...body };
          list.push(created);
          return send(201, created);
        }
        if (req.method === 'PATCH') {
          Object.assign(list.find((f) => f.id === fic[2])!, body);
          res.writeHead(204).end();
          return;
        }
      }
      send(404, { error: { code: 'Request_ResourceNotFound', message: `${req.method} ${url.pathname}` } });
    });
  });
  return { server, apps, sps, fics, writes, tokens };
}

describe('bootstrap: the CI identity over Microsoft Graph', () => {
  const graph = fakeGraph();
  let endpoint: string;
  const credential = { getToken: async () => ({ token: 'graph-token', expiresOnTimestamp: Date.now() + 3600_000 }) };
  const federated = federatedCredentials({ owner: 'complianceflow', repo: 'complianceflow-infra' }, ['prod', 'stg', 'test']);
  const options = () => ({ displayName: 'complianceflow-infra-ci', federated, dryRun: false, endpoint });

  before(async () => {
    await new Promise<void>((resolve) => graph.server.listen(0, '127.0.0.1', resolve));
    endpoint = `http://127.0.0.1:${(graph.server.address() as AddressInfo).port}/v1.0`;
  });
  after(() => new Promise<void>((resolve) => graph.server.close(() => resolve())));

  it('a dry run on an empty tenant lists what it would create and writes nothing', async () => {
    const result = await ensureCiIdentity(credential, { ...options(), dryRun: true });
    expect(result.changes).to.deep.equal([
      'create app registration complianceflow-infra-ci',
      'create its service principal',
      ...federated.map((f) => `create federated credential ${f.name} (${f.subject})`),
    ]);
    expect(graph.writes).to.deep.equal([]);
  });

  it('the first run creates the app, its service principal and five federated credentials, and no secret', async () => {
    const result = await ensureCiIdentity(credential, options());
    expect(graph.apps).to.have.length(1);
    expect(result.appId).to.equal(graph.apps[0]!.appId);
    expect(result.servicePrincipalObjectId).to.equal(graph.sps[0]!.id);
    expect(result.secretCount).to.equal(0);
    const stored = graph.fics.get(graph.apps[0]!.id)!;
    expect(stored.map((f) => f.subject)).to.deep.equal([
      'repo:complianceflow/complianceflow-infra:ref:refs/heads/main',
      'repo:complianceflow/complianceflow-infra:pull_request',
      'repo:complianceflow/complianceflow-infra:environment:prod',
      'repo:complianceflow/complianceflow-infra:environment:stg',
      'repo:complianceflow/complianceflow-infra:environment:test',
    ]);
    for (const f of stored) expect(f).to.deep.include({ issuer: 'https://token.actions.githubusercontent.com', audiences: ['api://AzureADTokenExchange'] });
    expect(graph.writes.some((w) => /password|secret/i.test(w))).to.equal(false);
    expect(new Set(graph.tokens)).to.deep.equal(new Set(['Bearer graph-token']));
  });

  it('a second run finds everything and writes nothing', async () => {
    graph.writes.length = 0;
    const result = await ensureCiIdentity(credential, options());
    expect(result.changes).to.deep.equal([]);
    expect(result.unchanged).to.have.length(7);
    expect(graph.writes).to.deep.equal([]);
  });

  it('a federated credential with a wrong subject is corrected in place', async () => {
    const stored = graph.fics.get(graph.apps[0]!.id)!;
    stored[1]!.subject = 'repo:someone/else:pull_request';
    graph.writes.length = 0;
    const result = await ensureCiIdentity(credential, options());
    expect(result.changes).to.deep.equal(['update federated credential github-pull-request (repo:complianceflow/complianceflow-infra:pull_request)']);
    expect(graph.writes).to.deep.equal([`PATCH /v1.0/applications/${graph.apps[0]!.id}/federatedIdentityCredentials/${stored[1]!.id}`]);
    expect(stored[1]!.subject).to.equal('repo:complianceflow/complianceflow-infra:pull_request');
  });

  it('reports client secrets found on the app (federation only)', async () => {
    graph.apps[0]!.passwordCredentials = [{ keyId: 'k' }];
    const result = await ensureCiIdentity(credential, options());
    expect(result.secretCount).to.equal(1);
  });
});
