export default definePageConfig({ navigationBarTitleText: '附近避难场所' });
