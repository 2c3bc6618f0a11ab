export default definePageConfig({ navigationBarTitleText: '举报人身份查看记录' });
