import { expect } from 'chai';
import { ArmError } from '@complianceflow/arm-emulator/errors.ts';
import type { Reply, Request } from '@complianceflow/arm-emulator/http.ts';
import { dispatch, surfaces, unrouted, type Row } from '@complianceflow/arm-emulator/route-table.ts';

const answer =
  (row: string): Row[2] =>
  (_ctx, _req, params) => ({ status: 200, body: { row, params } });
const rows: Row[] = [
  ['GET', '/subscriptions/:subscription/things/:name', answer('get')],
  ['PUT', '/subscriptions/:subscription/things/:name', answer('put')],
  ['*', '/subscriptions/:subscription/things/*', unrouted],
  ['*', '/subscriptions/:subscription/any', answer('any')],
  ['GET', '/subscriptions/:subscription{/*}?', answer('rest')],
  ['POST', '/subscriptions/:subscription{/*}?', answer('rest')],
];
const table = surfaces(rows);

function call(method: string, path: string): Reply | string {
  try {
    return dispatch(table, {} as never, { method, path } as Request) as Reply;
  } catch (error) {
    if (error instanceof ArmError) return `${error.status} ${error.body.code}`;
    throw error;
  }
}

describe('emulator route table (URLPattern rows)', () => {
  it('answers with the row of the method; literal segments match in any case; groups arrive percent-decoded', () => {
    expect(call('GET', '/Subscriptions/s1/THINGS/a%20b')).to.deep.equal({ status: 200, body: { row: 'get', params: { subscription: 's1', name: 'a b' } } });
    expect(call('PUT', '/subscriptions/s1/things/x')).to.deep.equal({ status: 200, body: { row: 'put', params: { subscription: 's1', name: 'x' } } });
  });

  it('405 for a method the first matching surface has no row for, even when a later surface would take it', () => {
    expect(call('POST', '/subscriptions/s1/things/x')).to.equal('405 MethodNotAllowed');
    expect(call('POST', '/subscriptions/s1/other/x')).to.deep.equal({ status: 200, body: { row: 'rest', params: { subscription: 's1', 0: 'other/x' } } });
    expect(call('GET', '/subscriptions/s1/things')).to.deep.equal({ status: 200, body: { row: 'rest', params: { subscription: 's1', 0: 'things' } } });
  });

  it('an unrouted row ends the search with 404; a path no pattern matches is 404', () => {
    expect(call('GET', '/subscriptions/s1/things/x/y')).to.equal('404 NotFound');
    expect(call('GET', '/tenants/t1')).to.equal('404 NotFound');
  });

  it("a '*' row takes any method", () => {
    for (const method of ['GET', 'POST', 'OPTIONS']) expect((call(method, '/subscriptions/s1/any') as Reply).body).to.deep.equal({ row: 'any', params: { subscription: 's1' } });
  });

  it('refuses a table with the same method twice on one surface', () => {
    expect(() => surfaces([rows[0]!, rows[0]!])).to.throw('route table: GET /subscriptions/:subscription/things/:name twice');
  });
});
