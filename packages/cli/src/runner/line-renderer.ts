// A listr2 renderer of plain timestamped lines, for CI logs and piped output: "<time> <title> ...",
// "<time>   <detail>" when the detail changes, then "<time> <title>: done (1.2 s)" or ": failed".
import type { ListrTaskObject } from 'listr2';

export const stamp = (): string => new Date().toISOString().slice(11, 19);
export const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;

type AnyTask = ListrTaskObject<unknown>;

export class LineRenderer {
  static nonTTY = true;
  static rendererOptions: { write?: (line: string) => void } = {};
  static rendererTaskOptions = {};
  private readonly tasks: readonly AnyTask[];
  private readonly write: (line: string) => void;

  constructor(tasks: readonly AnyTask[], options: { write?: (line: string) => void }) {
    this.tasks = tasks;
    this.write = options.write ?? ((line) => console.log(line));
  }

  render(): void {
    for (const task of this.tasks) this.follow(task);
  }

  end(): void {}

  private follow(task: AnyTask): void {
    let title = '';
    let started = 0;
    let last = '';
    task.on('STATE' as never, (state: string) => {
      if (!task.hasTitle()) return;
      if (state === 'STARTED') {
        title = task.title ?? '';
        started = Date.now();
        this.write(`${stamp()} ${title} ...`);
      } else if (state === 'COMPLETED' || state === 'FAILED') {
        this.write(`${stamp()} ${title}: ${state === 'COMPLETED' ? 'done' : 'failed'} (${seconds(Date.now() - started)})`);
      }
    });
    task.on('OUTPUT' as never, (detail: string) => {
      if (detail !== last) this.write(`${stamp()}   ${detail}`);
      last = detail;
    });
  }
}
