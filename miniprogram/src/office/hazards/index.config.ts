export default definePageConfig({ navigationBarTitleText: '隐患清单' });
