export default definePageConfig({ navigationBarTitleText: '系统对接' });
