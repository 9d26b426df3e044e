import { Connection } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { loadConfig } from '../../common/config';
import { SEARCH_ATTRIBUTES } from '@tenant-deletion/contract';
import { missingSearchAttributes } from '../../common/search-attribute-check';
import { temporalConnectionOptions } from '../../common/temporal-connection';

const config = loadConfig();
let connection: Connection;

beforeAll(async () => {
  connection = await Connection.connect(temporalConnectionOptions(config));
});
afterAll(() => connection.close());

describe('the local Temporal server', () => {
  it('is reachable and serves the namespace', async () => {
    const { namespaceInfo } = await connection.workflowService.describeNamespace({
      namespace: config.TEMPORAL_NAMESPACE,
    });
    expect(namespaceInfo?.name).toBe(config.TEMPORAL_NAMESPACE);
  });

  it('has every contract search attribute with its type', async () => {
    expect(await missingSearchAttributes(connection, config.TEMPORAL_NAMESPACE)).toEqual([]);
    const { customAttributes } = await connection.operatorService.listSearchAttributes({
      namespace: config.TEMPORAL_NAMESPACE,
    });
    const { IndexedValueType } = temporal.api.enums.v1;
    for (const [name, type] of Object.entries(SEARCH_ATTRIBUTES)) {
      expect([name, IndexedValueType[customAttributes![name]]]).toEqual([
        name,
        `INDEXED_VALUE_TYPE_${type.toUpperCase()}`,
      ]);
    }
  });

  it('serves the Web UI on 8233', async () => {
    const response = await fetch('http://localhost:8233/');
    expect(response.status).toBe(200);
    expect(await response.text()).toContain('<html');
  });
});
