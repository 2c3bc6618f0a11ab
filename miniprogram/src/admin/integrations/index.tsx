import { View, Text } from '@tarojs/components';
import { TOWN_ADMIN_ROLES } from '@yingji/shared';
import { Page } from '../../components/Page';
import { ApiKeys } from './ApiKeys';
import { Broadcast } from './Broadcast';
import { Webhooks } from './Webhooks';
import './integrations.scss';

/**
 * 系统对接: what connects the town to outside systems — API keys for the county platform and
 * cameras, signed event pushes (webhooks) with their deliveries, and the villages' loudspeakers.
 */
export default function Integrations() {
  return (
    <Page title="系统对接" roles={TOWN_ADMIN_ROLES} wide>
      <Text className="hint">
        接口密钥和签名密钥只在创建时显示一次，系统只保存无法还原的形式。停用、停止或删除立即生效，并记入日志。
      </Text>
      <View className="integrations">
        <ApiKeys />
        <Webhooks />
        <Broadcast />
      </View>
    </Page>
  );
}
