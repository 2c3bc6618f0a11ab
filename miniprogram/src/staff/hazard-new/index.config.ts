export default definePageConfig({ navigationBarTitleText: '隐患上报' });
