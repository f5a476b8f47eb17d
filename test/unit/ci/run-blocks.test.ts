// scripts/workflow-lint/run-blocks.ts: the bash/sh `run:` blocks of a workflow or composite action,
// each with the file line its script starts on, for shellcheck.
import { expect } from 'chai';
import { runBlocks, withoutExpressions } from '../../../scripts/workflow-lint/run-blocks.ts';

const workflow = `on: push
defaults:
  run:
    shell: bash
jobs:
  a:
    runs-on: ubuntu-24.04
    steps:
      - uses: actions/checkout@v4
      - run: echo one
      - name: two
        run: |
          echo "\${{ github.sha }}"
          echo two
  b:
    runs-on: windows-latest
    defaults:
      run:
        shell: pwsh
    steps:
      - run: Write-Output b
      - shell: sh
        run: echo "posix"
`;

describe('workflow lint: run blocks', () => {
  it('finds each bash/sh run block with the line its script starts on, leaving other shells out', () => {
    const blocks = runBlocks(workflow, 'w.yml');
    expect(blocks.map((b) => [b.where, b.line, b.shell])).to.deep.equal([
      ['jobs.a.steps[1]', 10, 'bash'],
      ['jobs.a.steps[2]', 13, 'bash'],
      ['jobs.b.steps[1]', 23, 'sh'],
    ]);
    expect(workflow.split('\n')[13 - 1]!.trim()).to.equal('echo "${{ github.sha }}"');
  });

  it('replaces each expression by underscores of its length, keeping quotes and lines', () => {
    expect(withoutExpressions('echo "${{ github.sha }}" x')).to.equal(`echo "${'_'.repeat('${{ github.sha }}'.length)}" x`);
    expect(withoutExpressions('a ${{ x\n}} b').split('\n')).to.have.length(2);
    expect(runBlocks(workflow, 'w.yml')[1]!.script).not.to.include('${{');
  });

  it('reads the steps of a composite action', () => {
    const action = 'runs:\n  using: composite\n  steps:\n    - shell: bash\n      run: echo hi\n    - uses: x/y@v1\n';
    expect(runBlocks(action, 'action.yml').map((b) => [b.where, b.line, b.script])).to.deep.equal([['runs.steps[0]', 5, 'echo hi']]);
  });
});
