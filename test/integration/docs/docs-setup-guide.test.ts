// The Setup Guide is tested like code: every `cf-infra <command> --flag` and `npm run <script>` it (and
// the README, and every other tracked doc) shows exists, and its emulator path — the ```bash blocks between the setup-guide:emulator
// markers — runs end to end as written, in bash from the repository root, isolated from the developer's
// own emulator, Azurite and run reports through the environment variables the tools read.
import { expect } from 'chai';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { repoRoot } from '@complianceflow/cli/config/paths.ts';
import { cliCommands, cliScripts, commandHelp } from '@complianceflow/docs-tools/command-table.ts';
import { trackedMarkdownFiles } from '@complianceflow/docs-tools/files.ts';
import { docCommands, helpFlags, type DocCommand } from '@complianceflow/docs-tools/doc-commands.ts';
import { emulatorPathBlocks, emulatorPathScript, setupGuideDoc } from '@complianceflow/docs-tools/setup-guide.ts';
import { freePort } from '../../support/azurite.ts';
import { cfInfra } from '../../support/cli.ts';

const guideFile = setupGuideDoc;
const guide = readFileSync(path.join(repoRoot, guideFile), 'utf8');
const scripts = (JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
const commandNames = cliCommands().map((c) => c.name);

const helpCache = new Map<string, Set<string>>();
const helpKey = (command: string, subcommand?: string) => `${command} ${subcommand ?? ''}`.trim();

/** Every command's and every cf-infra npm script's help (`local up --help` too), from the commands' own run(). */
async function loadHelp(): Promise<void> {
  const keys = new Set(commandNames);
  for (const args of cliScripts().values()) if (args.length === 2) keys.add(args.join(' '));
  for (const key of keys) {
    const [name, ...words] = key.split(' ');
    helpCache.set(key, helpFlags(await commandHelp(name!, words)));
  }
}

function flagsOf(command: string, subcommand?: string): Set<string> {
  const flags = helpCache.get(helpKey(command, subcommand));
  if (flags === undefined) throw new Error(`no --help loaded for cf-infra ${helpKey(command, subcommand)}`);
  return flags;
}

function scriptsOf(dir: string): Record<string, string> {
  return (JSON.parse(readFileSync(path.join(repoRoot, dir, 'package.json'), 'utf8')) as { scripts?: Record<string, string> }).scripts ?? {};
}

/** What is wrong with one command a document shows, if anything. */
function commandProblem(file: string, command: DocCommand): string | undefined {
  const where = `${file}:${command.line}: \`${command.text}\``;
  if (command.negated) {
    const exists = command.kind === 'npm' ? scriptsOf(command.packageDir)[command.name] !== undefined : commandNames.includes(command.name);
    return exists ? `${where}: the text says there is no such command, but there is` : undefined;
  }
  if (command.kind === 'npm') {
    const packageScripts = command.packageDir === '' ? scripts : scriptsOf(command.packageDir);
    const packageJson = path.posix.join(command.packageDir, 'package.json');
    if (packageScripts[command.name] === undefined && command.name !== 'test') return `${where}: no npm script "${command.name}" in ${packageJson}`;
    const [name, subcommand, ...more] = (command.packageDir === '' ? cliScripts().get(command.name) : undefined) ?? [];
    if (name === undefined || more.length > 0 || command.flags.length === 0) return undefined;
    const unknown = command.flags.filter((flag) => !flagsOf(name, subcommand).has(flag));
    return unknown.length === 0 ? undefined : `${where}: ${unknown.join(', ')} not in \`cf-infra ${helpKey(name, subcommand)} --help\``;
  }
  if (!commandNames.includes(command.name)) return `${where}: no cf-infra command "${command.name}" (commands: ${commandNames.join(', ')})`;
  const unknown = command.flags.filter((flag) => !flagsOf(command.name).has(flag));
  return unknown.length === 0 ? undefined : `${where}: ${unknown.join(', ')} not in \`cf-infra ${command.name} --help\``;
}

describe(`docs: the Setup Guide (${guideFile})`, function () {
  this.timeout(60_000);

  before(async function () {
    this.timeout(120_000);
    await loadHelp();
  });

  it('every cf-infra command and flag and every npm script it, the README and every other tracked doc shows exists', () => {
    const problems: string[] = [];
    let count = 0;
    const files = trackedMarkdownFiles(repoRoot);
    expect(files).to.include.members([guideFile, 'README.md']);
    for (const file of files) {
      const commands = docCommands(readFileSync(path.join(repoRoot, file), 'utf8'));
      count += commands.length;
      for (const command of commands) {
        const problem = commandProblem(file, command);
        if (problem !== undefined) problems.push(problem);
      }
    }
    expect(count).to.be.greaterThan(50);
    expect(problems, problems.join('\n')).to.deep.equal([]);
  });

  it('finds commands in code spans and code blocks, with their flags, and reports the wrong ones', () => {
    const text = [
      'Run `npx cf-infra deploy westeu-test-1 --emulator --yes` or `npm run plan -- --all --bogus`.',
      '```sh',
      'npx cf-infra what-if x --detailed-exitcode | tee out.txt --not-a-flag',
      'npx cf-infra frobnicate x',
      'npm run no-such-script',
      'cd local/sample-service && npm run dev',
      '```',
      'There is no `cf-infra rotate` command, and no `cf-infra deploy` either.',
      '```text',
      'cf-infra ignored --output-samples-are-not-commands',
      '```',
    ].join('\n');
    const commands = docCommands(text);
    expect(commands.map((c) => [c.line, c.kind, c.name, c.flags])).to.deep.equal([
      [1, 'cf-infra', 'deploy', ['--emulator', '--yes']],
      [1, 'npm', 'plan', ['--all', '--bogus']],
      [3, 'cf-infra', 'what-if', ['--detailed-exitcode']],
      [4, 'cf-infra', 'frobnicate', []],
      [5, 'npm', 'no-such-script', []],
      [6, 'npm', 'dev', []],
      [8, 'cf-infra', 'rotate', []],
      [8, 'cf-infra', 'deploy', []],
    ]);
    expect(commands.map((c) => [c.packageDir, c.negated])).to.deep.equal([
      ['', false], ['', false], ['', false], ['', false], ['', false], ['local/sample-service', false], ['', true], ['', true],
    ]);
    const problems = commands.map((c) => commandProblem('x.md', c)).filter((p) => p !== undefined);
    expect(problems).to.deep.equal([
      'x.md:1: `npm run plan -- --all --bogus`: --bogus not in `cf-infra plan --help`',
      `x.md:4: \`npx cf-infra frobnicate x\`: no cf-infra command "frobnicate" (commands: ${commandNames.join(', ')})`,
      'x.md:5: `npm run no-such-script`: no npm script "no-such-script" in package.json',
      'x.md:8: `cf-infra deploy`: the text says there is no such command, but there is',
    ]);
  });

  it('the emulator path is the bash blocks between the markers, run as one script that names a failing block', () => {
    const blocks = emulatorPathBlocks('# G\n```bash\nbefore\n```\n<!-- setup-guide:emulator:start -->\n```bash\none\n```\n```sh\nnot run\n```\n```bash\ntwo\n```\n<!-- setup-guide:emulator:end -->\n', 'g.md');
    expect(blocks.map((b) => [b.line, b.content])).to.deep.equal([[6, 'one'], [12, 'two']]);
    const run = spawnSync('bash', ['-c', emulatorPathScript([{ lang: 'bash', line: 3, content: 'x=1' }, { lang: 'bash', line: 7, content: 'echo fine\ntest "$x" = 2' }], 'g.md')], { encoding: 'utf8' });
    expect(run.status).to.equal(1);
    expect(run.stdout).to.equal('fine\n');
    expect(run.stderr).to.include('setup-guide: FAILED (exit 1) in the block of g.md:7: test "$x" = 2');
    expect(() => emulatorPathBlocks('no markers', 'g.md')).to.throw(/g\.md: the emulator path needs <!-- setup-guide:emulator:start -->/);
  });

  describe('the emulator path, end to end', () => {
    let scratch: string;
    /** The guide starts (and stops) its own lock store: on this port, in the scratch directory. */
    let lockStoreEnv: NodeJS.ProcessEnv | undefined;
    /** The guide's process group: stopped in after() too, should the test time out. */
    let group: number | undefined;
    const stopGroup = () => {
      if (group === undefined) return;
      try {
        process.kill(-group, 'SIGTERM');
      } catch {
        // The group is gone: the guide stopped everything it started.
      }
      group = undefined;
    };

    before(async () => {
      scratch = mkdtempSync(path.join(tmpdir(), 'cf-setup-guide-'));
    });

    after(async () => {
      stopGroup();
      // The lock store runs detached (it outlives any one command): stop it should the guide not have.
      if (lockStoreEnv !== undefined) await cfInfra(['local', 'lockstore', 'stop'], lockStoreEnv);
      if (scratch !== undefined) rmSync(scratch, { recursive: true, force: true });
    });

    it('runs every command of the guide\'s emulator path as written, and each check passes', async function () {
      this.timeout(240_000);
      const blocks = emulatorPathBlocks(guide, guideFile);
      const script = emulatorPathScript(blocks, guideFile);
      const env: NodeJS.ProcessEnv = {
        ...process.env,
        // Isolation: our own emulator port and state, our own lock store port and state, our own run reports.
        ARM_EMULATOR_PORT: String(await freePort()),
        ARM_EMULATOR_STATE_DIR: path.join(scratch, 'arm-emulator'),
        AZURITE_BLOB_PORT: String(await freePort()),
        CF_LOCK_STORE_DIR: path.join(scratch, 'lockstore'),
        CF_RUNS_DIR: path.join(scratch, 'runs'),
        NO_COLOR: '1',
        CI: 'true',
        GITHUB_ACTIONS: '',
        PATH: `${path.join(repoRoot, 'node_modules', '.bin')}${path.delimiter}${process.env.PATH ?? ''}`,
      };
      lockStoreEnv = { AZURITE_BLOB_PORT: env.AZURITE_BLOB_PORT, CF_LOCK_STORE_DIR: env.CF_LOCK_STORE_DIR };
      for (const name of ['ARM_EMULATOR_ENDPOINT', 'ARM_EMULATOR_CA', 'CF_EMULATOR_URL', 'ARM_EMULATOR_SUBSCRIPTION_ID', 'AZURE_SUBSCRIPTION_ID']) delete env[name];
      // Its own process group, so that whatever the guide starts in the background is stopped with it.
      const child = spawn('bash', ['-c', script], { cwd: repoRoot, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
      group = child.pid;
      let output = '';
      child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
      const status = await new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));
      stopGroup();
      const failure = /setup-guide: FAILED .*?:(\d+): .*/.exec(output);
      const block = blocks.find((b) => b.line === Number(failure?.[1]));
      const context = block === undefined ? '' : `\n--- the block (${guideFile}:${block.line}) ---\n${block.content}`;
      expect(status, `${failure?.[0] ?? `the emulator path exited ${status}`}${context}\n--- output (last 6000 characters) ---\n${output.slice(-6000)}`).to.equal(0);
      expect(output).to.match(/westeu-test-1: deployed \(stack cf-westeu-test-1 succeeded/);
    });
  });
});
