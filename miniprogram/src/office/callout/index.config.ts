export default definePageConfig({ navigationBarTitleText: '叫应看板' });
