// The picture of the local world (docs-tools/local-world.ts): its ports come from their one source
// (local/.env.example, the emulator contract, the Azurite module), and the Setup Guide and Local
// Development open with it, saying that Kafka needs Docker before their first command.
import { expect } from 'chai';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { azuriteDefaultBlobPort } from '@complianceflow/cli/lock/azurite.ts';
import { defaultEmulatorPort } from '@complianceflow/core/arm/emulator-contract.ts';
import { repoRoot } from '@complianceflow/core/repo-root.ts';
import { localPorts, localWorldDiagram } from '@complianceflow/docs-tools/local-world.ts';
import { fencedBlocks } from '@complianceflow/docs-tools/fences.ts';

describe('the local world diagram', () => {
  it('shows every service with the port of its source', () => {
    const diagram = localWorldDiagram(repoRoot);
    const example = readFileSync(path.join(repoRoot, 'local/.env.example'), 'utf8');
    for (const [key, value] of Object.entries(localPorts(repoRoot))) {
      expect(example).to.match(new RegExp(`^${key}=${value}$`, 'm'));
      expect(diagram, key).to.include(`:${value} ${key}`);
    }
    expect(diagram).to.include(`:${defaultEmulatorPort} ARM_EMULATOR_PORT`).and.to.include(`:${azuriteDefaultBlobPort} AZURITE_BLOB_PORT`);
    expect(diagram).to.match(/kafka\["Kafka, Docker only/).and.to.include('class kafka,console dockerOnly');
  });

  it('follows a port changed in local/.env.example (it cannot drift)', () => {
    const root = mkdtempSync(path.join(os.tmpdir(), 'cf-world-'));
    try {
      cpSync(path.join(repoRoot, 'local/.env.example'), path.join(root, 'local/.env.example'));
      const file = path.join(root, 'local/.env.example');
      writeFileSync(file, readFileSync(file, 'utf8').replace(/^KAFKA_PORT=\d+$/m, 'KAFKA_PORT=19092'));
      expect(localWorldDiagram(root)).to.include(':19092 KAFKA_PORT').and.not.to.include(':9092 KAFKA_PORT');
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  for (const doc of ['docs/infrastructure/Setup_Guide.md', 'docs/infrastructure/Local_Development.md']) {
    it(`${doc} opens with it and says "Kafka needs Docker" before its first command`, () => {
      const text = readFileSync(path.join(repoRoot, doc), 'utf8');
      const firstCommand = fencedBlocks(text).find((f) => f.lang === 'sh' || f.lang === 'bash')!;
      const lineOf = (needle: string) => text.slice(0, text.indexOf(needle)).split('\n').length;
      expect(text.indexOf('<!-- generated:local-world -->'), doc).to.be.greaterThan(0);
      expect(lineOf('**Kafka needs Docker**'), doc).to.be.lessThan(firstCommand.line);
      // It opens the document: no section heading comes before it.
      expect(text.slice(0, text.indexOf('<!-- generated:local-world -->')).match(/^## /m), doc).to.equal(null);
    });
  }
});
