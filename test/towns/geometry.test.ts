import { overlaps, polygonOf, ringOf } from '../../server/src/people/geometry';
import { parseGeoJson, parseKml } from '../../server/src/people/import-places';

const square = (x: number, y: number, d = 0.01): [number, number][] => [
  [x, y],
  [x + d, y],
  [x + d, y + d],
  [x, y + d],
  [x, y],
];
const poly = (ring: [number, number][]) => ({ type: 'Polygon' as const, coordinates: [ring] });

describe('a grid boundary', () => {
  it.each([
    ['accepts a closed square', square(107.8, 29.7), 'ok'],
    ['refuses a ring that is not closed', square(107.8, 29.7).slice(0, 4), 'GRID_BOUNDARY_INVALID'],
    [
      'refuses a ring of two distinct corners',
      [
        [107.8, 29.7],
        [107.81, 29.7],
        [107.8, 29.7],
        [107.8, 29.7],
      ],
      'GRID_BOUNDARY_INVALID',
    ],
    [
      'refuses a bow tie as self-intersecting',
      [
        [107.8, 29.7],
        [107.81, 29.71],
        [107.81, 29.7],
        [107.8, 29.71],
        [107.8, 29.7],
      ],
      'GRID_BOUNDARY_SELF_INTERSECTS',
    ],
  ] as [string, [number, number][], string][])('%s', (_name, ring, expected) => {
    const r = ringOf(poly(ring));
    expect('problem' in r ? r.problem : 'ok').toBe(expected);
  });

  it('is stored as lat/lng corners and given back as the same closed GeoJSON ring', () => {
    const r = ringOf(poly(square(107.8, 29.7)));
    if ('problem' in r) throw new Error(r.problem);
    expect(r.area[0]).toEqual({ lat: 29.7, lng: 107.8 });
    expect(polygonOf(r.area)).toEqual(poly(square(107.8, 29.7)));
  });

  it('overlaps a grid it shares area with, not one it only touches along an edge', () => {
    const area = (ring: [number, number][]) => {
      const r = ringOf(poly(ring));
      if ('problem' in r) throw new Error(r.problem);
      return r.area;
    };
    const a = area(square(107.8, 29.7));
    expect(overlaps(a, area(square(107.805, 29.705)))).toBe(true);
    expect(overlaps(a, area(square(107.81, 29.7)))).toBe(false); // neighbour to the east
    expect(overlaps(a, area(square(107.802, 29.702, 0.002)))).toBe(true); // wholly inside
  });
});

describe('reading boundary files', () => {
  it('reads GeoJSON features and reports the ones without a name, village or polygon', () => {
    const text = JSON.stringify({
      type: 'FeatureCollection',
      features: [
        { type: 'Feature', properties: { name: '一网格', village: '新村' }, geometry: poly(square(107.8, 29.7)) },
        { type: 'Feature', properties: { name: '二网格' }, geometry: poly(square(107.9, 29.7)) },
        {
          type: 'Feature',
          properties: { name: '三网格', village: '新村' },
          geometry: { type: 'Point', coordinates: [1, 2] },
        },
      ],
    });
    const r = parseGeoJson(text);
    expect(r.rows.map((x) => [x.row, x.name, x.village])).toEqual([[1, '一网格', '新村']]);
    expect(r.rejected.map((x) => x.row)).toEqual([2, 3]);
  });

  it('reads KML placemarks with the village from their folder', () => {
    const coords = square(107.8, 29.7)
      .map(([x, y]) => `${x},${y},0`)
      .join(' ');
    const kml = `<?xml version="1.0" encoding="UTF-8"?><kml xmlns="http://www.opengis.net/kml/2.2"><Document>
      <Folder><name>新村</name><Placemark><name>一网格</name><Polygon><outerBoundaryIs><LinearRing>
      <coordinates>${coords}</coordinates></LinearRing></outerBoundaryIs></Polygon></Placemark></Folder></Document></kml>`;
    const r = parseKml(kml);
    expect(r.rejected).toEqual([]);
    expect(r.rows).toEqual([{ row: 1, village: '新村', name: '一网格', ring: square(107.8, 29.7) }]);
  });
});
