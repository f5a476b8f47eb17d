import { expect } from 'chai';
import { alignColumns, columnWidths, markdownTable, textTable } from '@complianceflow/core/tables.ts';
import { stylesFor } from '@complianceflow/core/text/style.ts';

describe('tables: the one column aligner', () => {
  it('pads every column to its widest cell, two spaces apart, and leaves the last cell unpadded', () => {
    expect(alignColumns([['a', 'bb', 'c'], ['dddd', 'e', 'ffff']])).to.deep.equal(['a     bb  c', 'dddd  e   ffff']);
  });

  it('right-aligns, keeps minimum widths, and takes one gap or one gap per column', () => {
    const rows = [['meter', 'eu', 'unit'], ['vm', '1.5', 'hour']];
    expect(alignColumns(rows, { align: ['left', 'right'], minWidths: [0, 6], gap: [' ', '  '], indent: '> ' })).to.deep.equal(['> meter     eu  unit', '> vm       1.5  hour']);
    expect(alignColumns([['x', 'y']], { gap: '', minWidths: [4] })).to.deep.equal(['x   y']);
  });

  it('a continuation row with empty leading cells lines its text up under the last column', () => {
    expect(alignColumns([['name', 'first line'], ['', 'second line']], { indent: '  ' })).to.deep.equal(['  name  first line', '        second line']);
  });

  it('counts what the terminal shows: styled cells line up with plain ones', () => {
    const { red } = stylesFor(true);
    const lines = alignColumns([[red('deny'), 'x'], ['audit', 'y']], { gap: ' ' });
    expect(lines[0]).to.equal(`${red('deny')}  x`);
    expect(lines[1]).to.equal('audit y');
    expect(columnWidths([[red('abc')], ['de']])).to.deep.equal([3]);
  });

  it('textTable: header, dashed rule, no trailing spaces; markdownTable escapes pipes', () => {
    expect(textTable(['A', 'BB', 'C'], [['xxxx', '', ''], ['y', 'zzz']])).to.equal(['A     BB   C', '----  ---  -', 'xxxx', 'y     zzz'].join('\n'));
    expect(markdownTable(['a|b'], [['c']])).to.equal('| a\\|b |\n| --- |\n| c |');
  });
});
