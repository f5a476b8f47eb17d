// On a terminal, a phase with per-resource progress is a listr2 sub-list: the phase's own run as an
// untitled sub-task (its detail stays on the phase's line), beside one sub-task per tier showing
// "database: 2 of 5 done, 1 running" and a line per running or failed resource with its state and
// elapsed time (failed ones stay once the tier is done). listr2 runs only the sub-tasks a list has when it starts, and tiers are known only
// as their first events arrive, so the list starts with untitled slots (which listr2 does not
// draw) and a slot gets its tier's title on the tier's first event.
import type { Listr, ListrTaskWrapper } from 'listr2';
import { ResourceBoard, type ResourceSink } from './resource-progress.ts';

/** More than the tiers a deployment has (cost/tiers.ts); tiers past it share the last slot. */
const slotCount = 12;

// listr2's wrapper types carry its renderer generics; a slot only sets title and output.
type Wrapper = ListrTaskWrapper<unknown, any, any>;

export function tierSlots(task: Wrapper, run: (update: (detail: string) => void, resource: ResourceSink) => Promise<void>): Listr<unknown, any, any> {
  const board = new ResourceBoard();
  const slots: Wrapper[] = [];
  const tierSlot = new Map<string, number>();
  let release: () => void = () => {};
  const released = new Promise<void>((r) => (release = r));
  const slotTiers: string[] = [];
  // Tiers sharing the last slot show the latest of them. The resources go in the title's lines:
  // listr2 picks a task's output bar on its first draw, and an untitled one's is the bottom bar.
  const paint = (index: number): void => {
    const slot = slots[index];
    const tier = slotTiers[index];
    if (slot === undefined || tier === undefined) return;
    const detail = board.tierDetail(tier);
    slot.title = detail === '' ? board.tierTitle(tier) : `${board.tierTitle(tier)}\n${detail}`;
  };
  const show = (tier: string): void => {
    let index = tierSlot.get(tier);
    if (index === undefined) tierSlot.set(tier, (index = Math.min(tierSlot.size, slotCount - 1)));
    slotTiers[index] = tier;
    paint(index);
  };
  const resource: ResourceSink = (e) => {
    board.apply(e);
    show(e.tier);
  };
  const main = {
    task: async (): Promise<void> => {
      try {
        await run((detail) => (task.output = detail), resource);
      } finally {
        release();
      }
    },
  };
  const slot = (i: number) => ({
    task: async (_ctx: unknown, t: Wrapper): Promise<void> => {
      slots[i] = t;
      // An event may have come before this slot started.
      paint(i);
      await released;
    },
  });
  return task.newListr([main, ...Array.from({ length: slotCount }, (_, i) => slot(i))], { concurrent: true, exitOnError: true });
}
