// Deployment operations as per-resource events (arm/operation-events.ts) and following them while a
// stack applies (arm/deployment-operations.ts) with a reader standing in for ARM's list calls.
import { expect } from 'chai';
import type { DeploymentOperation } from '@azure/arm-resourcesdeployments';
import { displayName, durationMs, operationError, resourceEvent } from '@complianceflow/cli/arm/operation-events.ts';
import { followDeploymentOperations, parseDeploymentId, type DeploymentRef, type OperationReader } from '@complianceflow/cli/arm/deployment-operations.ts';
import type { ResourceEvent } from '@complianceflow/cli/runner/resource-progress.ts';
import { secureParameterValues } from '@complianceflow/cli/arm/stack-definition.ts';

const sub = '/subscriptions/s';
const op = (id: string, type: string, state: string, extra: Record<string, unknown> = {}): DeploymentOperation =>
  ({ operationId: id, properties: { provisioningState: state, targetResource: { id, resourceType: type, resourceName: id.split('/').pop() }, ...extra } }) as DeploymentOperation;

describe('deployment operations as resource events', () => {
  it('reads ARM\'s ISO 8601 durations', () => {
    expect(durationMs('PT1.5S')).to.equal(1500);
    expect(durationMs('PT2M3.25S')).to.equal(123_250);
    expect(durationMs('P1DT1H')).to.equal(90_000_000);
    expect(durationMs('PT')).to.equal(undefined);
    expect(durationMs('soon')).to.equal(undefined);
    expect(durationMs(undefined)).to.equal(undefined);
  });

  it('a failed operation\'s error is "Code: message", the single inner detail of a DeploymentFailed', () => {
    const inner = { code: 'SkuNotAvailable', message: 'The SKU is not available.' };
    expect(operationError(op('x', 't', 'Failed', { statusMessage: { status: 'Failed', error: inner } }))).to.equal('SkuNotAvailable: The SKU is not available.');
    expect(operationError(op('x', 't', 'Failed', { statusMessage: { error: { code: 'DeploymentFailed', message: 'At least one…', details: [inner] } } }))).to.equal('SkuNotAvailable: The SKU is not available.');
    expect(operationError(op('x', 't', 'Succeeded'))).to.equal(undefined);
  });

  it('an event per resource with its tier and elapsed time (a running one\'s grows past its timestamp); none for a nested deployment', () => {
    const now = Date.parse('2026-01-01T00:00:10Z');
    const psql = `${sub}/resourceGroups/rg/providers/Microsoft.DBforPostgreSQL/flexibleServers/psql`;
    const running = resourceEvent(op(psql, 'Microsoft.DBforPostgreSQL/flexibleServers', 'Running', { duration: 'PT4S', timestamp: new Date('2026-01-01T00:00:08Z') }), now);
    expect(running).to.deep.equal({ id: psql, name: 'psql', type: 'Microsoft.DBforPostgreSQL/flexibleServers', tier: 'database', state: 'Running', elapsedMs: 6000 });
    const done = resourceEvent(op(psql, 'Microsoft.DBforPostgreSQL/flexibleServers', 'Succeeded', { duration: 'PT9S', timestamp: new Date('2026-01-01T00:00:09Z') }), now);
    expect(done?.elapsedMs).to.equal(9000);
    expect(resourceEvent(op(`${sub}/resourceGroups/rg/providers/Microsoft.Resources/deployments/m`, 'Microsoft.Resources/deployments', 'Running'), now)).to.equal(undefined);
    expect(resourceEvent({ operationId: 'x', properties: { provisioningState: 'Succeeded' } } as DeploymentOperation, now)).to.equal(undefined);
  });

  it('the secure parameter values an ARM message could quote (masked in the events): securestring and secureObject only', () => {
    const template = { parameters: { pw: { type: 'securestring' }, conf: { type: 'secureObject' }, name: { type: 'string' }, empty: { type: 'securestring' } } };
    const given = { pw: { value: 'S3cret-value' }, conf: { value: { k: 'v' } }, name: { value: 'visible' }, empty: { value: '' } };
    expect(secureParameterValues(template, given)).to.deep.equal(['S3cret-value', '{"k":"v"}']);
  });

  it('names an extension resource with its scope resource (two diagnostic settings of one name stay apart)', () => {
    const server = `${sub}/resourceGroups/rg/providers/Microsoft.DBforPostgreSQL/flexibleServers/psql`;
    expect(displayName(`${server}/providers/Microsoft.Insights/diagnosticSettings/to-log-analytics`, 'to-log-analytics')).to.equal('psql/to-log-analytics');
    expect(displayName(`${server}/databases/app`, 'psql/app')).to.equal('psql/app');
    expect(displayName(`${sub}/providers/Microsoft.Authorization/roleAssignments/g1`, undefined)).to.equal('g1');
    expect(displayName(`${sub}/resourceGroups/rg`, 'rg')).to.equal('rg');
  });

  it('parses a deployment id at subscription and resource-group scope', () => {
    expect(parseDeploymentId(`${sub}/providers/Microsoft.Resources/deployments/cf-x-1`)).to.deep.equal({ name: 'cf-x-1' });
    expect(parseDeploymentId(`${sub}/resourceGroups/rg/providers/microsoft.resources/deployments/m`)).to.deep.equal({ resourceGroup: 'rg', name: 'm' });
    expect(parseDeploymentId(`${sub}/resourceGroups/rg`)).to.equal(undefined);
  });
});

