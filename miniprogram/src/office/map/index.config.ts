export default definePageConfig({ navigationBarTitleText: '全镇地图' });
