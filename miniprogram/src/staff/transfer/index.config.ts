export default definePageConfig({ navigationBarTitleText: '转移上报' });
