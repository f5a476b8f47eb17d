// A run's files uploaded next to the lock (report/store.ts uploadRunFiles) against a real Azurite:
// all of them, with their content types, into the lock's container, and into a container that is
// gone (created, then every file uploaded).
import { expect } from 'chai';
import { uploadRunFiles } from '@complianceflow/cli/report/store.ts';
import { startAzuriteBlob, type AzuriteBlob } from '../../support/azurite.ts';

const files = { 'report.txt': 'ok\n', 'report.json': '{"outcome":"succeeded"}', 'report.md': '# ok\n', 'template.json': '{}' };

describe('run files uploaded next to the lock (Azurite)', function () {
  this.timeout(60_000);
  let azurite: AzuriteBlob;
  before(async () => (azurite = await startAzuriteBlob()));
  after(async () => azurite.stop());

  async function uploaded(container: string): Promise<Record<string, string | undefined>> {
    const store = azurite.lockStore(container);
    const found: Record<string, string | undefined> = {};
    for await (const blob of store.container.listBlobsFlat({ prefix: 'runs/westeu-test-1/run-1/' })) {
      found[blob.name.split('/').pop()!] = blob.properties.contentType;
    }
    return found;
  }

  const expected = {
    'report.txt': 'text/plain; charset=utf-8',
    'report.json': 'application/json; charset=utf-8',
    'report.md': 'text/markdown; charset=utf-8',
    'template.json': 'application/json; charset=utf-8',
  };

  it('uploads every file with its content type into the existing container', async () => {
    const store = azurite.lockStore('run-uploads-existing');
    await store.container.create();
    await uploadRunFiles(store, 'westeu-test-1', 'run-1', files);
    expect(await uploaded('run-uploads-existing')).to.deep.equal(expected);
  });

  it('creates the container when it is gone, then uploads every file', async () => {
    const store = azurite.lockStore('run-uploads-gone');
    expect(await store.container.exists()).to.equal(false);
    await uploadRunFiles(store, 'westeu-test-1', 'run-1', files);
    expect(await uploaded('run-uploads-gone')).to.deep.equal(expected);
    expect((await store.container.getBlockBlobClient('runs/westeu-test-1/run-1/report.md').downloadToBuffer()).toString('utf8')).to.equal('# ok\n');
  });
});
