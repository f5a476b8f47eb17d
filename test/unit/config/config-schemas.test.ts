// The JSON Schemas of the registry (deployments/schemas/): every YAML file under deployments/ names
// its schema on its first line (for editors), that schema exists, is the one cf-infra checks the file
// against, and the file passes it; a schema-level error names the file and the field path.
import { Ajv } from 'ajv';
import { expect } from 'chai';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ConfigError } from '@complianceflow/core/errors.ts';
import { repoRoot } from '@complianceflow/cli/config/paths.ts';
import { maxFieldLength } from '@complianceflow/cli/config/problems.ts';
import { loadRegistry } from '@complianceflow/cli/config/registry.ts';
import { checkSchema, deploymentSchemaLine, registrySchemas, schemaDocument, schemaLine, schemasDir, type SchemaFile } from '@complianceflow/cli/config/schema-files.ts';
import { parseYaml } from '@complianceflow/cli/config/yaml-file.ts';

const schemaLinePattern = /^# yaml-language-server: \$schema=(\S+)$/;

/** Every .yaml/.yml file under deployments/, repository-relative. */
function yamlFiles(): string[] {
  return readdirSync(path.join(repoRoot, 'deployments'), { recursive: true, encoding: 'utf8' })
    .filter((file) => /\.ya?ml$/.test(file))
    .map((file) => `deployments/${file.split(path.sep).join('/')}`)
    .sort();
}

/** The schema cf-infra checks a file against, by where the file is. */
function expectedSchema(file: string): SchemaFile {
  if (file.startsWith('deployments/profiles/')) return registrySchemas.profile;
  const shared: Record<string, SchemaFile> = { 'deployments/regions.yaml': registrySchemas.regions, 'deployments/catalog.yaml': registrySchemas.catalog, 'deployments/bootstrap.yaml': registrySchemas.bootstrap, 'deployments/what-if-rules.yaml': registrySchemas.whatIfRules };
  return shared[file] ?? registrySchemas.deployment;
}

describe('registry schemas (deployments/schemas/)', () => {
  const files = yamlFiles();

  it('finds the deployments, the profiles and the shared files', () => {
    expect(files).to.include.members(['deployments/westeu-test-1.yaml', 'deployments/profiles/prod.yaml', 'deployments/regions.yaml', 'deployments/catalog.yaml', 'deployments/bootstrap.yaml', 'deployments/what-if-rules.yaml']);
  });

  for (const file of files) {
    it(`${file} names an existing schema on its first line, the one it is checked against, and passes it`, () => {
      const text = readFileSync(path.join(repoRoot, file), 'utf8');
      const named = schemaLinePattern.exec(text.split('\n')[0]!)?.[1];
      expect(named, `${file}: the first line names no schema`).to.be.a('string');
      const schemaPath = path.posix.join(path.posix.dirname(file), named!);
      expect(existsSync(path.join(repoRoot, schemaPath)), `${file}: ${schemaPath} does not exist`).to.equal(true);
      expect(schemaPath).to.equal(`${schemasDir}/${expectedSchema(file)}`);
      expect(text.split('\n')[0]).to.equal(schemaLine(file, expectedSchema(file)));
      const parsed = parseYaml(text, file);
      expect(parsed.ok, parsed.ok ? '' : parsed.problem).to.equal(true);
      expect(checkSchema(expectedSchema(file), parsed.ok ? parsed.data : undefined)).to.deep.equal([]);
    });
  }

  it('the subnet plan passes its schema', () => {
    const plan: unknown = JSON.parse(readFileSync(path.join(repoRoot, 'bicep/shared/subnet-plan.json'), 'utf8'));
    expect(checkSchema(registrySchemas.subnetPlan, plan)).to.deep.equal([]);
  });

  it('every schema is a valid draft-07 JSON Schema (cf-infra skips this check when it compiles them)', () => {
    const ajv = new Ajv({ strict: false });
    for (const file of Object.values(registrySchemas)) {
      const document = schemaDocument(file);
      expect(document['$schema'], file).to.equal('http://json-schema.org/draft-07/schema#');
      expect(ajv.validateSchema(document), `${file}: ${ajv.errorsText(ajv.errors)}`).to.equal(true);
    }
  });

  it('every string field is bounded (maxLength at most 512), so no value is echoed or matched whole', () => {
    const unbounded: string[] = [];
    const visit = (node: unknown, where: string): void => {
      if (typeof node !== 'object' || node === null) return;
      const record = node as Record<string, unknown>;
      const types = [record['type']].flat();
      if (types.includes('string') && !(typeof record['maxLength'] === 'number' && record['maxLength'] <= maxFieldLength)) unbounded.push(where);
      for (const [key, child] of Object.entries(record)) visit(child, `${where}/${key}`);
    };
    for (const file of Object.values(registrySchemas)) visit(schemaDocument(file), `${file}#`);
    expect(unbounded).to.deep.equal([]);
  });

  it('a new deployment file starts with the schema line', () => {
    expect(deploymentSchemaLine).to.equal('# yaml-language-server: $schema=schemas/deployment.schema.json');
  });

  it('a schema-level error names the file, the field path, the value and what is allowed', () => {
    const root = mkdtempSync(path.join(tmpdir(), 'cf-schemas-'));
    try {
      cpSync(path.join(repoRoot, 'deployments'), path.join(root, 'deployments'), { recursive: true });
      cpSync(path.join(repoRoot, 'bicep', 'shared'), path.join(root, 'bicep', 'shared'), { recursive: true });
      const file = path.join(root, 'deployments/westeu-test-1.yaml');
      writeFileSync(file, `${readFileSync(file, 'utf8')}overrides:\n  database:\n    sku:\n      tier: Hyperscale\n  monitoring:\n    alertEmails: [ops@complianceflow.example, not-an-address]\n`);
      let problems: readonly string[] = [];
      try {
        loadRegistry(root);
      } catch (error) {
        expect(error).to.be.instanceOf(ConfigError);
        problems = (error as ConfigError).problems;
      }
      expect(problems).to.have.members([
        'deployments/westeu-test-1.yaml: overrides.database.sku.tier: "Hyperscale" is not allowed; allowed: one of Burstable, GeneralPurpose, MemoryOptimized',
        'deployments/westeu-test-1.yaml: overrides.monitoring.alertEmails[1]: "not-an-address" is not allowed; allowed: an email address (name@domain.tld)',
      ]);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
