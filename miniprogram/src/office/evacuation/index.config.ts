export default definePageConfig({ navigationBarTitleText: '转移安置' });
