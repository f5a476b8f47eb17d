// GitHub Actions job scheduling, simulated with GitHub's own expression evaluator (@actions/expressions):
// which jobs of a workflow run, given each job's `if:` (with the implicit success() GitHub adds when
// it has no status function), its needs, and its matrix, and which matrix legs fail. Pure: no process.
import { Evaluator, Lexer, Parser, data } from '@actions/expressions';

export type JobResult = 'success' | 'failure' | 'skipped';

export interface SimJob {
  needs?: string | string[];
  if?: string;
  strategy?: { matrix?: Record<string, unknown> };
  /** A reusable workflow the job calls, and its inputs. */
  uses?: string;
  with?: Record<string, unknown>;
}

/** The one job of a reusable workflow (`uses: ./.github/workflows/x.yml`), whose matrix the call runs. */
export type CalledJob = (uses: string) => SimJob;

/** A job that ran: its result and, for a matrix job, the values of its legs. */
export interface JobRun {
  result: JobResult;
  legs: string[];
}

const statusFunction = /\b(success|failure|always|cancelled)\(\)/;

function unwrap(expression: string): string {
  const m = /^\s*\$\{\{([\s\S]*)\}\}\s*$/.exec(expression);
  return (m === null ? expression : m[1]!).trim();
}

function needsList(job: SimJob): string[] {
  return job.needs === undefined ? [] : Array.isArray(job.needs) ? job.needs : [job.needs];
}

function statusFunctions(results: JobResult[]): Map<string, { name: string; minArgs: number; maxArgs: number; call: () => data.ExpressionData }> {
  const fn = (name: string, value: boolean) => [name.toLowerCase(), { name, minArgs: 0, maxArgs: 0, call: () => new data.BooleanData(value) }] as const;
  return new Map([
    fn('success', results.every((r) => r === 'success')),
    fn('failure', results.some((r) => r === 'failure')),
    fn('always', true),
    fn('cancelled', false),
  ]);
}

/** Evaluates one expression (with or without ${{ }}) against a JSON context such as { needs, matrix, inputs }. */
export function evaluate(expression: string, context: Record<string, unknown>, needResults: JobResult[] = []): data.ExpressionData {
  const source = unwrap(expression);
  const tokens = new Lexer(source).lex().tokens;
  const info = [...statusFunctions(needResults).values()].map(({ name, minArgs, maxArgs }) => ({ name, minArgs, maxArgs }));
  const expr = new Parser(tokens, Object.keys(context), info).parse();
  const dictionary = JSON.parse(JSON.stringify(context), data.reviver) as data.Dictionary;
  return new Evaluator(expr, dictionary, statusFunctions(needResults)).evaluate();
}

/** The value as plain JSON. */
function plain(value: data.ExpressionData): unknown {
  return JSON.parse(JSON.stringify(value, data.replacer)) as unknown;
}

/** A string with ${{ }} parts (a concurrency group, a job name) evaluated. */
export function evaluateTemplate(text: string, context: Record<string, unknown>): string {
  return text.replace(/\$\{\{([\s\S]*?)\}\}/g, (_, expression: string) => evaluate(expression, context).coerceString());
}

/** The legs of a job's matrix (of the called workflow's job for a call), [''] without a matrix. */
function legsOf(job: SimJob, needs: Record<string, unknown>, called: CalledJob | undefined): string[] {
  if (job.uses !== undefined && called !== undefined) {
    const inputs = Object.fromEntries(Object.entries(job.with ?? {}).map(([k, v]) => [k, typeof v === 'string' ? evaluateTemplate(v, { needs }) : v]));
    const matrix = Object.values(called(job.uses).strategy?.matrix ?? {})[0];
    return matrix === undefined ? [''] : (plain(evaluate(String(matrix), { inputs })) as string[]);
  }
  const matrix = Object.values(job.strategy?.matrix ?? {})[0];
  return matrix === undefined ? [''] : (plain(evaluate(String(matrix), { needs })) as string[]);
}

/**
 * Runs the jobs in their order (a workflow lists a job after its needs here); `outputs` gives the
 * outputs of jobs that have them, `fails(job, leg)` which matrix legs (or jobs, leg '') fail.
 */
export function simulate(jobs: Record<string, SimJob>, outputs: Record<string, Record<string, string>>, fails: (job: string, leg: string) => boolean, called?: CalledJob): Record<string, JobRun> {
  const runs: Record<string, JobRun> = {};
  for (const [name, job] of Object.entries(jobs)) {
    const needs = needsList(job);
    const needContext = Object.fromEntries(needs.map((n) => [n, { result: runs[n]!.result, outputs: runs[n]!.result === 'skipped' ? {} : (outputs[n] ?? {}) }]));
    const condition = job.if === undefined ? 'success()' : statusFunction.test(unwrap(job.if)) ? unwrap(job.if) : `success() && (${unwrap(job.if)})`;
    const results = needs.map((n) => runs[n]!.result);
    // Falsy as GitHub has it: false, 0, '', null.
    if (!plain(evaluate(condition, { needs: needContext }, results))) {
      runs[name] = { result: 'skipped', legs: [] };
      continue;
    }
    // GitHub fails a matrix job whose vector has no values.
    const legs = legsOf(job, needContext, called);
    runs[name] = { result: legs.length === 0 || legs.some((leg) => fails(name, leg)) ? 'failure' : 'success', legs: legs.filter((l) => l !== '') };
  }
  return runs;
}
