// The Microsoft Graph edge of bootstrap (the CI and pull-request identities), against a minimal
// in-test Graph on loopback that keeps applications, service principals and federated credentials
// and answers errors the way Graph does (OData error envelope, NoBackingApplicationObject in the
// details): first run creates, second run changes nothing, a wrong subject is corrected, a
// credential no longer desired is deleted (never one not named github-*), Entra's 20-per-app limit
// is refused before any write, replication lag right after the app is created is retried with a
// bounded backoff, no secret is ever added, and the bearer token is sent.
import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ciFederatedCredentials, prFederatedCredentials, type FederatedCredential } from '@complianceflow/cli/bootstrap/ci-identity.ts';
import { ensureAppIdentity, GraphError } from '@complianceflow/cli/bootstrap/graph.ts';
import { ExitCode } from '@complianceflow/core/exit-codes.ts';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startEmulator, type RunningEmulator } from '@complianceflow/arm-emulator/index.ts';
import { checkRoleCoverage, prepareBootstrap, runBootstrap, type BootstrapReport } from '@complianceflow/cli/bootstrap/run.ts';
import { deploymentShapes, type DeploymentShape } from '@complianceflow/cli/bootstrap/resource-types.ts';
import { prRoleAssignments, roleAssignments } from '@complianceflow/cli/bootstrap/desired.ts';
import { armResources } from '@complianceflow/cli/arm/resources-by-id.ts';
import { createArmClients } from '@complianceflow/cli/arm/clients.ts';

type Obj = Record<string, any>;

interface Lag {
  /** POST /servicePrincipals answers 400 NoBackingApplicationObject this many times after an app is created. */
  servicePrincipal: number;
  /** POST …/federatedIdentityCredentials answers 404 Request_ResourceNotFound this many times. */
  credentials: number;
}

function fakeGraph() {
  const apps: Obj[] = [];
  const sps: Obj[] = [];
  const fics = new Map<string, Obj[]>();
  const writes: string[] = [];
  const requests: string[] = [];
  const tokens: string[] = [];
  const lag: Lag = { servicePrincipal: 0, credentials: 0 };
  const server = http.createServer((req, res) => {
    let text = '';
    req.on('data', (c) => (text += c));
    req.on('end', () => {
      tokens.push(String(req.headers.authorization));
      const url = new URL(req.url!, 'http://graph');
      requests.push(`${req.method} ${url.pathname}`);
      const body = text === '' ? {} : JSON.parse(text);
      const send = (status: number, value: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(value));
      };
      const graphError = (status: number, code: string, message: string, details: Obj[] = []) =>
        send(status, { error: { code, message, details, innerError: { date: new Date().toISOString(), 'request-id': randomUUID() } } });
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
        if (lag.servicePrincipal > 0) {
          lag.servicePrincipal -= 1;
          const message = `The appId '${body.appId}' of the service principal does not reference a valid application object.`;
          return graphError(400, 'Request_BadRequest', message, [{ code: 'NoBackingApplicationObject', message, target: 'appId' }]);
        }
        const sp = { id: randomUUID(), appId: body.appId, appOwnerOrganizationId: 'tenant-1' };
        sps.push(sp);
        return send(201, sp);
      }
      if (fic !== null && apps.some((a) => a.id === fic[1])) {
        const list = fics.get(fic[1]!) ?? [];
        fics.set(fic[1]!, list);
        if (req.method === 'GET') return send(200, { value: list });
        if (req.method === 'POST') {
          if (lag.credentials > 0) {
            lag.credentials -= 1;
            return graphError(404, 'Request_ResourceNotFound', `Resource '${fic[1]}' does not exist or one of its queried reference-property objects are not present.`);
          }
          if (list.length >= 20) return graphError(400, 'Request_BadRequest', 'Maximum number of federated identity credentials reached.');
          const created = { id: randomUUID(), ...body };
          list.push(created);
          return send(201, created);
        }
        const index = list.findIndex((f) => f.id === fic[2]);
        if (index >= 0 && req.method === 'PATCH') {
          Object.assign(list[index]!, body);
          res.writeHead(204).end();
          return;
        }
        if (index >= 0 && req.method === 'DELETE') {
          list.splice(index, 1);
          res.writeHead(204).end();
          return;
        }
      }
      graphError(404, 'Request_ResourceNotFound', `Resource '${url.pathname}' does not exist or one of its queried reference-property objects are not present.`);
    });
  });
  const reset = () => {
    apps.length = 0;
    sps.length = 0;
    fics.clear();
    writes.length = 0;
    requests.length = 0;
    Object.assign(lag, { servicePrincipal: 0, credentials: 0 });
  };
  return { server, apps, sps, fics, writes, requests, tokens, lag, reset };
}

