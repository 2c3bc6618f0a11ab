export default definePageConfig({ navigationBarTitleText: '应急资源' });
