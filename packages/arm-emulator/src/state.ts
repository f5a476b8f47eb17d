// Everything the emulator holds, in one JSON file in the state directory, written atomically
// (temp file + fsync + rename), so a restart or a kill -9 finds the last complete state. Changes are
// coalesced: save() marks the state changed, and it is written once at the end of the request that
// changed it (before the answer goes out), or on the next turn for a change no request made (an
// operation that finished on the timer). Long-running operations are stored with what they will
// do, and finished lazily.
// Each section's JSON is kept, UTF-8 encoded, from its last write, and only the sections a save
// names are serialized again: a what-if changes `operations` and `stackWhatIfResults`, not the
// megabytes of resources and stack templates. Kept as bytes, not strings: joining the sections into
// one string and encoding it again took 30 ms a save at 2.4 MB of state (four deployments), the
// bytes 4 ms; serializing everything was most of the emulator's CPU per deploy.
// save() without a section marks them all. ARM_EMULATOR_CHECK_SAVES=1 (the integration tests set
// it) serializes the others too and fails when one differs from its kept JSON: a save that named
// too few sections.
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { writeFileAtomically } from '@complianceflow/core/atomic-file.ts';
import type { ArmErrorBody } from './errors.ts';
import type { VaultSecrets } from './keyvault-records.ts';
import { scrubSecretsInJson } from './secure.ts';

export interface StoredResource {
  id: string;
  type: string;
  name: string;
  apiVersion: string;
  /** What the caller (a PUT body or a template) declared: what-if compares these. */
  declared: Record<string, unknown>;
  /** The body ARM answers with: declared plus what only ARM knows (id, provisioningState, endpoints…). */
  body: Record<string, unknown>;
  /** Keys for listKeys() (fake, deterministic). */
  keys?: Record<string, unknown>;
}

export type OperationKind = 'stackPut' | 'stackDelete' | 'stackValidate' | 'resourceGroupDelete' | 'deploymentPut' | 'deploymentWhatIf' | 'deploymentValidate' | 'stackWhatIf' | 'serverPower' | 'vaultPurge' | 'jobStart';

export interface Operation {
  id: string;
  kind: OperationKind;
  /** The resource the operation works on (stack, resource group, deployment …). */
  target: string;
  startedAt: number;
  readyAt: number;
  status: 'InProgress' | 'Succeeded' | 'Failed';
  /** What finishing it does (kind-specific, JSON); dropped once it has finished. */
  payload?: unknown;
  /** The final body of a POST LRO (what-if, validate), until its first read (or an hour unread). */
  result?: unknown;
  /** The result was read (or expired) and dropped: a second read is answered 404. */
  resultRead?: boolean;
  error?: ArmErrorBody;
}

export interface StackRecord {
  /** The body ARM answers with (properties.provisioningState lower-case). */
  body: Record<string, unknown>;
  /** The last submitted template (GET does not return it; exportTemplate does). */
  template?: Record<string, unknown>;
  operationId?: string;
}

export interface DeploymentRecord {
  body: Record<string, unknown>;
  operations: Record<string, unknown>[];
  operationId?: string;
}

export interface ScheduledOperation {
  resourceId: string;
  type: string;
  name: string;
  startMs: number;
  endMs: number;
  error?: ArmErrorBody;
}

/** A deployment's operations (deployment-schedule.ts), served at GET {deploymentId}/operations while and after it runs. */
export interface LiveDeployment {
  id: string;
  /** Epoch ms the deployment started. */
  startedAt: number;
  operations: ScheduledOperation[];
  /** The root's nested deployments (their ids), forgotten with it. */
  nested?: string[];
}

export interface StateData {
  version: 1;
  providers: Record<string, 'Registered' | 'NotRegistered' | 'Registering'>;
  /** Resource groups and every other resource, by lower-cased id. */
  resources: Record<string, StoredResource>;
  stacks: Record<string, StackRecord>;
  deployments: Record<string, DeploymentRecord>;
  /** The operations of each stack's latest deployment and its nested ones, by lower-cased deployment id (deployment-operations.ts). */
  deploymentOperations: Record<string, LiveDeployment>;
  stackWhatIfResults: Record<string, Record<string, unknown>>;
  operations: Record<string, Operation>;
  /** Soft-deleted Key Vaults (Microsoft.KeyVault/locations/deletedVaults), by lower-cased subscription/name. */
  deletedVaults: Record<string, Record<string, unknown>>;
  /** The Key Vault data plane: secrets by lower-cased vault name (keyvault-store.ts). */
  keyVaultSecrets: Record<string, VaultSecrets>;
}