const github = { owner: 'complianceflow', repo: 'complianceflow-infra' };
const credential = { getToken: async () => ({ token: 'graph-token', expiresOnTimestamp: Date.now() + 3600_000 }) };
const fast = [1, 1, 1, 1];

describe('bootstrap: the pipeline identities over Microsoft Graph', () => {
  const graph = fakeGraph();
  let endpoint: string;
  const ci = ciFederatedCredentials(github, ['prod', 'stg', 'test']);
  const ciOptions = (federated: readonly FederatedCredential[] = ci) => ({ displayName: 'complianceflow-infra-ci', federated, dryRun: false, endpoint, replicationDelaysMs: fast });
  const credentialsOf = (name: string) => graph.fics.get(graph.apps.find((a) => a.displayName === name)!.id)!;

  before(async () => {
    await new Promise<void>((resolve) => graph.server.listen(0, '127.0.0.1', resolve));
    endpoint = `http://127.0.0.1:${(graph.server.address() as AddressInfo).port}/v1.0`;
  });
  after(() => new Promise<void>((resolve) => graph.server.close(() => resolve())));

  describe('the CI identity: create, rerun, correct, delete what is no longer desired', () => {
    before(() => graph.reset());

    it('a dry run on an empty tenant lists what it would create and writes nothing', async () => {
      const result = await ensureAppIdentity(credential, { ...ciOptions(), dryRun: true });
      expect(result.changes.map((c) => `${c.action} ${c.label}`)).to.deep.equal([
        'create app registration complianceflow-infra-ci',
        'create service principal of complianceflow-infra-ci',
        ...ci.map((f) => `create federated credential ${f.name} (${f.subject})`),
      ]);
      expect(graph.writes).to.deep.equal([]);
    });

    it('the first run creates the app, its service principal and the main + environment credentials (not pull requests), and no secret', async () => {
      const result = await ensureAppIdentity(credential, ciOptions());
      expect(graph.apps).to.have.length(1);
      expect(result.appId).to.equal(graph.apps[0]!.appId);
      expect(result.servicePrincipalObjectId).to.equal(graph.sps[0]!.id);
      expect(result.secretCount).to.equal(0);
      const stored = credentialsOf('complianceflow-infra-ci');
      expect(stored.map((f) => f.subject)).to.deep.equal([
        'repo:complianceflow/complianceflow-infra:ref:refs/heads/main',
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
      const result = await ensureAppIdentity(credential, ciOptions());
      expect(result.changes).to.deep.equal([]);
      expect(result.unchanged).to.have.length(2 + ci.length);
      expect(graph.writes).to.deep.equal([]);
    });

    it('a federated credential with a wrong subject is corrected in place', async () => {
      const stored = credentialsOf('complianceflow-infra-ci');
      stored[1]!.subject = 'repo:someone/else:environment:prod';
      graph.writes.length = 0;
      const result = await ensureAppIdentity(credential, ciOptions());
      expect(result.changes).to.deep.equal([{ action: 'update', label: 'federated credential github-env-prod (repo:complianceflow/complianceflow-infra:environment:prod)' }]);
      expect(graph.writes).to.deep.equal([`PATCH /v1.0/applications/${graph.apps[0]!.id}/federatedIdentityCredentials/${stored[1]!.id}`]);
      expect(stored[1]!.subject).to.equal('repo:complianceflow/complianceflow-infra:environment:prod');
    });

    it('a removed environment and an old pull-request credential stop being trusted; a credential not named github-* is left alone', async () => {
      const stored = credentialsOf('complianceflow-infra-ci');
      const appObjectId = graph.apps[0]!.id;
      // What an earlier bootstrap left on the CI app (pull requests used to share it), and one made by hand.
      stored.push({ id: randomUUID(), name: 'github-pull-request', issuer: 'https://token.actions.githubusercontent.com', subject: 'repo:complianceflow/complianceflow-infra:pull_request', audiences: ['api://AzureADTokenExchange'] });
      stored.push({ id: randomUUID(), name: 'azure-devops-legacy', issuer: 'https://vstoken.dev.azure.com/x', subject: 'sc://org/project/conn', audiences: ['api://AzureADTokenExchange'] });
      const withoutTest = ciFederatedCredentials(github, ['prod', 'stg']);
      graph.writes.length = 0;

      const planned = await ensureAppIdentity(credential, { ...ciOptions(withoutTest), dryRun: true });
      expect(planned.changes.map((c) => `${c.action} ${c.label} (${c.detail})`)).to.deep.equal([
        'delete federated credential github-env-test (repo:complianceflow/complianceflow-infra:environment:test) (no longer desired)',
        'delete federated credential github-pull-request (repo:complianceflow/complianceflow-infra:pull_request) (no longer desired)',
      ]);
      expect(graph.writes).to.deep.equal([]);

      const ids = Object.fromEntries(stored.map((f) => [f.name, f.id]));
      await ensureAppIdentity(credential, ciOptions(withoutTest));
      expect(graph.writes).to.deep.equal([
        `DELETE /v1.0/applications/${appObjectId}/federatedIdentityCredentials/${ids['github-env-test']}`,
        `DELETE /v1.0/applications/${appObjectId}/federatedIdentityCredentials/${ids['github-pull-request']}`,
      ]);
      expect(credentialsOf('complianceflow-infra-ci').map((f) => f.name)).to.deep.equal(['github-main', 'github-env-prod', 'github-env-stg', 'azure-devops-legacy']);
    });

    it('more than 20 credentials after the changes (foreign ones count) is refused before any write, naming the limit', async () => {
      const stored = credentialsOf('complianceflow-infra-ci');
      for (let i = 0; i < 16; i += 1) stored.push({ id: randomUUID(), name: `manual-${i}`, issuer: 'https://example.test', subject: `s${i}`, audiences: ['api://AzureADTokenExchange'] });
      graph.writes.length = 0;
      // 4 github-* + 17 others = 21.
      const error = await ensureAppIdentity(credential, ciOptions()).then(() => undefined, (e: unknown) => e);
      expect(error).to.be.instanceOf(GraphError);
      expect((error as GraphError).exitCode).to.equal(ExitCode.BadInput);
      expect((error as GraphError).message).to.match(/^app registration complianceflow-infra-ci would need 21 federated credentials \(4 github-\*: github-main, github-env-prod, github-env-stg, github-env-test plus 17 not managed by bootstrap \(azure-devops-legacy, manual-0,/);
      expect((error as GraphError).message).to.include('Entra ID allows at most 20 per app: nothing was written');
      expect(graph.writes).to.deep.equal([]);
    });

    it('more than 20 desired credentials is refused before any request at all', async () => {
      graph.requests.length = 0;
      const many = ciFederatedCredentials(github, Array.from({ length: 20 }, (_, i) => `env${i}`));
      const error = await ensureAppIdentity(credential, ciOptions(many)).then(() => undefined, (e: unknown) => e);
      expect((error as GraphError).message).to.include('would need 21 federated credentials (21 github-*');
      expect(graph.requests).to.deep.equal([]);
    });

    it('reports client secrets found on the app (federation only)', async () => {
      graph.apps[0]!.passwordCredentials = [{ keyId: 'k' }];
      const stored = credentialsOf('complianceflow-infra-ci');
      stored.splice(0, stored.length, ...stored.filter((f) => !String(f.name).startsWith('manual-')));
      const result = await ensureAppIdentity(credential, ciOptions());
      expect(result.secretCount).to.equal(1);
    });
  });

  describe('the pull-request identity', () => {
    before(() => graph.reset());

    it('is an app of its own, federated for pull_request only', async () => {
      const result = await ensureAppIdentity(credential, { displayName: 'complianceflow-infra-pr', federated: prFederatedCredentials(github), dryRun: false, endpoint, replicationDelaysMs: fast });
      expect(result.changes.map((c) => c.label)).to.deep.equal([
        'app registration complianceflow-infra-pr',
        'service principal of complianceflow-infra-pr',
        'federated credential github-pull-request (repo:complianceflow/complianceflow-infra:pull_request)',
      ]);
      expect(credentialsOf('complianceflow-infra-pr').map((f) => f.subject)).to.deep.equal(['repo:complianceflow/complianceflow-infra:pull_request']);
    });
  });

  describe('Entra replication lag right after the app is created', () => {
    beforeEach(() => graph.reset());

    it('NoBackingApplicationObject on the service principal and 404 on the credentials are retried until Graph has the app', async () => {
      Object.assign(graph.lag, { servicePrincipal: 2, credentials: 1 });
      const result = await ensureAppIdentity(credential, ciOptions());
      expect(result.servicePrincipalObjectId).to.equal(graph.sps[0]!.id);
      const appObjectId = graph.apps[0]!.id;
      expect(graph.writes.filter((w) => w === 'POST /v1.0/servicePrincipals')).to.have.length(3);
      expect(graph.writes.filter((w) => w === `POST /v1.0/applications/${appObjectId}/federatedIdentityCredentials`)).to.have.length(ci.length + 1);
      expect(credentialsOf('complianceflow-infra-ci')).to.have.length(ci.length);
    });

    it('gives up after the bounded attempts with a message that says why and what to do', async () => {
      Object.assign(graph.lag, { servicePrincipal: 1000 });
      const error = await ensureAppIdentity(credential, ciOptions()).then(() => undefined, (e: unknown) => e);
      expect(error).to.be.instanceOf(GraphError);
      const message = (error as GraphError).message;
      expect(message).to.match(/^creating the service principal for app registration complianceflow-infra-ci \(appId [0-9a-f-]{36}\) still fails after 5 attempts over about 0 s: Entra ID has not replicated the app yet/);
      expect(message).to.include('400 Request_BadRequest (NoBackingApplicationObject): The appId');
      expect((error as GraphError).hint).to.include('rerun cf-infra bootstrap');
      expect((error as GraphError).exitCode).to.equal(ExitCode.Failed);
      expect(graph.writes.filter((w) => w === 'POST /v1.0/servicePrincipals')).to.have.length(fast.length + 1);
    });

    it('an error that is not replication lag is not retried', async () => {
      graph.apps.push({ id: randomUUID(), appId: randomUUID(), displayName: 'complianceflow-infra-ci', passwordCredentials: [] });
      graph.apps.push({ id: randomUUID(), appId: randomUUID(), displayName: 'complianceflow-infra-ci', passwordCredentials: [] });
      const error = await ensureAppIdentity(credential, ciOptions()).then(() => undefined, (e: unknown) => e);
      expect((error as GraphError).message).to.equal('2 app registrations are named "complianceflow-infra-ci": delete the extra ones or rename them');
      expect(graph.writes).to.deep.equal([]);
    });
  });

  describe('cf-infra bootstrap with both identities (loopback Graph, ARM emulator)', () => {
    let emu: RunningEmulator;
    let dir: string;
    // The coverage check derives the condition on the deployment role's assignment from the plans.
    let shapes: DeploymentShape[];
    before(async function () {
      this.timeout(300000);
      shapes = await deploymentShapes();
      graph.reset();
      dir = mkdtempSync(path.join(tmpdir(), 'cf-bootstrap-graph-'));
      emu = await startEmulator({ stateDir: dir, port: 0, latency: { defaultMs: 0 }, log: () => undefined });
    });
    after(async () => {
      await emu?.close();
      rmSync(dir, { recursive: true, force: true });
    });
    const run = async (dryRun: boolean): Promise<{ report: BootstrapReport; lines: string[] }> => {
      const lines: string[] = [];
      const prepared = checkRoleCoverage(prepareBootstrap({ subscriptionId: emu.subscriptionId, now: new Date('2026-11-29T02:00:00Z') }), shapes);
      const report = await runBootstrap(prepared, {
        subscriptionId: emu.subscriptionId,
        target: { kind: 'emulator', endpoint: emu.endpoint, caPem: emu.caPem },
        dryRun,
        renderer: 'silent',
        print: (line) => lines.push(line),
        pollIntervalMs: 20,
        graph: { endpoint, replicationDelaysMs: fast },
      });
      return { report, lines };
    };
    const status = (report: BootstrapReport) => Object.fromEntries(report.steps.map((s) => [s.title, s.status]));

    it('a dry run plans both apps and their assignments and writes nothing to Graph', async () => {
      const { report, lines } = await run(true);
      expect(status(report)['CI identity (app registration, service principal, federated credentials)']).to.equal('would create 6');
      expect(status(report)['Pull-request identity (app registration, service principal, federated credential)']).to.equal('would create 3');
      expect(lines).to.include('  + federated credential github-pull-request (repo:complianceflow/complianceflow-infra:pull_request): would create');
      expect(graph.writes).to.deep.equal([]);
    });

    it('creates two apps, the PR app trusted for pull_request only, assigns each its roles, and prints both client ids', async () => {
      const { report, lines } = await run(false);
      const ci = graph.apps.find((a) => a.displayName === 'complianceflow-infra-ci')!;
      const pr = graph.apps.find((a) => a.displayName === 'complianceflow-infra-pr')!;
      expect(credentialsOf('complianceflow-infra-ci').map((f) => f.subject)).to.not.include('repo:complianceflow/complianceflow-infra:pull_request');
      expect(credentialsOf('complianceflow-infra-pr').map((f) => f.subject)).to.deep.equal(['repo:complianceflow/complianceflow-infra:pull_request']);
      expect(report.variables['AZURE_CLIENT_ID']).to.equal(ci.appId);
      expect(report.variables['AZURE_PR_CLIENT_ID']).to.equal(pr.appId);
      expect(lines).to.include(`  AZURE_PR_CLIENT_ID=${pr.appId}`);
      // With Graph there, no placeholder principal stands in for either identity.
      expect(lines.filter((line) => line.includes('EMULATOR PLACEHOLDER'))).to.deep.equal([]);
      expect(status(report)['Role assignments of the pull-request identity (read and what-if only)']).to.equal('2 created');

      const prepared = checkRoleCoverage(prepareBootstrap({ subscriptionId: emu.subscriptionId }), shapes);
      const rest = armResources(createArmClients({ kind: 'emulator', subscriptionId: emu.subscriptionId, endpoint: emu.endpoint, caPem: emu.caPem }));
      const prSp = graph.sps.find((sp) => sp.appId === pr.appId)!;
      const ciSp = graph.sps.find((sp) => sp.appId === ci.appId)!;
      for (const a of prRoleAssignments(prepared.input, prepared.prRole, { objectId: prSp.id, label: 'pr' })) expect((await rest.get(a.id, a.apiVersion))?.['properties']).to.deep.include({ principalId: prSp.id });
      for (const a of roleAssignments(prepared.input, prepared.role, { objectId: ciSp.id, label: 'ci' }, prepared.deploymentRoleCondition)) expect((await rest.get(a.id, a.apiVersion))?.['properties']).to.deep.include({ principalId: ciSp.id });
    });

    it('a credential left on the CI app by an earlier bootstrap (pull_request) is deleted, and the step says so', async () => {
      const stored = credentialsOf('complianceflow-infra-ci');
      stored.push({ id: randomUUID(), name: 'github-pull-request', issuer: 'https://token.actions.githubusercontent.com', subject: 'repo:complianceflow/complianceflow-infra:pull_request', audiences: ['api://AzureADTokenExchange'] });
      const { report, lines } = await run(false);
      expect(status(report)['CI identity (app registration, service principal, federated credentials)']).to.equal('1 deleted, 6 unchanged');
      expect(lines).to.include('  - federated credential github-pull-request (repo:complianceflow/complianceflow-infra:pull_request): deleted (no longer desired)');
      expect(report.changed).to.equal(true);
      expect(credentialsOf('complianceflow-infra-ci').map((f) => f.name)).to.not.include('github-pull-request');
      const again = await run(false);
      expect(again.report.changed).to.equal(false);
    });
  });
});
