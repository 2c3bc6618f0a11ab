import { hazardsApi, sheltersApi, type ApiClient, type MapLayers } from '@yingji/shared';
import { convexHull } from '../../server/src/map/areas';
import { seedDemo } from '../../server/src/people/seed';
import { seedDemoResources } from '../../server/src/shelters/seed';
import { useTestDatabase } from '../support/db';
import { http, startTestServer, type TestServer } from '../support/server';
import { PLACES } from '../tips/helpers';

useTestDatabase();

const KEY = '0123456789abcdef0123456789abcdef';
const layer = (m: MapLayers, id: string) => m.layers.find((l) => l.id === id)!;

describe('the town map’s own layers (no tile server)', () => {
  let srv: TestServer;
  let office: ApiClient;
  beforeAll(async () => {
    await seedDemo();
    await seedDemoResources();
    srv = await startTestServer({ env: { TIANDITU_KEY: KEY } });
    office = await srv.login('office', 'Office@2024');
  });
  afterAll(() => srv.close());

  it('draws each grid as its boundary polygon, named with its village', async () => {
    const grids = layer(await sheltersApi(office).mapLayers('grids'), 'grids');
    const sq01 = grids.features.find((f) => f.properties.code === 'SQ-01')!;
    expect(sq01.geometry.type).toBe('Polygon');
    const ring = sq01.geometry.coordinates as [number, number][][];
    expect(ring[0]!.length).toBeGreaterThanOrEqual(4);
    expect(ring[0]![0]).toEqual(ring[0]![ring[0]!.length - 1]); // closed, [lng, lat]
    expect(sq01.properties).toMatchObject({ kind: 'grid', village: expect.any(String) });
  });

  it('outlines each village around all of its grids', async () => {
    const m = await sheltersApi(office).mapLayers('villages,grids');
    const villages = layer(m, 'villages').features;
    expect(villages).toHaveLength(4);
    for (const v of villages.filter((f) => f.geometry.type === 'Polygon')) {
      const hull = (v.geometry.coordinates as [number, number][][])[0]!;
      const lngs = hull.map((p) => p[0]);
      const lats = hull.map((p) => p[1]);
      for (const g of layer(m, 'grids').features.filter((f) => f.properties.village === v.properties.name)) {
        for (const [lng, lat] of (g.geometry.coordinates as [number, number][][])[0]!) {
          expect(lng).toBeGreaterThanOrEqual(Math.min(...lngs));
          expect(lng).toBeLessThanOrEqual(Math.max(...lngs));
          expect(lat).toBeGreaterThanOrEqual(Math.min(...lats));
          expect(lat).toBeLessThanOrEqual(Math.max(...lats));
        }
      }
    }
    expect(villages.some((v) => v.geometry.type === 'Polygon')).toBe(true);
  });

  it('shows the office the hazards not yet closed, where they are', async () => {
    const h = await hazardsApi(office).create({
      description: '河堤裂缝',
      category: 'flood_drought',
      level: 'major',
      location: PLACES.sq01,
    });
    const open = layer(await sheltersApi(office).mapLayers('openHazards'), 'openHazards').features;
    const f = open.find((x) => x.properties.code === h.code)!;
    expect(f).toMatchObject({
      geometry: { type: 'Point', coordinates: [PLACES.sq01.lng, PLACES.sq01.lat] },
      properties: { kind: 'hazard', levelLabel: '重大', statusLabel: expect.any(String) },
    });
  });

  it('keeps open hazards from residents, who still get the villages and grids to tap on', async () => {
    const resident = await srv.login('resident.demo', 'Resident@2024');
    const m = await sheltersApi(resident).mapLayers();
    expect(m.layers.map((l) => l.id)).toEqual(['villages', 'grids', 'shelters']);
    const asked = await sheltersApi(resident).mapLayers('openHazards');
    expect(asked.layers).toEqual([]);
  });

  it('adds 天地图 as the base map when its key is configured, and lets its tiles through the CSP', async () => {
    const m = await sheltersApi(office).mapLayers('shelters');
    expect(m.base).toMatchObject({ name: '天地图', subdomains: '01234567' });
    expect(m.base!.urls[0]).toContain(`tk=${KEY}`);
    expect(m.base!.urls[0]).toContain('{z}');
    const res = await http(srv.base, 'GET', '/healthz');
    expect(String(res.headers.get('content-security-policy'))).toContain('https://*.tianditu.gov.cn');
  });
});

describe('convexHull', () => {
  it('is the outline of the points, inner points left out', () => {
    const pts = [
      { lat: 0, lng: 0 },
      { lat: 0, lng: 2 },
      { lat: 2, lng: 2 },
      { lat: 2, lng: 0 },
      { lat: 1, lng: 1 },
      { lat: 0, lng: 0 },
    ];
    const hull = convexHull(pts);
    expect(hull).toHaveLength(4);
    expect(hull).not.toContainEqual({ lat: 1, lng: 1 });
  });
});