export type StateSection = keyof StateData;

/** `{`, the members (`"name":json` each) separated by commas, `}`. */
const jsonObject = (members: readonly Buffer[]): Buffer => Buffer.concat([Buffer.from('{'), ...members.flatMap((m, i) => (i === 0 ? [m] : [Buffer.from(','), m])), Buffer.from('}')]);

const emptyState = (): StateData => ({ version: 1, providers: {}, resources: {}, stacks: {}, deployments: {}, deploymentOperations: {}, stackWhatIfResults: {}, operations: {}, deletedVaults: {}, keyVaultSecrets: {} });

export class StateStore {
  readonly dir: string;
  readonly file: string;
  data: StateData;
  /**
   * Secure parameter values seen since start (secure.ts). They stay in memory only: save() writes
   * the placeholder in their place everywhere but in the Key Vault data plane, whose job is to
   * hold secret values (a template may store a secure parameter there as a secret).
   */
  readonly secrets = new Set<string>();
  /** How many times the file was written, and the last write's size and time (benchmarks and tests). */
  saves = 0;
  lastSave = { bytes: 0, ms: 0 };
  private changed = false;
  /** Sections changed since the last write (allDirty: every one); a section not yet written counts as changed. */
  private readonly dirty = new Set<string>();
  private allDirty = false;
  /** Each section as last written: `"name":` and its JSON (scrubbed), UTF-8. */
  private readonly written = new Map<string, Buffer>();
  /** How many secrets the kept JSON was scrubbed of: a new one means scrubbing every section again. */
  private scrubbedOf = 0;
  private readonly checkSaves: boolean;

  constructor(dir: string, options: { checkSaves?: boolean } = {}) {
    this.dir = dir;
    this.file = path.join(dir, 'state.json');
    this.checkSaves = options.checkSaves ?? false;
    mkdirSync(dir, { recursive: true });
    this.data = existsSync(this.file) ? { ...emptyState(), ...(JSON.parse(readFileSync(this.file, 'utf8')) as StateData) } : emptyState();
  }

  rememberSecrets(values: readonly string[]): void {
    for (const value of values) this.secrets.add(value);
  }

  /** Marks the named sections changed (none named: all of them); flush() writes them. */
  save(...sections: StateSection[]): void {
    if (sections.length === 0) this.allDirty = true;
    for (const section of sections) this.dirty.add(section);
    if (this.changed) return;
    this.changed = true;
    setImmediate(() => this.flush());
  }

  /** A section as the file holds it, `"name":json`: scrubbed of every remembered secret, except the Key Vault data plane, which holds secret values by design (secure.ts). */
  private sectionBytes(section: string): Buffer {
    const json = JSON.stringify((this.data as unknown as Record<string, unknown>)[section]);
    return Buffer.from(`${JSON.stringify(section)}:${section === 'keyVaultSecrets' ? json : scrubSecretsInJson(json, this.secrets)}`);
  }

  /** Writes the state if it changed since the last write. */
  flush(): void {
    if (!this.changed) return;
    this.changed = false;
    const started = performance.now();
    if (this.secrets.size !== this.scrubbedOf) this.allDirty = true;
    this.scrubbedOf = this.secrets.size;
    // The file's keys in the order they always had: the state's own, the Key Vault data plane last.
    const sections = Object.keys(this.data).filter((s) => s !== 'keyVaultSecrets' && (this.data as unknown as Record<string, unknown>)[s] !== undefined).concat('keyVaultSecrets');
    for (const section of sections) {
      const kept = this.written.get(section);
      if (this.allDirty || this.dirty.has(section) || kept === undefined) {
        this.written.set(section, this.sectionBytes(section));
      } else if (this.checkSaves && !kept.equals(this.sectionBytes(section))) {
        throw new Error(`ARM_EMULATOR_CHECK_SAVES: state section '${section}' changed, but no save() named it`);
      }
    }
    this.allDirty = false;
    this.dirty.clear();
    this.saves += 1;
    const bytes = jsonObject(sections.map((s) => this.written.get(s)!));
    writeFileAtomically(this.file, bytes, { fsync: true, mode: 0o600 });
    this.lastSave = { bytes: bytes.length, ms: performance.now() - started };
  }
}
