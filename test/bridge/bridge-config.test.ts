import { loadBridgeConfig } from '../../client/bridge/bridge-config';

describe('bridge config', () => {
  it('defaults to the local stack: port 9466, group tenant-deletion-bridge, from the end', () => {
    const config = loadBridgeConfig({});
    expect(config).toMatchObject({
      BRIDGE_PORT: 9466,
      BRIDGE_GROUP_ID: 'tenant-deletion-bridge',
      BRIDGE_FROM_BEGINNING: false,
    });
  });

  it('reads BRIDGE_FROM_BEGINNING=true|false and refuses anything else, naming the variable', () => {
    expect(loadBridgeConfig({ BRIDGE_FROM_BEGINNING: 'true' }).BRIDGE_FROM_BEGINNING).toBe(true);
    expect(loadBridgeConfig({ BRIDGE_FROM_BEGINNING: 'false' }).BRIDGE_FROM_BEGINNING).toBe(false);
    expect(() => loadBridgeConfig({ BRIDGE_FROM_BEGINNING: 'yes' })).toThrow(/BRIDGE_FROM_BEGINNING/);
  });
});
