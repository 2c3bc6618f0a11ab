import { useEffect, useRef } from 'react';
import { View, Text } from '@tarojs/components';
import L from 'leaflet';
import 'leaflet/dist/leaflet.css';
import type { TownMapProps } from '../TownMap';
import './townmap.scss';
import { AREA_STYLE, ME_COLOR, PIN_COLOR, drawable, legendOf } from './features';

/** Panes above Leaflet's own (markers 600, tooltips 650): 我的位置 and its label are never covered. */
const ME_PANE = 'townmap-me';
const ME_LABEL_PANE = 'townmap-me-label';

/**
 * Leaflet drawing our GeoJSON layers as vectors (no tiles needed). Loaded lazily by TownMap.tsx,
 * so the library's ~150 KB reach only the pages with a map.
 */
export default function LeafletMap(props: TownMapProps) {
  const el = useRef<HTMLElement | null>(null);
  const map = useRef<L.Map | null>(null);
  const drawn = useRef<L.LayerGroup | null>(null);
  const fitted = useRef(false);
  const latest = useRef(props);
  latest.current = props;

  // The map itself, once.
  useEffect(() => {
    if (!el.current) return undefined;
    // No animations: a page left while the map still moved (a resident sends the tip and the page
    // goes) made Leaflet's pending step read a removed pane (`_leaflet_pos` of undefined).
    const m = L.map(el.current as HTMLElement, {
      attributionControl: false,
      zoomSnap: 0.5,
      maxZoom: 19,
      zoomAnimation: false,
      fadeAnimation: false,
      markerZoomAnimation: false,
    });
    m.createPane(ME_PANE).style.zIndex = '680';
    m.createPane(ME_LABEL_PANE).style.zIndex = '690';
    m.on('click', (e: L.LeafletMouseEvent) =>
      latest.current.onTap?.({ lat: +e.latlng.lat.toFixed(6), lng: +e.latlng.lng.toFixed(6) }),
    );
    m.setView([30, 108], 13);
    drawn.current = L.layerGroup().addTo(m);
    map.current = m;
    return () => {
      m.stop();
      m.remove();
      map.current = null;
    };
  }, []);

  // The base map, when the server has a tile key.
  const base = props.layers?.base;
  useEffect(() => {
    const m = map.current;
    if (!m || !base) return undefined;
    const tiles = base.urls.map((url) =>
      L.tileLayer(url, { subdomains: base.subdomains, maxZoom: 18, referrerPolicy: 'strict-origin-when-cross-origin' }),
    );
    tiles.forEach((t) => t.addTo(m));
    const attribution = L.control.attribution({ prefix: false }).addAttribution(base.attribution).addTo(m);
    return () => {
      tiles.forEach((t) => t.remove());
      attribution.remove();
    };
  }, [base]);

  // Our layers, the pin and 我的位置, redrawn when they change: by value, not by identity (pages
  // pass a new pin object on every render, and each redraw removed and re-added every label).
  const { layers, onFeature } = props;
  const pinKey = props.pin ? `${props.pin.lat},${props.pin.lng},${props.pin.label}` : '';
  const meKey = props.me ? `${props.me.lat},${props.me.lng}` : '';
  useEffect(() => {
    const { me, pin } = latest.current;
    const m = map.current;
    const g = drawn.current;
    if (!m || !g) return;
    g.clearLayers();
    const { areas, dots } = drawable(layers);
    const pick = (f: Parameters<NonNullable<TownMapProps['onFeature']>>[0]) => (e: L.LeafletEvent) => {
      L.DomEvent.stopPropagation(e as L.LeafletMouseEvent);
      latest.current.onFeature?.(f);
    };
    const interactive = Boolean(onFeature);
    for (const a of areas) {
      const s = AREA_STYLE[a.kind];
      const poly = L.polygon(
        a.ring.map((p) => [p.lat, p.lng] as L.LatLngTuple),
        {
          color: s.color,
          weight: s.weight,
          dashArray: s.dash,
          fillColor: s.color,
          fillOpacity: a.kind === 'grid' ? 0.08 : 0.04,
          interactive,
          className: `townmap-area townmap-area-${a.kind}`,
        },
      ).addTo(g);
      if (a.kind === 'village')
        poly.bindTooltip(a.name, { permanent: true, direction: 'center', className: 'townmap-area-label' });
      else poly.bindTooltip(a.name, { sticky: true });
      if (interactive) poly.on('click', pick(a.feature));
    }
    for (const d of dots) {
      const dot = L.circleMarker([d.lat, d.lng], {
        radius: d.kind === 'village' ? 4 : 8,
        color: '#fff',
        weight: 2,
        fillColor: d.color,
        fillOpacity: 1,
        interactive,
        className: `townmap-dot townmap-dot-${d.kind}`,
      }).addTo(g);
      const text = d.detail ? `${d.name}<br><span class="townmap-detail">${d.detail}</span>` : d.name;
      dot.bindTooltip(d.labelled ? d.name : text, {
        permanent: d.labelled,
        direction: 'right',
        offset: [8, 0],
        className: `townmap-label townmap-label-${d.kind}`,
      });
      if (interactive) dot.on('click', pick(d.feature));
    }
    if (pin) {
      L.circleMarker([pin.lat, pin.lng], {
        radius: 11,
        className: 'townmap-pin',
        color: '#fff',
        weight: 3,
        fillColor: PIN_COLOR,
        fillOpacity: 1,
        interactive: false,
        pane: ME_PANE,
      })
        .bindTooltip(pin.label, {
          permanent: true,
          direction: 'top',
          offset: [0, -10],
          className: 'townmap-pin-label',
          pane: ME_LABEL_PANE,
        })
        .addTo(g);
    }
    if (me) {
      L.circleMarker([me.lat, me.lng], {
        radius: 10,
        className: 'townmap-me',
        color: '#fff',
        weight: 3,
        fillColor: ME_COLOR,
        fillOpacity: 1,
        interactive: false,
        pane: ME_PANE,
      })
        .bindTooltip('我的位置', {
          permanent: true,
          direction: 'left',
          offset: [-10, 0],
          className: 'townmap-me-label',
          pane: ME_LABEL_PANE,
        })
        .addTo(g);
    }
    // Once the layers are there: the asked-for view, else everything fits (before: the pin or me).
    if (!fitted.current) {
      const v = latest.current.view;
      const pts: L.LatLngTuple[] = [
        ...areas.flatMap((a) => a.ring.map((p) => [p.lat, p.lng] as L.LatLngTuple)),
        ...dots.map((d) => [d.lat, d.lng] as L.LatLngTuple),
        ...(me ? [[me.lat, me.lng] as L.LatLngTuple] : []),
        ...(pin ? [[pin.lat, pin.lng] as L.LatLngTuple] : []),
      ];
      if (layers) fitted.current = true;
      if (v) m.setView([v.lat, v.lng], v.zoom ?? 16, { animate: false });
      // Room on the right for the places' names, which sit to the right of their dots.
      else if (pts.length > 1)
        m.fitBounds(L.latLngBounds(pts), {
          // 我的位置 is labelled to the left of its dot: room for it too.
          paddingTopLeft: [me ? 80 : 16, 16],
          paddingBottomRight: [90, 16],
          maxZoom: 17,
          animate: false,
        });
      else if (pts.length === 1) m.setView(pts[0]!, 16, { animate: false });
    }
  }, [layers, meKey, pinKey, onFeature]);

  // A new view asked for (the resident chose 村 → 组, or GPS answered): go there.
  const viewKey = props.view ? `${props.view.lat},${props.view.lng},${props.view.zoom ?? ''}` : '';
  useEffect(() => {
    const v = latest.current.view;
    if (map.current && v) map.current.setView([v.lat, v.lng], v.zoom ?? 16, { animate: false });
  }, [viewKey]);

  const legend = legendOf(drawable(layers).dots);
  return (
    <View className="townmap-wrap" id={props.id}>
      <View ref={el} className="townmap" style={{ height: props.height ?? '320px' }} />
      {legend.length ? (
        <View className="townmap-legend">
          {legend.map((l) => (
            <Text key={l.label} className="townmap-legend-item">
              <Text className="townmap-swatch" style={{ background: l.color }} />
              {l.label}
            </Text>
          ))}
          {props.me ? (
            <Text className="townmap-legend-item">
              <Text className="townmap-swatch" style={{ background: ME_COLOR }} />
              我的位置
            </Text>
          ) : null}
        </View>
      ) : null}
    </View>
  );
}
