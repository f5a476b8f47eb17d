// Per-resource progress of a phase (the stack apply follows its deployment operations): the events,
// what a tier's state is after them, and the lines each renderer prints. Pure.
import { seconds } from './line-renderer.ts';

/** A resource changed state (or, while running, its elapsed time grew). */
export interface ResourceEvent {
  id: string;
  name: string;
  type: string;
  /** The group it is shown in (the cost tier of its type). */
  tier: string;
  /** ARM's provisioning state of its operation: Running, Succeeded, Failed … */
  state: string;
  elapsedMs: number;
  /** ARM's error of a failed resource: "Code: message". */
  error?: string;
}

export type ResourceSink = (event: ResourceEvent) => void;

export const isFailed = (state: string): boolean => state.toLowerCase() === 'failed';
const isRunning = (state: string): boolean => !['succeeded', 'failed', 'canceled'].includes(state.toLowerCase());

/** "database psql-cf-x (Microsoft.DBforPostgreSQL/flexibleServers): Running, 12.0 s", and ARM's error when failed. */
export function resourceLine(e: ResourceEvent): string {
  const base = `${e.tier} ${e.name} (${e.type}): ${e.state}, ${seconds(e.elapsedMs)}`;
  return e.error === undefined ? base : `${base}: ${e.error}`;
}

/** The last event of every resource, by tier in the order tiers appeared. */
export class ResourceBoard {
  private readonly tiers = new Map<string, Map<string, ResourceEvent>>();

  /** Records the event; true when the resource's state changed (a new line in CI). */
  apply(e: ResourceEvent): boolean {
    let tier = this.tiers.get(e.tier);
    if (tier === undefined) this.tiers.set(e.tier, (tier = new Map()));
    const before = tier.get(e.id);
    tier.set(e.id, e);
    return before?.state !== e.state;
  }

  tierNames(): string[] {
    return [...this.tiers.keys()];
  }

  /** "database: 2 of 5 done, 2 running, 1 failed". */
  tierTitle(tier: string): string {
    const events = [...(this.tiers.get(tier)?.values() ?? [])];
    const failed = events.filter((e) => isFailed(e.state)).length;
    const running = events.filter((e) => isRunning(e.state)).length;
    const done = events.length - failed - running;
    return [`${tier}: ${done} of ${events.length} done`, ...(running > 0 ? [`${running} running`] : []), ...(failed > 0 ? [`${failed} failed`] : [])].join(', ');
  }

  /** One line per resource of the tier still running or failed (done ones are counted in the title). */
  tierDetail(tier: string): string {
    const events = [...(this.tiers.get(tier)?.values() ?? [])].filter((e) => isRunning(e.state) || isFailed(e.state));
    return events.map((e) => `${e.name} (${e.type}): ${e.state}, ${seconds(e.elapsedMs)}${e.error === undefined ? '' : `: ${e.error}`}`).join('\n');
  }
}

/**
 * GitHub Actions: a ::group:: per tier, live. Groups cannot nest or interleave, so each state change is
 * written at once into its tier's group: the group stays open while changes come from the same tier,
 * and a change in another tier closes it and opens that tier's (a tier may so appear in several
 * groups, each titled with its counts so far). A failed resource is also an ::error:: annotation.
 */
export class GroupedLines {
  private open: string | undefined;
  private readonly board = new ResourceBoard();
  private readonly write: (line: string) => void;
  private readonly stamp: () => string;

  constructor(write: (line: string) => void, stamp: () => string) {
    this.write = write;
    this.stamp = stamp;
  }

  event(e: ResourceEvent): void {
    if (!this.board.apply(e)) return;
    if (this.open !== e.tier) {
      this.end();
      this.write(`::group::${this.board.tierTitle(e.tier)}`);
      this.open = e.tier;
    }
    this.write(`${this.stamp()}   ${resourceLine(e)}`);
    if (isFailed(e.state)) this.write(`::error::${annotation(resourceLine(e))}`);
  }

  end(): void {
    if (this.open !== undefined) this.write('::endgroup::');
    this.open = undefined;
  }
}

/** Plain/CI: one timestamped line per state change. */
export function plainLines(write: (line: string) => void, stamp: () => string): ResourceSink {
  const board = new ResourceBoard();
  return (e) => {
    if (board.apply(e)) write(`${stamp()}   ${resourceLine(e)}`);
  };
}

/** Annotations are one line: GitHub's escaping for %, CR and LF. */
export const annotation = (text: string): string => text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
