import { idFromBody } from './id-from-body';

const ID = '0b7e4f6a-3c1d-4e2b-9a8f-1d2c3b4a5e6f';

describe('idFromBody', () => {
  it('reads the UUID a body names in the field, whatever else is wrong with it', () => {
    expect(idFromBody(JSON.stringify({ campaign_id: ID, task_type: 'nonsense' }), 'campaign_id')).toBe(ID);
    expect(idFromBody(JSON.stringify({ operationId: ID.toUpperCase() }), 'operationId')).toBe(ID.toUpperCase());
  });

  it('is undefined for a body that is not JSON, is no object, or names no UUID there', () => {
    expect(idFromBody(undefined, 'operationId')).toBeUndefined();
    expect(idFromBody('{not json', 'operationId')).toBeUndefined();
    expect(idFromBody('null', 'operationId')).toBeUndefined();
    expect(idFromBody('"text"', 'operationId')).toBeUndefined();
    expect(idFromBody(JSON.stringify({ operationId: 'op-1' }), 'operationId')).toBeUndefined();
    expect(idFromBody(JSON.stringify({ operationId: 42 }), 'operationId')).toBeUndefined();
    expect(idFromBody(JSON.stringify({ campaign_id: ID }), 'operationId')).toBeUndefined();
  });
});
