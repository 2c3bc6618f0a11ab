export default definePageConfig({ navigationBarTitleText: '举报审核' });
