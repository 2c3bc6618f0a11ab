import { useState } from 'react';
import Taro, { useRouter } from '@tarojs/taro';
import { View, Text, Input } from '@tarojs/components';
import { Button } from '@nutui/nutui-react-taro';
import { townsApi } from '@yingji/shared';
import { Page } from '../../components/Page';
import { Loadable } from '../../components/State';
import { useData } from '../../hooks/useData';
import { api, errorText } from '../../services/api';
import { CombinedBoard } from './CombinedBoard';
import { Figures, TownDetail } from './TownDetail';
import './county.scss';

/** 县级看板: every town of the county side by side, one warning to several towns, and one town looked into. */
export default function CountyBoard() {
  const town = useRouter().params.town;
  return (
    <Page title={town ? '县级看板 · 乡镇详情' : '县级看板'} roles={['county']} wide>
      {town ? <TownDetail code={town} /> : <Board />}
    </Page>
  );
}

function Board() {
  const board = useData(() => townsApi(api()).countyDashboard(), { pollMs: 30_000 });
  const [title, setTitle] = useState('');
  const [chosen, setChosen] = useState<string[]>([]);
  const [message, setMessage] = useState('');
  const [sent, setSent] = useState(0);
  const toggle = (code: string) => setChosen((c) => (c.includes(code) ? c.filter((x) => x !== code) : [...c, code]));
  return (
    <Loadable {...board} onRetry={board.reload}>
      {(d) => (
        <View>
          <View className="card" id="county-board">
            <Text className="card-title">
              {d.county}：各乡镇当前情况（{d.towns.length} 个乡镇）
            </Text>
            {d.towns.length ? null : <Text className="muted">本县还没有乡镇</Text>}
            {d.towns.map((t) => (
              <View key={t.town.id} className="county-town">
                <View className="county-town-head">
                  <Text className="card-title county-town-name">{t.town.name}</Text>
                  <Text className="muted">
                    最近演练：
                    {t.latestDrill ? `${t.latestDrill.title}（${t.latestDrill.at.slice(0, 10)}）` : '暂无'}
                  </Text>
                  <View className="row">
                    <Button
                      size="small"
                      type={chosen.includes(t.town.code) ? 'primary' : 'default'}
                      fill={chosen.includes(t.town.code) ? 'solid' : 'outline'}
                      className="county-pick"
                      onClick={() => toggle(t.town.code)}
                    >
                      {chosen.includes(t.town.code) ? '✓ 已选，发预警' : '选中以发预警'}
                    </Button>
                    <Button
                      size="small"
                      className="county-open"
                      onClick={() => Taro.navigateTo({ url: `/admin/county/index?town=${t.town.code}` })}
                    >
                      进入该镇 ›
                    </Button>
                  </View>
                </View>
                <Figures row={t} />
              </View>
            ))}
          </View>
          <View className="card">
            <Text className="card-title">向选中的乡镇发布预警</Text>
            <Text className="hint">各镇按本镇的叫应对象、群和逐级叫应时限发送，与本镇应急办发布的一样。</Text>
            <Input
              className="input"
              id="county-warning-title"
              placeholder="预警标题"
              value={title}
              onInput={(e) => setTitle(e.detail.value)}
            />
            <Text className="hint">
              已选：
              {chosen.length
                ? d.towns
                    .filter((t) => chosen.includes(t.town.code))
                    .map((t) => t.town.name)
                    .join('、')
                : '无'}
            </Text>
            <Button
              type="primary"
              size="normal"
              id="county-warning-send"
              disabled={!chosen.length || !title.trim()}
              onClick={async () => {
                try {
                  const r = await townsApi(api()).countyWarning({
                    towns: chosen,
                    title: title.trim(),
                    level: 'orange',
                  });
                  const name = (code: string) => d.towns.find((t) => t.town.code === code)?.town.name ?? code;
                  setMessage(
                    r.items.map((i) => `${name(i.town)}：${i.error ?? `已发给 ${i.recipients} 人`}`).join('；'),
                  );
                  setSent((n) => n + 1);
                  await board.reload();
                } catch (e) {
                  setMessage(errorText(e));
                }
              }}
            >
              发布橙色预警
            </Button>
            {message ? (
              <Text className="hint" id="county-warning-result">
                {message}
              </Text>
            ) : null}
          </View>
          <CombinedBoard towns={d.towns.map((t) => t.town)} version={sent} />
        </View>
      )}
    </Loadable>
  );
}
