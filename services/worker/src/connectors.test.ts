import { createConnectors } from './connectors';

describe('createConnectors', () => {
  it('wires X, LinkedIn, Facebook and Instagram', () => {
    const connectors = createConnectors(
      { X_API_BASE_URL: 'http://127.0.0.1:1', X_UPLOAD_BASE_URL: undefined },
      {},
    );
    expect(Object.keys(connectors).sort()).toEqual(['facebook', 'instagram', 'linkedin', 'x']);
    expect(connectors.linkedin?.platform).toBe('linkedin');
  });

  it('refuses a bad base URL, naming the key', () => {
    expect(() =>
      createConnectors(
        { X_API_BASE_URL: 'http://127.0.0.1:1', X_UPLOAD_BASE_URL: undefined },
        { LINKEDIN_API_BASE_URL: 'nope' },
      ),
    ).toThrow(/LINKEDIN_API_BASE_URL/);
  });
});
