export default definePageConfig({ navigationBarTitleText: '群与绑定码' });
