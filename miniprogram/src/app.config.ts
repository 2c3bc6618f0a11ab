export default defineAppConfig({
  // Main package: login and the residents' pages (what most users open). Staff and office pages are
  // subpackages, loaded when first opened, so the main package stays under WeChat's 2 MB.
  pages: [
    'pages/index/index',
    'pages/report/index',
    'pages/mine/index',
    'pages/warnings/index',
    'pages/shelters/index',
    'pages/tips/detail',
  ],
  subPackages: [
    {
      root: 'staff',
      pages: [
        'callouts/index',
        'checkin/index',
        'hazard-new/index',
        'hazards/index',
        'hazard/index',
        'care/index',
        'transfer/index',
      ],
    },
    {
      root: 'office',
      pages: [
        'triage/index',
        'hazards/index',
        'hazard/index',
        'warnings/index',
        'callout/index',
        'drills/index',
        'drill/index',
        'rewards/index',
        'stats/index',
        'exports/index',
        'duty/index',
        'evacuation/index',
        'incidents/index',
        'outbox/index',
        'resources/index',
        'vulnerable/index',
        'audit/index',
        'map/index',
      ],
    },
    {
      // Town set-up and the county (issue 12): places, settings, audit log, chat groups, county board.
      root: 'admin',
      pages: [
        'places/index',
        'settings/index',
        'audit/index',
        'groups/index',
        'county/index',
        'integrations/index',
        'staff/index',
        'towns/index',
      ],
    },
  ],
  window: {
    backgroundTextStyle: 'light',
    navigationBarBackgroundColor: '#c0392b',
    navigationBarTitleText: '十直镇应急',
    navigationBarTextStyle: 'white',
  },
  // Privacy: the location APIs used (getLocation for 随手拍/签到/避难场所, chooseLocation to correct it
  // on the map) are declared, and WeChat's privacy guide is shown before the first use.
  requiredPrivateInfos: ['getLocation', 'chooseLocation'],
  permission: {
    'scope.userLocation': { desc: '用于确定隐患位置、查找附近避难场所和演练签到' },
  },
  __usePrivacyCheck__: true,
});
