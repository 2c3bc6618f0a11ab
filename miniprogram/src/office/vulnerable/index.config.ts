export default definePageConfig({ navigationBarTitleText: '包保对象' });
