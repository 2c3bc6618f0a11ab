import { useRouter } from '@tarojs/taro';
import { OFFICE_ROLES } from '@yingji/shared';
import { Page } from '../../components/Page';
import { HazardDetailView } from '../../components/HazardDetailView';

export default function OfficeHazard() {
  const { params } = useRouter();
  return (
    <Page title="隐患详情" roles={OFFICE_ROLES} wide>
      <HazardDetailView id={params.id ?? ''} />
    </Page>
  );
}
