export default definePageConfig({
  navigationBarTitleText: '十直镇应急',
});
