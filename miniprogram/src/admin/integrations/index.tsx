import { Text } from '@tarojs/components';
import { TOWN_ADMIN_ROLES } from '@yingji/shared';
import { Page } from '../../components/Page';

/** 系统对接: API keys, webhooks, broadcast endpoints (being built). */
export default function Integrations() {
  return (
    <Page title="系统对接" roles={TOWN_ADMIN_ROLES} wide>
      <Text className="hint">接口密钥、事件推送、应急广播</Text>
    </Page>
  );
}
