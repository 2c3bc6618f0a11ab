import { View } from '@tarojs/components';
import { hazardsApi } from '@yingji/shared';
import { HazardRow } from '../../components/HazardRow';
import { Page } from '../../components/Page';
import { Loadable } from '../../components/State';
import { useData } from '../../hooks/useData';
import { api } from '../../services/api';
import { currentUser } from '../../services/session';

/** 我负责的隐患: the open hazards of the user's grids and village, theirs first. */
export default function MyHazards() {
  const me = currentUser();
  const list = useData(() => hazardsApi(api()).list({ status: 'open', pageSize: 100 }));
  return (
    <Page title="我负责的隐患" roles={['grid', 'cadre', 'office', 'admin']}>
      <Loadable {...list} onRetry={list.reload} empty={(d) => d.items.length === 0} emptyText="没有未销号的隐患。">
        {(d) => {
          const items = d.items
            .slice()
            .sort((a, b) => Number(b.responsibleUser?.id === me?.id) - Number(a.responsibleUser?.id === me?.id));
          return (
            <View>
              {items.map((h) => (
                <HazardRow key={h.id} h={h} url={`/staff/hazard/index?id=${h.id}`} />
              ))}
            </View>
          );
        }}
      </Loadable>
    </Page>
  );
}