describe('following a stack deployment\'s operations', () => {
  const root = `${sub}/providers/Microsoft.Resources/deployments/cf-new`;
  const nested = `${sub}/resourceGroups/rg/providers/Microsoft.Resources/deployments/db`;
  const psql = `${sub}/resourceGroups/rg/providers/Microsoft.DBforPostgreSQL/flexibleServers/psql`;

  /** A reader answering from `tree` (by deployment name), counting reads. */
  function reader(tree: Record<string, DeploymentOperation[]>, deploymentId: string | undefined = root, fail?: (ref: DeploymentRef) => unknown): OperationReader & { reads: string[] } {
    const reads: string[] = [];
    return {
      reads,
      deploymentId: async () => deploymentId,
      operations: async (ref) => {
        reads.push(ref.name);
        const error = fail?.(ref);
        if (error !== undefined) throw error;
        return tree[ref.name] ?? [];
      },
    };
  }

  it('reads nested deployments, stops with one last read, and reads a finished nested deployment no more', async () => {
    const tree = { 'cf-new': [op(nested, 'Microsoft.Resources/deployments', 'Succeeded')], db: [op(psql, 'Microsoft.DBforPostgreSQL/flexibleServers', 'Succeeded', { duration: 'PT3S' })] };
    const r = reader(tree);
    const events: ResourceEvent[] = [];
    const following = followDeploymentOperations(r, (e) => events.push(e), { intervalMs: 60_000, unavailable: () => expect.fail('no error expected') });
    await following.stop();
    expect(events.map((e) => [e.name, e.state, e.tier, e.elapsedMs])).to.deep.equal([['psql', 'Succeeded', 'database', 3000]]);
    // The nested deployment was read once after it had finished, the root on every read.
    expect(r.reads.filter((n) => n === 'db')).to.have.length(1);
    expect(r.reads.filter((n) => n === 'cf-new')).to.have.length(2);
  });

  it('waits for the new deployment id: the previous deployment\'s operations are not this run\'s', async () => {
    const r = reader({ 'cf-old': [op(psql, 'Microsoft.DBforPostgreSQL/flexibleServers', 'Succeeded')] }, `${sub}/providers/Microsoft.Resources/deployments/cf-old`);
    const events: ResourceEvent[] = [];
    await followDeploymentOperations(r, (e) => events.push(e), { intervalMs: 60_000, unavailable: () => {}, previousDeploymentId: `${sub}/providers/Microsoft.Resources/deployments/cf-old` }).stop();
    expect(events).to.deep.equal([]);
    expect(r.reads).to.deep.equal([]);
  });

  it('a 404 is "not there yet"; another error stops following, reported once, and never throws', async () => {
    const notYet = reader({}, root, () => Object.assign(new Error('not found'), { statusCode: 404 }));
    const reasons: string[] = [];
    await followDeploymentOperations(notYet, () => {}, { intervalMs: 60_000, unavailable: (why) => reasons.push(why) }).stop();
    expect(reasons).to.deep.equal([]);
    const forbidden = reader({}, root, () => Object.assign(new Error('AuthorizationFailed: no operations/read'), { statusCode: 403 }));
    await followDeploymentOperations(forbidden, () => {}, { intervalMs: 60_000, unavailable: (why) => reasons.push(why) }).stop();
    expect(reasons).to.deep.equal(['AuthorizationFailed: no operations/read']);
    expect(forbidden.reads).to.have.length(1);
  });
});
