export default definePageConfig({ navigationBarTitleText: '我负责的隐患' });
