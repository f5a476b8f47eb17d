#!/usr/bin/env node
// `npm run lint:workflows`: lints every workflow (.github/workflows) and composite action
// (.github/actions/*/action.yml) with @action-validator/cli (the schema of workflows and actions) and
// every bash/sh `run:` block with shellcheck (Debian's package; scripts/setup.sh installs it), and with
// it the shell scripts those blocks and people run (.github/scripts/*.sh, scripts/*.sh).
// Prints `file:line:column: tool: message` per finding; exit 1 when there is one.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { CliError } from '@complianceflow/core/errors.ts';
import { ExitCode } from '@complianceflow/core/exit-codes.ts';
import { processError, runNothrow } from '@complianceflow/core/process.ts';
import { repoRoot } from '@complianceflow/core/repo-root.ts';
import { runBlocks, type RunBlock } from './workflow-lint/run-blocks.ts';

export interface Finding {
  file: string;
  line: number;
  column: number;
  tool: 'action-validator' | 'shellcheck';
  message: string;
}

/** The workflow and composite action files, relative to the root. */
export function workflowFiles(root: string): string[] {
  const workflows = readdirSync(path.join(root, '.github/workflows')).filter((f) => /\.ya?ml$/.test(f)).map((f) => `.github/workflows/${f}`);
  const actions = readdirSync(path.join(root, '.github/actions')).flatMap((d) => ['action.yml', 'action.yaml'].map((f) => `.github/actions/${d}/${f}`).filter((f) => readdirSync(path.join(root, path.dirname(f))).includes(path.basename(f))));
  return [...workflows.sort(), ...actions.sort()];
}

/** The shell scripts next to the workflows and in scripts/, relative to the root. */
export function shellScripts(root: string): string[] {
  return ['.github/scripts', 'scripts'].flatMap((dir) => readdirSync(path.join(root, dir)).filter((f) => f.endsWith('.sh')).sort().map((f) => `${dir}/${f}`));
}

interface ValidatorError { path?: string; title?: string; detail?: string; states?: { errors: ValidatorError[] }[] }

function validatorMessages(errors: ValidatorError[]): string[] {
  return errors.flatMap((e) => [`${e.path ?? '/'}: ${e.detail ?? e.title ?? 'invalid'}`, ...(e.states ?? []).flatMap((s) => validatorMessages(s.errors).map((m) => `  one of: ${m}`))]);
}

async function schemaFindings(root: string, file: string): Promise<Finding[]> {
  const program = path.join(root, 'node_modules/.bin/action-validator');
  const result = await runNothrow(program, [file], { cwd: root, install: '@action-validator/cli (npm ci)' });
  if (result.code === 0) return [];
  if (result.notFound) throw processError(program, [file], result, { install: '@action-validator/cli (npm ci)' });
  // It prints its findings as JSON on stderr, after a line of warnings ("Glob validation is not yet supported") at most.
  let errors: ValidatorError[];
  try {
    errors = (JSON.parse(result.stderr.slice(result.stderr.indexOf('{'))) as { errors: ValidatorError[] }).errors;
  } catch {
    throw processError(program, [file], result);
  }
  return validatorMessages(errors).map((message) => ({ file, line: 1, column: 1, tool: 'action-validator', message }));
}

interface ShellcheckComment { line: number; column: number; level: string; code: number; message: string }

async function shellcheck(args: string[], input: string | undefined, root: string): Promise<ShellcheckComment[]> {
  const install = 'the Debian package shellcheck (scripts/setup.sh installs it)';
  const result = await runNothrow('shellcheck', ['--norc', '--format', 'json1', ...args], { cwd: root, install, ...(input === undefined ? {} : { input }) });
  if (result.code !== 0 && result.code !== 1) throw processError('shellcheck', args, result, { install });
  return (JSON.parse(result.stdout) as { comments: ShellcheckComment[] }).comments;
}

async function blockFindings(block: RunBlock, root: string): Promise<Finding[]> {
  const comments = await shellcheck(['--shell', block.shell, '-'], block.script, root);
  return comments.map((c) => ({ file: block.file, line: block.line + c.line - 1, column: c.column, tool: 'shellcheck', message: `SC${c.code} (${c.level}) in ${block.where}: ${c.message}` }));
}

async function scriptFindings(file: string, root: string): Promise<Finding[]> {
  const comments = await shellcheck([file], undefined, root);
  return comments.map((c) => ({ file, line: c.line, column: c.column, tool: 'shellcheck', message: `SC${c.code} (${c.level}): ${c.message}` }));
}

export async function lintWorkflows(root: string = repoRoot): Promise<Finding[]> {
  const findings: Finding[] = [];
  for (const file of workflowFiles(root)) {
    findings.push(...(await schemaFindings(root, file)));
    for (const block of runBlocks(readFileSync(path.join(root, file), 'utf8'), file)) findings.push(...(await blockFindings(block, root)));
  }
  for (const file of shellScripts(root)) findings.push(...(await scriptFindings(file, root)));
  return findings;
}

export function formatFinding(f: Finding): string {
  return `${f.file}:${f.line}:${f.column}: ${f.tool}: ${f.message}`;
}

if (import.meta.main) {
  try {
    const findings = await lintWorkflows();
    for (const f of findings) console.log(formatFinding(f));
    console.log(`${workflowFiles(repoRoot).length} workflow and action files, ${shellScripts(repoRoot).length} shell scripts: ${findings.length} finding(s)`);
    process.exitCode = findings.length === 0 ? ExitCode.Success : ExitCode.Failed;
  } catch (error) {
    if (!(error instanceof CliError)) throw error;
    console.error(`error: ${error.message}${error.hint === undefined ? '' : `\nhint: ${error.hint}`}`);
    process.exitCode = error.exitCode;
  }
}
