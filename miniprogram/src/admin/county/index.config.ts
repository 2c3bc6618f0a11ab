export default definePageConfig({ navigationBarTitleText: '县级看板' });
