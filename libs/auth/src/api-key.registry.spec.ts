import { createHash } from 'node:crypto';
import { ApiKeyRegistry } from './api-key.registry';
import { KeyRing } from './key-ring';

const service = 's'.repeat(40);
const admin = 'a'.repeat(40);

describe('ApiKeyRegistry', () => {
  const registry = ApiKeyRegistry.fromConfig({ service: [service], admin: [admin] });

  it('finds a configured key with its scope', () => {
    expect(registry.verify(service)?.scope).toBe('service');
    expect(registry.verify(admin)?.scope).toBe('admin');
  });

  it('refuses other keys, of any length, without throwing', () => {
    for (const presented of ['', 'x', service.slice(1), `${service}x`, 'é'.repeat(200)])
      expect(registry.verify(presented)).toBeUndefined();
  });

  it('accepts a key configured by its SHA-256 digest', () => {
    const digest = createHash('sha256').update(service).digest('hex');
    expect(ApiKeyRegistry.fromConfig({ service: [`sha256:${digest}`], admin: [] }).verify(service)?.scope).toBe(
      'service',
    );
  });

  it('names a key by a digest prefix, never the key', () => {
    const id = registry.verify(service)!.id;
    expect(id).toMatch(/^[0-9a-f]{12}$/);
    expect(service).not.toContain(id);
  });

  it('refuses short keys at start-up, naming the setting but not the key', () => {
    const message = (() => {
      try {
        ApiKeyRegistry.fromConfig({ service: [], admin: [admin, 'short-secret'] });
        return '';
      } catch (error) {
        return (error as Error).message;
      }
    })();
    expect(message).toMatch(/API_ADMIN_KEYS entry 2 is too short/);
    expect(message).not.toContain('short-secret');
  });

  it('refuses one key in two places, across scopes or realms, naming the entries but not the key (issue 16, item 4)', () => {
    const failure = (fn: () => unknown) => {
      try {
        fn();
        return '';
      } catch (error) {
        return (error as Error).message;
      }
    };
    const acrossScopes = failure(() => ApiKeyRegistry.fromConfig({ service: [service], admin: [admin, service] }));
    expect(acrossScopes).toMatch(/API_KEYS entry 1 and API_ADMIN_KEYS entry 2 are the same key/);
    expect(acrossScopes).not.toContain(service);

    const digest = createHash('sha256').update(admin).digest('hex');
    const relay = KeyRing.of([{ key: `sha256:${digest}`, owner: 'alpha', name: 'backend_bots[0] (alpha) api_key' }]);
    const acrossRealms = failure(() => ApiKeyRegistry.fromConfig({ service: [service], admin: [admin] }, [relay]));
    expect(acrossRealms).toMatch(/API_ADMIN_KEYS entry 1 and backend_bots\[0\] \(alpha\) api_key are the same key/);
    expect(acrossRealms).not.toContain(admin);
    expect(acrossRealms).not.toContain(digest);

    const other = KeyRing.of([{ key: 'o'.repeat(40), owner: 'beta', name: 'backend_bots[0] (beta) api_key' }]);
    expect(ApiKeyRegistry.fromConfig({ service: [service], admin: [admin] }, [other]).size).toBe(2);
  });
});
