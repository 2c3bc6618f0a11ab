import type { PropsWithChildren } from 'react';
import { useDidShow, useLaunch } from '@tarojs/taro';
import { flushQueue, startQueueWorker } from './services/tip-outbox';
import { currentUser } from './services/session';

// Only the styles of the NutUI components used (Button, Switch): the whole library's stylesheet
// was 230 KB of the weapp main package.
import '@nutui/nutui-react-taro/dist/es/packages/button/style/style.css';
import '@nutui/nutui-react-taro/dist/es/packages/switch/style/style.css';
import './app.scss';
import './layout.scss';

function App({ children }: PropsWithChildren) {
  useLaunch(() => {
    // Tips kept on the device while offline are sent as soon as the app runs again.
    if (currentUser()) startQueueWorker();
  });
  useDidShow(() => {
    if (currentUser()) void flushQueue(true);
  });
  return children;
}

export default App;
