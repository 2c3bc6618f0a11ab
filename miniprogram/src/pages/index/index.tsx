import { View, Text } from '@tarojs/components';
import { Cell } from '@nutui/nutui-react-taro';
import { HAZARD_CATEGORIES } from '@yingji/shared';

export default function Index() {
  return (
    <View className="index">
      <Text>十直镇应急管理</Text>
      <Cell title="隐患类别" extra={`${HAZARD_CATEGORIES.length} 类`} />
    </View>
  );
}
