import { useRouter } from '@tarojs/taro';
import { Page } from '../../components/Page';
import { HazardDetailView } from '../../components/HazardDetailView';

export default function StaffHazard() {
  const { params } = useRouter();
  return (
    <Page title="隐患详情" roles={['grid', 'cadre', 'office', 'admin']}>
      <HazardDetailView id={params.id ?? ''} />
    </Page>
  );
}
