import pg from 'pg';
import { CITIES, pastTimestamp } from '../seed/fake-values';
import { sharedId } from '../seed/seed-plan';
import type { ServiceSeedPlan } from '../seed/seed-plan';

/** City-wide observations kept per station: two days of hourly weather, one day of traffic. */
const SHARED_WEATHER_HOURS = 48;
const SHARED_TRAFFIC_HOURS = 24;
const cities = `(ARRAY[${CITIES.map((city) => pg.escapeLiteral(city)).join(', ')}])`;

/** A shared station, by its index in CITIES. */
function station(index: string): string {
  return sharedId('weather_stations', index);
}

export const seedPlan: ServiceSeedPlan = {
  shared: [
    `INSERT INTO weather_stations (id, city, latitude, longitude)
     SELECT ${station('c')}, ${cities}[c + 1], 40 + c * 1.3, -4 + c * 2.1
       FROM generate_series(0, ${CITIES.length - 1}) AS c
     ON CONFLICT DO NOTHING`,
    `INSERT INTO weather_data (id, tenant_id, station_id, location_id, observed_at, temperature_c, precipitation_mm)
     SELECT ${sharedId('weather_data', 'h')}, NULL, ${station(`h % ${CITIES.length}`)}, NULL,
            date_trunc('hour', now()) - (h / ${CITIES.length}) * interval '1 hour', 2 + h % 25, (h % 7) * 0.4
       FROM generate_series(0, ${CITIES.length * SHARED_WEATHER_HOURS - 1}) AS h
     ON CONFLICT DO NOTHING`,
    `INSERT INTO traffic_data (id, tenant_id, city, observed_at, congestion_index)
     SELECT ${sharedId('traffic_data', 'h')}, NULL, ${cities}[h % ${CITIES.length} + 1],
            date_trunc('hour', now()) - (h / ${CITIES.length}) * interval '1 hour', (h * 37 % 100) / 10.0
       FROM generate_series(0, ${CITIES.length * SHARED_TRAFFIC_HOURS - 1}) AS h
     ON CONFLICT DO NOTHING`,
  ],
  tables: [
    {
      table: 'tenant_locations',
      share: 1,
      columns: {
        id: (s) => s.id('tenant_locations'),
        tenant_id: (s) => s.tenant,
        name: `'Bakery ' || (g + 1)`,
        station_id: station(`g % ${CITIES.length}`),
        latitude: `40 + (g % ${CITIES.length}) * 1.3 + (g % 100) / 1000.0`,
        longitude: `-4 + (g % ${CITIES.length}) * 2.1 + (g % 100) / 1000.0`,
      },
    },
    {
      table: 'weather_data',
      share: 20,
      columns: {
        id: (s) => s.id('weather_data'),
        tenant_id: (s) => s.tenant,
        // The observation is fetched at the location's nearest station.
        station_id: (s) => station(`(g % ${s.count('tenant_locations')}) % ${CITIES.length}`),
        location_id: (s) => s.ref('tenant_locations'),
        observed_at: `date_trunc('hour', now()) - g * interval '1 hour'`,
        temperature_c: '-5 + g % 35',
        precipitation_mm: '(g % 9) * 0.3',
      },
    },
    {
      table: 'traffic_data',
      share: 6,
      columns: {
        id: (s) => s.id('traffic_data'),
        tenant_id: (s) => s.tenant,
        city: `${cities}[g % ${CITIES.length} + 1]`,
        observed_at: `date_trunc('hour', now()) - g * interval '1 hour'`,
        congestion_index: '(g * 37 % 100) / 10.0',
      },
    },
    {
      table: 'external_api_calls',
      share: 8,
      columns: {
        tenant_id: (s) => s.tenant,
        provider: (s) => s.pick(['openweathermap', 'aemet', 'tomtom-traffic', 'calendarific']),
        status_code: `CASE WHEN g % 20 = 0 THEN 503 ELSE 200 END`,
        called_at: pastTimestamp(90),
      },
    },
    {
      table: 'audit_log',
      share: 1,
      columns: {
        tenant_id: (s) => s.tenant,
        action: (s) => s.pick(['location.added', 'weather.fetched', 'traffic.fetched']),
        created_at: pastTimestamp(365),
      },
    },
  ],
};
